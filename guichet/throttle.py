"""Throttling of failed sign-ins, per account and per client address, shared by the page and the API.

Counters live in the cache (Redis) for ``LOGIN_FAILURE_WINDOW`` seconds. If the cache is unreachable,
sign-in keeps working (logged): refusing every user would be worse than losing throttling for a while.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)
MESSAGE_BLOQUE = (
    "Trop de tentatives de connexion ont échoué. Patientez quelques minutes ou réinitialisez votre mot de passe."
)


def _keys(email, ip):
    digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]
    return {
        f"echec-connexion:compte:{digest}": settings.LOGIN_FAILURE_LIMIT,
        f"echec-connexion:ip:{ip}": settings.LOGIN_FAILURE_LIMIT_IP,
    }


def client_ip(request):
    return request.META.get("REMOTE_ADDR", "")


def login_blocked(email, ip) -> bool:
    keys = _keys(email, ip)
    try:
        counts = cache.get_many(list(keys))
    except Exception:
        logger.warning("Cache indisponible : limitation des connexions suspendue", exc_info=True)
        return False
    return any(counts.get(key, 0) >= limit for key, limit in keys.items())


def login_failed(email, ip) -> None:
    try:
        for key in _keys(email, ip):
            cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW)
            cache.incr(key)
    except Exception:
        logger.warning("Cache indisponible : échec de connexion non compté", exc_info=True)


def login_succeeded(email, ip) -> None:
    try:
        cache.delete(next(iter(_keys(email, ip))))
    except Exception:
        logger.warning("Cache indisponible", exc_info=True)
