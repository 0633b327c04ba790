"""Thin Celery adapters of the publics app."""

import logging

from django.utils import timezone

from guichet.celery import app
from guichet.tenancy import pour_chaque_guichet

from . import services

logger = logging.getLogger(__name__)


@app.task
def beneficiaires_conservation(simulation=False):
    """Monthly (Celery beat): anonymise, guichet by guichet, the people inactive for ``conservation_mois`` months
    (domain.md §10); a dry run (``simulation``) only reports. One guichet's failure does not stop the others."""
    aujourdhui = timezone.localdate()
    bilan = {"anonymisees": 0, "echecs": 0, "guichets": {}}
    motif = "Conservation des données personnelles" + (" (simulation)" if simulation else "") + " (Celery beat)"
    for guichet in pour_chaque_guichet(motif):
        try:
            rapport = services.beneficiaires_anonymiser(guichet=guichet, aujourdhui=aujourdhui, simulation=simulation)
        except Exception:
            logger.exception("Conservation des données du guichet %s en échec", guichet.slug)
            bilan["echecs"] += 1
            continue
        bilan["guichets"][guichet.slug] = rapport["personnes"]
        bilan["anonymisees"] += 0 if simulation else rapport["personnes"]
    return bilan
