"""Thin Celery adapters: produce a bilan (PDF) or an export (XLSX, CSV) and store it on its row."""

from guichet.celery import GuichetTask, app

from . import bilans, exports, services
from .models import Bilan, Export


@app.task(base=GuichetTask, bind=True)
def bilan_produire(self, guichet_id, bilan_id):
    bilan = Bilan.objects.select_related("guichet", "acheteur", "marche__acheteur", "entreprise", "lot__marche").get(
        pk=bilan_id
    )
    pdf = bilans.produire(bilan, progression=self.progression)
    services.document_enregistrer(bilan, nom=bilans.nom_fichier(bilan), contenu=pdf)
    return {"bilan": bilan.pk}


@app.task(base=GuichetTask, bind=True)
def export_produire(self, guichet_id, export_id):
    export = Export.objects.select_related("guichet").get(pk=export_id)
    with exports.produire(export, progression=self.progression) as fichier:
        services.document_enregistrer(export, nom=exports.nom_fichier(export), contenu=fichier)
    return {"export": export.pk}
