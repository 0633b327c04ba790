"""Thin Celery adapters of the conventions app."""

import logging

from django.utils import timezone

from guichet.celery import app
from guichet.tenancy import pour_chaque_guichet

from . import services

logger = logging.getLogger(__name__)


@app.task
def conventions_echeances():
    """Daily (Celery beat): tacit renewals, then warnings of the conventions nearing their end, guichet by
    guichet; one guichet's failure is logged and does not stop the others."""
    aujourdhui = timezone.localdate()
    bilan = {"reconduites": 0, "alertes": 0, "echecs": 0}
    for guichet in pour_chaque_guichet("Échéances des conventions (Celery beat)"):
        try:
            bilan["reconduites"] += len(services.conventions_reconduire(guichet=guichet, aujourdhui=aujourdhui))
            bilan["alertes"] += len(services.conventions_alerter_echeances(guichet=guichet, aujourdhui=aujourdhui))
        except Exception:
            logger.exception("Échéances des conventions du guichet %s en échec", guichet.slug)
            bilan["echecs"] += 1
    return bilan
