"""Throttling of failed sign-ins and of wrong one-time codes, per account and per client address, shared by the pages
and the API.

Counters live in the cache (Redis) for ``LOGIN_FAILURE_WINDOW`` seconds. If the cache is unreachable,
sign-in keeps working (logged): refusing every user would be worse than losing throttling for a while.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache

logger = logging.getLogger(__name__)
MESSAGE_BLOQUE = (
    "Trop de tentatives de connexion ont échoué. Patientez quelques minutes ou réinitialisez votre mot de passe."
)
MESSAGE_CODE_BLOQUE = "Trop de codes erronés. Patientez quelques minutes avant de réessayer."


class ConnexionBloquee(Exception):
    """Too many recent failures for this account or this address."""


def authentifier(request, email, password):
    """Check an email and a password, throttled: the user, ``None`` when wrong, or ``ConnexionBloquee``.

    The one sign-in path of the page and of the API token endpoint.
    """
    email = (email or "").strip().lower()
    keys = _keys(email, request.META.get("REMOTE_ADDR", ""))
    if _blocked(keys):
        raise ConnexionBloquee(MESSAGE_BLOQUE)
    user = authenticate(request, username=email, password=password)
    _record(keys, success=user is not None, account_key=_account_key(email))
    return user


def verifier_code(request, utilisateur, verifier) -> bool:
    """Check a one-time code with ``verifier()``, throttled like passwords: a 6-digit code has a million values, so
    without a limit it could be guessed (RFC 4226 §7.3). True, False, or ``ConnexionBloquee``."""
    account_key = f"echec-code:compte:{utilisateur.pk}"
    keys = {
        account_key: settings.LOGIN_FAILURE_LIMIT,
        f"echec-code:ip:{request.META.get('REMOTE_ADDR', '')}": settings.LOGIN_FAILURE_LIMIT_IP,
    }
    if _blocked(keys):
        raise ConnexionBloquee(MESSAGE_CODE_BLOQUE)
    ok = verifier()
    _record(keys, success=ok, account_key=account_key)
    return ok


def _record(keys, *, success, account_key):
    try:
        if success:
            cache.delete(account_key)
        else:
            for key in keys:
                cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW)
                cache.incr(key)
    except Exception:
        logger.warning("Cache indisponible : échec non compté", exc_info=True)


def _account_key(email):
    return "echec-connexion:compte:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _keys(email, ip):
    """Counter keys and their limits: per account, and (much higher) per client address."""
    return {
        _account_key(email): settings.LOGIN_FAILURE_LIMIT,
        f"echec-connexion:ip:{ip}": settings.LOGIN_FAILURE_LIMIT_IP,
    }


def _blocked(keys) -> bool:
    try:
        counts = cache.get_many(list(keys))
    except Exception:
        logger.warning("Cache indisponible : limitation des connexions suspendue", exc_info=True)
        return False
    return any(counts.get(key, 0) >= limit for key, limit in keys.items())
