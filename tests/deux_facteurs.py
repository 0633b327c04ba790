"""Second factor in the tests: give an account an authenticator app with a known secret, and type its codes."""

import time

from django.utils import timezone

from guichet import deux_facteurs, totp
from guichet.models import DeuxFacteurs

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def activer(utilisateur, secret=SECRET):
    """The account has a confirmed second factor with ``secret`` (as if enrolled through the page)."""
    DeuxFacteurs.objects.update_or_create(
        utilisateur=utilisateur,
        defaults={"secret_chiffre": deux_facteurs.chiffrer(secret), "confirme_le": timezone.now(), "dernier_pas": None},
    )
    return secret


def code_pour(utilisateur, secret=SECRET):
    """A code the server will accept now: the current step's, or the next one's when the current one was already
    used (a second sign-in within 30 seconds; the server accepts one step of drift)."""
    while True:
        dernier = DeuxFacteurs.objects.get(utilisateur=utilisateur).dernier_pas
        actuel = totp.pas()
        pas = actuel if dernier is None or dernier < actuel else dernier + 1
        if pas <= actuel + totp.FENETRE:
            return totp.hotp(totp._cle(secret), pas)
        time.sleep(totp.PERIODE - time.time() % totp.PERIODE + 0.1)
