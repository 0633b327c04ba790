"""Two-factor authentication of the accounts (TOTP, ``guichet.totp``): who needs it, the sign-in step, enrolment,
recovery codes and the admins' reset. The one place for these rules (SECURITY.md, « Comptes »).

- **Who**: required for anyone who is an active member with the role ``admin`` or ``facilitateur`` of an active
  guichet (they see the beneficiaries' personal data); optional for the other roles. Once activated, always asked.
- **Sign-in**: the password alone does not open the session. The sign-in view leaves the person *pending* in the
  session (``SESSION_ATTENTE``, five minutes) and sends them to the code step, or to enrolment when their role
  requires a second factor they have not set up; ``login()`` runs only once the code is right, and the session is
  then marked verified (``SESSION_VERIFIEE``). Nothing in between is signed in: pages, API session auth and every
  view see an anonymous visitor.
- **Safety net**: a session opened without a code (a role raised to facilitator afterwards) is sent back to the code
  step by the guichet middleware as soon as it enters a guichet where that role applies (``exige_un_code``).
- **API tokens**: a token is issued for such an account only with a code (``api.views.TokenView``); enrolling or a
  reset deletes the account's token, so a token issued before the second factor existed stops working.
- **Secrets**: encrypted with a key derived from ``SECRET_KEY`` (and ``SECRET_KEY_FALLBACKS``, so a key rotation
  keeps them readable); shown only during enrolment, never again.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, login, logout
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.expressions import RawSQL
from django.shortcuts import redirect, resolve_url
from django.utils import timezone
from rest_framework.authtoken.models import Token

from . import totp
from .audit import audit
from .chiffrement import fernet
from .enums import Role
from .models import CodeSecours, DeuxFacteurs, Guichet, Utilisateur

logger = logging.getLogger(__name__)

ROLES_REQUIS = frozenset({Role.ADMIN, Role.FACILITATEUR})
SESSION_ATTENTE = "deux_facteurs_attente"
SESSION_VERIFIEE = "deux_facteurs_verifiee"
ATTENTE_SECONDES = 300
EMETTEUR = "Clause sociale"
MESSAGE_API = (
    "Votre rôle exige la double authentification : activez-la sur le site (Sécurité du compte), "
    "puis reconnectez-vous ou demandez un nouveau jeton avec votre code."
)
MESSAGE_CODE_INCORRECT = "Code incorrect ou expiré. Saisissez le code affiché en ce moment par votre application."


# --- Encryption of the shared secrets ------------------------------------------------------------------------------


def _fernet():
    return fernet("guichet.deux_facteurs", "secret-totp")


def chiffrer(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def dechiffrer(secret_chiffre: str) -> str:
    return _fernet().decrypt(secret_chiffre.encode()).decode()


# --- Reads -------------------------------------------------------------------------------------------------------


def requis(utilisateur) -> bool:
    """Whether one of the person's roles requires a second factor. Bound to the user, across their guichets: read
    through the database function ``roles_du_membre`` (guichet migration 0010), since row-level security shows the
    application no membership before a guichet is chosen (the same path as ``selectors.guichets_of_user``)."""
    roles = RawSQL(
        "SELECT guichet_id FROM roles_du_membre(%s) WHERE role = ANY(%s)", [utilisateur.pk, sorted(ROLES_REQUIS)]
    )
    return Guichet.objects.filter(actif=True, pk__in=roles).exists()


def active(utilisateur) -> bool:
    return DeuxFacteurs.objects.filter(utilisateur=utilisateur, confirme_le__isnull=False).exists()


def etape(utilisateur) -> str | None:
    """What sign-in still asks after the password: the code (``"verifier"``), enrolment first (``"activer"``) or
    nothing (``None``)."""
    if active(utilisateur):
        return "verifier"
    if requis(utilisateur):
        return "activer"
    return None


def codes_secours_restants(utilisateur) -> int:
    return CodeSecours.objects.filter(utilisateur=utilisateur, utilise_le__isnull=True).count()


# --- Writes ------------------------------------------------------------------------------------------------------


def enrolement_commencer(*, utilisateur) -> str:
    """The secret to show while enrolling: the same one until it is confirmed, so reloading keeps the QR code valid."""
    appareil, _ = DeuxFacteurs.objects.get_or_create(
        utilisateur=utilisateur, defaults={"secret_chiffre": chiffrer(totp.nouveau_secret())}
    )
    if appareil.confirme_le is not None:
        raise ValidationError("La double authentification est déjà activée sur ce compte.")
    return dechiffrer(appareil.secret_chiffre)


@transaction.atomic
def enrolement_confirmer(*, utilisateur, code) -> list[str]:
    """Confirm enrolment with a first code; the recovery codes in clear, to show once."""
    appareil = DeuxFacteurs.objects.select_for_update().filter(utilisateur=utilisateur).first()
    if appareil is None or appareil.confirme_le is not None:
        raise ValidationError("Aucune activation en cours : rechargez la page.")
    pas = totp.verifier(dechiffrer(appareil.secret_chiffre), code, dernier_pas=appareil.dernier_pas)
    if pas is None:
        raise ValidationError({"code": MESSAGE_CODE_INCORRECT})
    appareil.confirme_le, appareil.dernier_pas = timezone.now(), pas
    appareil.save(update_fields=["confirme_le", "dernier_pas"])
    # A token issued on the password alone must not outlive the second factor.
    Token.objects.filter(user=utilisateur).delete()
    logger.info("Double authentification activée pour l'utilisateur %s", utilisateur.pk)
    return _codes_secours_remplacer(utilisateur)


@transaction.atomic
def code_verifier(*, utilisateur, code) -> bool:
    """A code of the authenticator app, or an unused recovery code (then spent). Each is accepted once only; the row
    lock makes two simultaneous requests with the same code accept it once."""
    appareil = (
        DeuxFacteurs.objects.select_for_update().filter(utilisateur=utilisateur, confirme_le__isnull=False).first()
    )
    if appareil is None:
        return False
    if totp.ressemble_a_un_code_secours(code):
        utilises = CodeSecours.objects.filter(
            utilisateur=utilisateur, empreinte=totp.empreinte_secours(code), utilise_le__isnull=True
        ).update(utilise_le=timezone.now())
        return utilises == 1
    pas = totp.verifier(dechiffrer(appareil.secret_chiffre), code, dernier_pas=appareil.dernier_pas)
    if pas is None:
        return False
    appareil.dernier_pas = pas
    appareil.save(update_fields=["dernier_pas"])
    return True


@transaction.atomic
def codes_secours_regenerer(*, utilisateur) -> list[str]:
    if not active(utilisateur):
        raise ValidationError("Activez d'abord la double authentification.")
    return _codes_secours_remplacer(utilisateur)


@transaction.atomic
def desactiver(*, utilisateur) -> None:
    """Only where no role requires it; the person proved a code before (the view)."""
    if requis(utilisateur):
        raise ValidationError("Votre rôle d'administrateur ou de facilitateur exige la double authentification.")
    _supprimer(utilisateur)


@transaction.atomic
def reinitialiser(*, membre, acting_user) -> None:
    """An admin resets a member's second factor (lost phone): the member enrols again at their next sign-in.

    Audited in the admin's guichet, and the member is told by email, so a reset they did not ask for does not go
    unnoticed. Admins reset others only: their own goes through their account's security page.
    """
    utilisateur = membre.utilisateur
    if acting_user is not None and utilisateur.pk == acting_user.pk:
        raise ValidationError(
            "Vous ne pouvez pas réinitialiser votre propre double authentification : "
            "utilisez la page « Sécurité du compte »."
        )
    if not DeuxFacteurs.objects.filter(utilisateur=utilisateur).exists():
        raise ValidationError(f"{utilisateur.email} n'a pas de double authentification à réinitialiser.")
    _supprimer(utilisateur)
    audit(guichet=membre.guichet, acteur=acting_user, action="membre.deux_facteurs_reinitialiser", cible=membre)
    guichet_nom, email = membre.guichet.nom, utilisateur.email
    transaction.on_commit(
        lambda: send_mail(
            subject="Votre double authentification a été réinitialisée",
            message=(
                f"Bonjour,\n\nUn administrateur du guichet « {guichet_nom} » a réinitialisé la double "
                "authentification de votre compte. À votre prochaine connexion, vous l'activerez de nouveau avec "
                "votre application d'authentification.\n\nSi vous n'avez rien demandé, prévenez cet administrateur."
                "\n"
            ),
            from_email=None,
            recipient_list=[email],
        )
    )


def _supprimer(utilisateur):
    DeuxFacteurs.objects.filter(utilisateur=utilisateur).delete()
    CodeSecours.objects.filter(utilisateur=utilisateur).delete()
    Token.objects.filter(user=utilisateur).delete()


def _codes_secours_remplacer(utilisateur) -> list[str]:
    CodeSecours.objects.filter(utilisateur=utilisateur).delete()
    codes = totp.nouveaux_codes_secours()
    CodeSecours.objects.bulk_create(
        CodeSecours(utilisateur=utilisateur, empreinte=totp.empreinte_secours(code)) for code in codes
    )
    return codes


# --- The sign-in step, in the session ------------------------------------------------------------------------------


def mettre_en_attente(request, utilisateur, *, backend, suivant):
    """The password was right: remember who is signing in, not signed in yet."""
    request.session[SESSION_ATTENTE] = {
        "utilisateur": utilisateur.pk,
        "backend": backend,
        "depuis": time.time(),
        "suivant": suivant,
    }


def en_attente(request) -> Utilisateur | None:
    """The person whose password was accepted less than five minutes ago in this session, or None."""
    attente = request.session.get(SESSION_ATTENTE)
    if not attente or time.time() - attente["depuis"] > ATTENTE_SECONDES:
        return None
    return Utilisateur.objects.filter(pk=attente["utilisateur"], is_active=True).first()


def connecter(request, utilisateur) -> str:
    """The code was right: sign in (``login`` changes the session key) and mark the session verified; where to go."""
    attente = request.session.get(SESSION_ATTENTE) or {}
    login(request, utilisateur, backend=attente.get("backend"))
    request.session.pop(SESSION_ATTENTE, None)
    request.session[SESSION_VERIFIEE] = True
    return attente.get("suivant") or resolve_url(settings.LOGIN_REDIRECT_URL)


def marquer_verifiee(request):
    """A signed-in person just proved a code (enrolment from their account page): a new session key for the new
    level of trust."""
    request.session.cycle_key()
    request.session[SESSION_VERIFIEE] = True


def url_etape(nom_etape):
    return resolve_url("deux_facteurs" if nom_etape == "verifier" else "deux_facteurs_activer")


def exige_un_code(request, membre) -> bool:
    """The guichet middleware's safety net: this member's role needs a second factor this session has not shown."""
    return membre.role in ROLES_REQUIS and not request.session.get(SESSION_VERIFIEE)


def reprendre(request, *, suivant):
    """Send a session opened without a code back to the code step (or to enrolment)."""
    utilisateur, backend = request.user, request.session.get(BACKEND_SESSION_KEY)
    logout(request)
    mettre_en_attente(request, utilisateur, backend=backend, suivant=suivant)
    return redirect(url_etape(etape(utilisateur) or "activer"))


def jeton_autorise(utilisateur, membre) -> bool:
    """A request authenticated by API token: tokens of accounts with a second factor were issued with a code, and
    enrolling deleted the older ones (see above)."""
    return membre.role not in ROLES_REQUIS or active(utilisateur)
