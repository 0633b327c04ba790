"""One-time codes: HOTP (RFC 4226) and TOTP (RFC 6238), plus the recovery codes. Pure functions, no ORM.

Why our own twenty lines rather than django-otp: we need one kind of device (an authenticator app), recovery codes,
our own sign-in steps, audit and throttling. django-otp brings a plugin framework, its own models, middleware and
admin for that; the algorithm itself is short and checked below against the RFC's test vectors
(tests/guichet/test_deux_facteurs.py).
"""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

PERIODE = 30  # seconds per time step: RFC 6238 §5.2 recommends 30 s
CHIFFRES = 6  # what every authenticator app shows
# Accepted drift, in time steps on each side: RFC 6238 §5.2 advises at most one step of transmission delay.
FENETRE = 1
# Recovery codes: 16 characters of base32 = 80 bits; shown as four groups of four.
CODES_SECOURS_NOMBRE = 10
_ALPHABET_SECOURS = "abcdefghijklmnopqrstuvwxyz234567"


def nouveau_secret() -> str:
    """A random shared secret of 160 bits (RFC 4226 §4, R6), in base32 as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def hotp(cle: bytes, compteur: int, chiffres: int = CHIFFRES, algorithme: str = "sha1") -> str:
    """RFC 4226 §5.3: HMAC of the 8-byte counter, dynamic truncation, modulo 10^digits."""
    mac = hmac.new(cle, struct.pack(">Q", compteur), algorithme).digest()
    decalage = mac[-1] & 0x0F
    binaire = struct.unpack(">I", mac[decalage : decalage + 4])[0] & 0x7FFFFFFF
    return str(binaire % 10**chiffres).zfill(chiffres)


def pas(instant: float | None = None) -> int:
    """RFC 6238 §4.2: T = floor((now - T0) / X), with T0 = 0 (Unix epoch) and X = 30 s."""
    return int((time.time() if instant is None else instant) // PERIODE)


def code(secret: str, instant: float | None = None) -> str:
    return hotp(_cle(secret), pas(instant))


def verifier(secret: str, saisi: str, *, dernier_pas: int | None, instant: float | None = None) -> int | None:
    """The time step that ``saisi`` matches, or None.

    A step at or before ``dernier_pas`` (the last one accepted for this secret) is refused: RFC 6238 §5.2, a verifier
    must not accept the same code twice. Comparisons run in constant time.
    """
    saisi = "".join((saisi or "").split())
    if len(saisi) != CHIFFRES or not saisi.isdigit():
        return None
    cle, actuel = _cle(secret), pas(instant)
    for candidat in range(actuel - FENETRE, actuel + FENETRE + 1):
        if dernier_pas is not None and candidat <= dernier_pas:
            continue
        if hmac.compare_digest(hotp(cle, candidat), saisi):
            return candidat
    return None


def uri(secret: str, *, compte: str, emetteur: str) -> str:
    """The ``otpauth://`` URI that authenticator apps read from the QR code (Key Uri Format)."""
    libelle = quote(f"{emetteur}:{compte}")
    return f"otpauth://totp/{libelle}?" + urlencode(
        {"secret": secret, "issuer": emetteur, "algorithm": "SHA1", "digits": CHIFFRES, "period": PERIODE},
        quote_via=quote,
    )


def secret_groupe(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def nouveaux_codes_secours() -> list[str]:
    return [
        "-".join("".join(secrets.choice(_ALPHABET_SECOURS) for _ in range(4)) for _ in range(4))
        for _ in range(CODES_SECOURS_NOMBRE)
    ]


def empreinte_secours(saisi: str) -> str:
    """What is stored of a recovery code: its SHA-256, after normalising case, spaces and dashes. 80 random bits need
    no slow hash: nobody can try 2^80 candidates against a stolen table."""
    normalise = "".join(c for c in (saisi or "").lower() if c.isalnum())
    return hashlib.sha256(normalise.encode()).hexdigest()


def ressemble_a_un_code_secours(saisi: str) -> bool:
    normalise = "".join(c for c in (saisi or "").lower() if c.isalnum())
    return len(normalise) == 16 and set(normalise) <= set(_ALPHABET_SECOURS)


def _cle(secret: str) -> bytes:
    secret = secret.replace(" ", "").upper()
    return base64.b32decode(secret + "=" * (-len(secret) % 8))
