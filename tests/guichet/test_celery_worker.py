"""A real Celery worker, through the real Redis broker, against the test database."""

import time

import pytest

from guichet import services
from guichet.enums import Role
from guichet.models import JournalAudit, Tache
from guichet.tasks import journal_exporter


@pytest.mark.django_db(transaction=True)
def test_a_task_goes_through_redis_to_a_real_worker_and_reports_progress(guichet_a, worker):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    with guichet_a.scope():
        JournalAudit.objects.bulk_create(
            JournalAudit(guichet=guichet_a.guichet, acteur=admin, action="essai", cible_type="t", cible_id=str(n))
            for n in range(30_000)
        )
        total = JournalAudit.objects.count()
        tache = services.tache_lancer(
            guichet=guichet_a.guichet, task=journal_exporter, libelle="Export", acting_user=admin
        )
        seen = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            tache.refresh_from_db()
            seen.add((tache.etat, tache.progression))
            if tache.finie:
                break
            time.sleep(0.01)
    assert tache.etat == "termine", (tache.erreur, worker.poll())
    assert tache.progression == 100 and tache.resultat == {"lignes": total}
    assert any(etat == "en_cours" and 0 < progression < 100 for etat, progression in seen), seen
    content = tache.fichier.open("rb").read().decode("utf-8-sig")
    assert content.count("\n") == total + 1 and content.startswith("date;auteur;action")
    with guichet_a.scope():
        assert Tache.objects.filter(pk=tache.pk).exists()
