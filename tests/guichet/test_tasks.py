from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from guichet import services
from guichet.enums import Role
from guichet.models import Tache
from guichet.tasks import journal_exporter, taches_purger


def test_nightly_purge_forgets_old_finished_tasks_and_their_files(guichet_a, settings):
    with guichet_a.scope():
        ancienne = Tache.objects.create(guichet=guichet_a.guichet, type="t", libelle="vieille", etat="termine")
        ancienne.fichier.save("vieux.csv", ContentFile(b"x"), save=True)
        chemin = ancienne.fichier.path
        recente = Tache.objects.create(guichet=guichet_a.guichet, type="t", libelle="récente", etat="termine")
        en_cours = Tache.objects.create(guichet=guichet_a.guichet, type="t", libelle="longue", etat="en_cours")
        old = timezone.now() - timedelta(days=settings.TACHES_CONSERVATION_JOURS + 1)
        Tache.objects.filter(pk__in=[ancienne.pk, en_cours.pk]).update(maj_le=old)
    assert taches_purger.delay().get() == 1
    with guichet_a.scope():
        assert set(Tache.objects.values_list("pk", flat=True)) == {recente.pk, en_cours.pk}
    import os

    assert not os.path.exists(chemin)


def test_a_failing_task_records_a_french_error_instead_of_crashing(guichet_a, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    from guichet.celery import GuichetTask, app

    @app.task(base=GuichetTask, bind=True, name="tests.echoue")
    def echoue(self, guichet_id):
        raise ValidationError("Le fichier est vide.")

    with guichet_a.scope(), django_capture_on_commit_callbacks(execute=True):
        tache = services.tache_lancer(guichet=guichet_a.guichet, task=echoue, libelle="Essai", acting_user=None)
    with guichet_a.scope():
        tache.refresh_from_db()
    assert (tache.etat, tache.erreur) == ("echec", "Le fichier est vide.")


def test_csv_cells_cannot_become_formulas():
    from guichet.csv_safe import cellule_csv

    assert cellule_csv("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert cellule_csv("+33 1 23") == "'+33 1 23" and cellule_csv("@SUM(A1)") == "'@SUM(A1)"
    assert cellule_csv({"b": 1, "a": "é"}) == '{"a": "é", "b": 1}' and cellule_csv(None) == ""


def test_journal_export_in_eager_mode_produces_the_csv(guichet_a, django_capture_on_commit_callbacks):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    with guichet_a.scope():
        services.parametres_update(guichet=guichet_a.guichet, acting_user=admin, arrondi="ceil")
    with guichet_a.scope(), django_capture_on_commit_callbacks(execute=True):
        tache = services.tache_lancer(
            guichet=guichet_a.guichet, task=journal_exporter, libelle="Export", acting_user=admin
        )
    with guichet_a.scope():
        tache.refresh_from_db()
    assert tache.etat == "termine"
    assert tache.fichier.open("rb").read().startswith(b"\xef\xbb\xbfdate;auteur;action")
