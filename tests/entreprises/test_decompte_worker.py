"""The recompute through Redis and a real Celery worker (``worker`` fixture of ``tests/conftest.py``): sent once a
change commits, held back by the lock of a concurrent recompute of the same company, retried, same ledger."""

import time

import pytest

from entreprises import decompte
from entreprises.models import Allocation, Exclusion, SuiviLot
from guichet.enums import Role
from guichet.models import Tache
from marches import services as marches

from ..clients import api, url
from .chantier import chantier as construire_chantier
from .chantier import exclusions, grand_livre, recalcul_concurrent


def attendre(condition, secondes=60):
    fin = time.monotonic() + secondes
    while time.monotonic() < fin:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.django_db(transaction=True)
def test_an_attribution_removed_is_recomputed_by_the_worker_once_committed(guichet_a, worker):
    territoire, entreprise, lot_a, lot_b, *_ = construire_chantier(guichet_a)
    with territoire.scope():
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        marches.attribution_delete(attribution=lot_a.attributions.get(), acting_user=None)

        def recalcule():
            return SuiviLot.objects.filter(lot=lot_b, heures_realisees=350).exists()

        assert attendre(recalcule), worker.poll()
        assert not Allocation.objects.filter(lot=lot_a).exists()
        assert SuiviLot.objects.get(lot=lot_a).heures_realisees == 0


@pytest.mark.django_db(transaction=True)
def test_a_recompute_waits_for_a_concurrent_one_is_retried_and_writes_the_same_ledger(guichet_a, worker):
    territoire, entreprise, *_ = construire_chantier(guichet_a)
    with territoire.scope():
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        attendu = grand_livre(), exclusions()
        Allocation.objects.all().delete()
        Exclusion.objects.all().delete()
    with recalcul_concurrent(territoire, entreprise):
        reponse = api(territoire.membres[Role.FACILITATEUR]).post(
            url("api:recalcul-list", territoire), {"entreprise": entreprise.pk}, format="json"
        )
        assert reponse.status_code == 202
        with territoire.scope():
            taches = Tache.objects.filter(pk=reponse.json()["tache"])
            assert attendre(lambda: taches.values_list("etat", flat=True).get() == "en_cours"), worker.poll()
            etats = ["en_cours"]
            fin = time.monotonic() + 3
            while time.monotonic() < fin:
                etat = taches.values_list("etat", flat=True).get()
                if etats[-1] != etat:
                    etats.append(etat)
                time.sleep(0.01)
            # It started, waited for the lock, gave up and was sent again; it wrote nothing meanwhile.
            assert etats[:3] == ["en_cours", "en_attente", "en_cours"], (etats, worker.poll())
            assert not Allocation.objects.exists() and not Exclusion.objects.exists()
    with territoire.scope():
        assert attendre(lambda: taches.values_list("etat", flat=True).get() == "termine"), worker.poll()
        assert (grand_livre(), exclusions()) == attendu
