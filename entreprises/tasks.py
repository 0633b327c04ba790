"""Thin Celery adapters of the entreprises app: the relevés' reminders and the hours recompute
(``entreprises.decompte``)."""

import logging

from django.db import OperationalError
from django.utils import timezone

from guichet.celery import GuichetTask, app
from guichet.models import Guichet
from guichet.tenancy import pour_chaque_guichet

from . import decompte, services

logger = logging.getLogger(__name__)


@app.task
def releves_relancer():
    """Daily (Celery beat): past each guichet's deadline day, remind the companies whose relevé of last month is
    missing (``services.releves_relancer``); one guichet's failure is logged and does not stop the others."""
    aujourdhui = timezone.localdate()
    bilan = {"relances": 0, "echecs": 0}
    for guichet in pour_chaque_guichet("Relances des relevés manquants (Celery beat)"):
        try:
            bilan["relances"] += len(services.releves_relancer(guichet=guichet, aujourdhui=aujourdhui))
        except Exception:
            logger.exception("Relances des relevés du guichet %s en échec", guichet.slug)
            bilan["echecs"] += 1
    return bilan


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
def decompte_guichet(self, guichet_id, forcer=True):
    """Recompute the whole guichet, reporting progress (``recalculs/``, ``taches/<id>/``); ``forcer=False``: only
    the companies whose inputs or ledger changed (``decompte.guichet_recalculer``)."""
    guichet = Guichet.objects.get(pk=guichet_id)
    return decompte.guichet_recalculer(guichet, progression=self.progression, forcer=forcer)


@app.task
def decompte_nuit():
    """Nightly (Celery beat): every active guichet is checked, one task each, so the workers share them and one
    guichet's failure does not stop the others. Every company whose inputs or ledger changed since its last
    recompute is recomputed from scratch (domain.md §5.5); the others would get the very same ledger. Each task runs
    under its own guichet (``GuichetTask``): no task ever sees two guichets."""
    guichets = [guichet.pk for guichet in pour_chaque_guichet("Recalcul de nuit des heures (Celery beat)")]
    for guichet_id in guichets:
        decompte_guichet.delay(guichet_id, forcer=False)
    return len(guichets)
