"""Thin Celery adapters of the entreprises app: the hours recompute (``entreprises.decompte``)."""

from django.db import OperationalError

from guichet.celery import GuichetTask, app
from guichet.models import Guichet

from . import decompte

# A recompute that waited too long for the lock of the same company (or guichet), or lost a deadlock, is simply
# run again later: it reads everything afresh, so the retry gives the same ledger (domain.md §5.5).
REPRISE = {
    "base": GuichetTask,
    "bind": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,  # 1, 2, 4… seconds
    "retry_jitter": False,
    "retry_backoff_max": 300,
    "max_retries": 8,
}


@app.task(**REPRISE)
def decompte_entreprise(self, guichet_id, entreprise_id):
    """Recompute one company's ledger and the progress of its lots."""
    guichet = Guichet.objects.get(pk=guichet_id)
    return decompte.entreprise_recalculer(guichet=guichet, entreprise_id=entreprise_id)


@app.task(**REPRISE)
def decompte_lots(self, guichet_id, lot_ids):
    """Recompute the companies of some lots and the lots' progress (their dates, hours due or pooling changed)."""
    guichet = Guichet.objects.get(pk=guichet_id)
    return decompte.lots_recalculer(guichet=guichet, lot_ids=lot_ids)


@app.task(**REPRISE)
def decompte_guichet(self, guichet_id):
    """Recompute the whole guichet, reporting progress (``recalculs/``, ``taches/<id>/``)."""
    guichet = Guichet.objects.get(pk=guichet_id)
    return decompte.guichet_recalculer(guichet, progression=self.progression)


@app.task
def decompte_nuit():
    """Nightly (Celery beat): every active guichet is recomputed from scratch (domain.md §5.5), one task each, so
    the workers share them and one guichet's failure does not stop the others."""
    guichets = list(Guichet.objects.filter(actif=True).values_list("pk", flat=True))
    for guichet_id in guichets:
        decompte_guichet.delay(guichet_id)
    return len(guichets)
