"""Thin Celery adapters of the entreprises app."""

import logging

from django.utils import timezone

from guichet.celery import app
from guichet.models import Guichet
from guichet.tenancy import guichet_scope

from . import services

logger = logging.getLogger(__name__)


@app.task
def releves_relancer():
    """Daily (Celery beat): past each guichet's deadline day, remind the companies whose relevé of last month is
    missing (``services.releves_relancer``); one guichet's failure is logged and does not stop the others."""
    aujourdhui = timezone.localdate()
    bilan = {"relances": 0, "echecs": 0}
    for guichet in Guichet.objects.filter(actif=True):
        with guichet_scope(guichet.pk):
            try:
                bilan["relances"] += len(services.releves_relancer(guichet=guichet, aujourdhui=aujourdhui))
            except Exception:
                logger.exception("Relances des relevés du guichet %s en échec", guichet.slug)
                bilan["echecs"] += 1
    return bilan
