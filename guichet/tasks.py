"""Thin Celery adapters of the guichet app."""

import csv
import io
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.formats import date_format

from . import versions
from .celery import GuichetTask, app
from .csv_safe import cellule_csv
from .models import Guichet, Tache
from .selectors import journal_list
from .tenancy import pour_chaque_guichet

COLONNES_JOURNAL = ["date", "auteur", "action", "type d'objet", "identifiant", "objet", "détails"]


@app.task(base=GuichetTask, bind=True)
def journal_exporter(self, guichet_id):
    """CSV export of the audit log (``;``, UTF-8 with BOM, protected against formula injection)."""
    guichet = Guichet.objects.get(pk=guichet_id)
    entrees = journal_list(guichet=guichet)
    total = entrees.count()
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLONNES_JOURNAL)
    for n, entree in enumerate(entrees.iterator(chunk_size=2000), start=1):
        writer.writerow(
            [
                cellule_csv(value)
                for value in (
                    date_format(timezone.localtime(entree.cree_le), "d/m/Y H:i:s"),
                    entree.acteur.email if entree.acteur else "",
                    entree.action,
                    entree.cible_type,
                    entree.cible_id,
                    entree.cible_libelle,
                    entree.details,
                )
            ]
        )
        if n % 2000 == 0:
            self.progression(n * 100 // total)
    if self.tache_id():
        tache = Tache.objects.get(pk=self.tache_id())
        nom = f"journal-{guichet.slug}-{timezone.localdate():%Y%m%d}.csv"
        tache.fichier.save(nom, ContentFile(buffer.getvalue().encode("utf-8")), save=True)
    return {"lignes": total}


@app.task
def ecritures_compacter():
    """Nightly: the table of writes keeps the latest row of each guichet (guichet/versions.py)."""
    return versions.compacter()


@app.task
def taches_purger():
    """Nightly: forget finished tasks (and their files) older than TACHES_CONSERVATION_JOURS."""
    limite = timezone.now() - timedelta(days=settings.TACHES_CONSERVATION_JOURS)
    supprimees = 0
    for _guichet in pour_chaque_guichet("Purge des tâches terminées (Celery beat)", actifs=False):
        for tache in Tache.objects.filter(maj_le__lt=limite, etat__in=["termine", "echec"]):
            if tache.fichier:
                tache.fichier.delete(save=False)
            tache.delete()
            supprimees += 1
    return supprimees


@app.task
def taches_relancer():
    """Every minute (Celery beat): send the tasks kept while the broker was down (``services.taches_relancer``)."""
    from .services import taches_relancer as relancer

    return relancer()
