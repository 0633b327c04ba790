"""Fault: the worker process running a company's recompute is killed (SIGKILL, as the OOM killer does) in the middle
of it, after the recompute has deleted and rewritten the company's ledger inside its transaction. PostgreSQL rolls
that transaction back; the broker gets the task back (``task_acks_late`` + ``task_reject_on_worker_lost``: the
message is acknowledged only once the task has run, and rejected back to the queue when its process dies); the
task runs again and writes a ledger identical to a clean run's."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.db import connection, connections

from entreprises import decompte
from entreprises.models import Allocation, Exclusion, SuiviLot
from guichet.enums import Role
from guichet.models import Tache

from ..clients import api, url
from ..conftest import arreter_worker, lancer_worker
from ..entreprises.chantier import chantier as construire_chantier


def attendre(condition, secondes=90):
    fin = time.monotonic() + secondes
    while time.monotonic() < fin:
        resultat = condition()
        if resultat:
            return resultat
        time.sleep(0.05)
    return None


def lignes(model):
    """Every row of ``model``, every column but the id and the computation's timestamp, sorted."""
    colonnes = [f.attname for f in model._meta.concrete_fields if f.name not in {"id", "calcule_le"}]
    return sorted(model.objects.values_list(*colonnes))


def etat_du_decompte():
    return {model.__name__: lignes(model) for model in (Allocation, Exclusion, SuiviLot)}


def enfants(pid):
    """The worker's pool processes (Linux: /proc)."""
    fichier = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in fichier.read_text().split()] if fichier.exists() else []


def attente_du_worker():
    """The backend of a recompute blocked on the lots' row lock (it has already rewritten the ledger)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND query ILIKE %s",
            ["%FOR NO KEY UPDATE%"],
        )
        ligne = cursor.fetchone()
    return ligne and ligne[0]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="Linux seulement (/proc).")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_a_recompute_leaves_the_same_ledger_as_a_clean_run(
    guichet_a, celery_eager_off
):
    territoire, entreprise, lot_a, lot_b, *_ = construire_chantier(guichet_a)
    with territoire.scope():
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        propre = etat_du_decompte()
        assert propre["Allocation"] and propre["Exclusion"] and len(propre["SuiviLot"]) == 2
        for model in (Allocation, Exclusion, SuiviLot):
            model.objects.all().delete()

    # Another connection holds the lots' rows: the recompute will wait there, its new ledger written but not
    # committed (its lock wait bounded at 60 s in this worker, so that it waits rather than retries).
    verrou = connections.create_connection("default")
    verrou.connect()
    worker = lancer_worker(pool="prefork", DECOMPTE_ATTENTE_VERROU="60")
    debut = time.monotonic()
    try:
        with verrou.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM marches_lot WHERE id IN (%s, %s) FOR UPDATE", [lot_a.pk, lot_b.pk])
            reponse = api(territoire.membres[Role.FACILITATEUR]).post(
                url("api:recalcul-list", territoire), {"entreprise": entreprise.pk}, format="json"
            )
            assert reponse.status_code == 202
            backend = attendre(attente_du_worker)
            assert backend, worker.poll()
            processus = enfants(worker.pid)
            assert len(processus) == 1, processus
            with territoire.scope():
                tache = Tache.objects.get(pk=reponse.json()["tache"])
                assert tache.etat == "en_cours"
                # Mid-recompute: nothing of it is visible outside its transaction.
                assert not Allocation.objects.exists() and not SuiviLot.objects.exists()
            os.kill(processus[0], signal.SIGKILL)
            assert attendre(lambda: processus[0] not in enfants(worker.pid))
            with territoire.scope():
                # Still nothing half-written once its process is gone.
                assert not Allocation.objects.exists() and not Exclusion.objects.exists()
            cursor.execute("ROLLBACK")
        with territoire.scope():
            # The worker got the task back and ran it again: the same ledger and progress as the clean run.
            assert attendre(lambda: Tache.objects.filter(pk=tache.pk, etat="termine").exists()), worker.poll()
            assert etat_du_decompte() == propre
            # The killed run's transaction is gone with its connection (rolled back, locks released).
            assert attendre(lambda: attente_du_worker() is None)
        assert worker.poll() is None  # the worker itself lives on, with a new pool process
        print(
            f"\nPanne « worker tué » : processus {processus[0]} tué pendant le recalcul, tâche relivrée et refaite, "
            f"grand livre identique ({len(propre['Allocation'])} allocations, {len(propre['Exclusion'])} exclusions, "
            f"{len(propre['SuiviLot'])} suivis) en {time.monotonic() - debut:.1f} s"
        )
    finally:
        verrou.close()
        arreter_worker(worker)
