"""Symmetric encryption of what the application keeps outside its tables' clear columns (the second factors'
secrets, the answers kept in the cache): Fernet (AES-128-CBC and HMAC-SHA256), with a key derived from
``SECRET_KEY`` for each use, so that one use's ciphertexts mean nothing to another. ``SECRET_KEY_FALLBACKS`` keep
the former keys readable while rotating."""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac


def fernet(sel: str, usage: str) -> MultiFernet:
    """The cipher of one use (``sel``, ``usage``: the derivation's salt and value), for the current keys."""
    return _fernet(sel, usage, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))


@lru_cache(maxsize=16)
def _fernet(sel, usage, secret_key, anciennes):
    def cle(secret):
        return Fernet(base64.urlsafe_b64encode(salted_hmac(sel, usage, secret=secret, algorithm="sha256").digest()))

    return MultiFernet([cle(k) for k in (secret_key, *anciennes)])
