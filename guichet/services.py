"""Writes of the guichet app: guichets, settings, members and invitations, long tasks; and the steps every
app's services share (``creer``, ``modifier``, ``supprimer``)."""

import logging
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from kombu.exceptions import OperationalError

from .audit import audit
from .enums import Role
from .models import PARAMETRES_MODIFIABLES, Guichet, Membre, Parametres, Tache, Utilisateur
from .tasks import journal_exporter
from .tenancy import ensure_same_guichet, guichet_scope

logger = logging.getLogger(__name__)


@transaction.atomic
def guichet_create(*, slug, nom, acting_user=None) -> Guichet:
    guichet = Guichet(slug=slug, nom=nom)
    guichet.full_clean()
    guichet.save()
    with guichet_scope(guichet.pk):
        parametres = Parametres(guichet=guichet)
        parametres.full_clean()
        parametres.save()
        audit(guichet=guichet, acteur=acting_user, action="guichet.create", cible=guichet)
        # The guichet's own criteria list starts from the defaults of domain.md §6.
        from publics.services import criteres_initialiser

        criteres_initialiser(guichet=guichet, acting_user=acting_user)
    return guichet


# --- Steps shared by the services of every app ----------------------------------------------------
# Callers are services: they run inside their own transaction and write the audit entry.


def creer(model, *, guichet, champs, attributs=None, **data):
    """A new tenant object from user input limited to ``champs`` (plus the service's own ``attributs``, such
    as its author), validated in full, saved."""
    _refuser_inconnus(data, champs)
    obj = model(guichet=guichet, **(attributs or {}), **data)
    obj.full_clean()
    obj.save()
    return obj


def modifier(obj, *, champs, **changes) -> dict:
    """Apply the changes limited to ``champs``, validate, save; return ``{field: [before, after]}`` for the
    audit entry (only what really changed)."""
    _refuser_inconnus(changes, champs)
    before = {name: _jsonable(getattr(obj, name)) for name in changes}
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    after = {name: _jsonable(getattr(obj, name)) for name in changes}
    return {name: [before[name], after[name]] for name in changes if before[name] != after[name]}


def modifier_et_auditer(obj, *, champs, action, acting_user, **changes) -> dict:
    """``modifier``, then one audit entry with what changed (none when nothing did)."""
    diff = modifier(obj, champs=champs, **changes)
    if diff:
        audit(guichet=obj.guichet, acteur=acting_user, action=action, cible=obj, changements=diff)
    return diff


def supprimer(obj, *, message):
    """Delete, or refuse in French when other records still point to the object (``on_delete=PROTECT``)."""
    try:
        obj.delete()
    except ProtectedError as protected:
        kinds = sorted({str(o._meta.verbose_name_plural) for o in protected.protected_objects})
        raise ValidationError(f"{message} Il est lié à : {', '.join(kinds)}.", code="protected") from protected


def contact_creer(model, *, guichet, acting_user, champs, action, **data):
    """A contact of an organisation (``model``: a ``ContactBase``, its organisation in ``data``); a new principal
    contact replaces the former one."""
    organisation = data.get(model.ORGANISATION)
    ensure_same_guichet(guichet, organisation)
    if data.get("principal"):
        _retirer_principal(model, organisation)
    contact = creer(model, guichet=guichet, champs=champs, **data)
    audit(guichet=guichet, acteur=acting_user, action=action, cible=contact, **{model.ORGANISATION: organisation.pk})
    return contact


def contact_modifier(contact, *, champs, action, acting_user, **changes):
    """``modifier_et_auditer`` for a contact: saved as principal (made principal, or moved to another organisation
    as its principal), it replaces the organisation's former principal contact."""
    champ = contact.ORGANISATION
    ensure_same_guichet(contact.guichet, changes.get(champ))
    if changes.get("principal", contact.principal):
        _retirer_principal(type(contact), changes.get(champ, getattr(contact, champ)), sauf=contact)
    return modifier_et_auditer(contact, champs=champs, action=action, acting_user=acting_user, **changes)


def _retirer_principal(model, organisation, *, sauf=None):
    # Before the new principal contact is saved: the constraint allows one per organisation.
    anciens = model.objects.filter(**{model.ORGANISATION: organisation}, principal=True)
    if sauf is not None:
        anciens = anciens.exclude(pk=sauf.pk)
    anciens.update(principal=False)


def _refuser_inconnus(data, champs):
    unknown = set(data) - set(champs)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Ce champ n'existe pas ou ne se modifie pas."))


def _jsonable(value):
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value if isinstance(value, (dict, bool, int, type(None))) else str(value)


# --- Guichet settings ------------------------------------------------------------------------------


@transaction.atomic
def parametres_update(*, guichet, acting_user, **changes) -> Parametres:
    parametres = Parametres.objects.select_for_update().get(guichet=guichet)
    unknown = set(changes) - set(PARAMETRES_MODIFIABLES)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Ce paramètre n'existe pas."))
    diff = modifier(parametres, champs=PARAMETRES_MODIFIABLES, **changes)
    if diff:
        audit(guichet=guichet, acteur=acting_user, action="parametres.update", cible=parametres, changements=diff)
        # The calibration settings are inputs of every hours clause (domain.md §3): recompute them now.
        from entreprises.decompte import PARAMETRES_DECOMPTE, recalcul_guichet_demander
        from marches.services import PARAMETRES_CALIBRAGE, parametres_recalculer

        parametres_recalculer(guichet=guichet, acting_user=acting_user, changements=diff)
        # The counting settings and the hours due change every figure of the guichet (domain.md §4–5).
        if (PARAMETRES_DECOMPTE | PARAMETRES_CALIBRAGE) & set(diff):
            recalcul_guichet_demander(guichet=guichet)
    return parametres


def _bind(membre, *, role, acheteur, entreprise):
    membre.role = role
    membre.acheteur = acheteur if role == Role.ACHETEUR else None
    membre.entreprise = entreprise if role == Role.ENTREPRISE else None


@transaction.atomic
def membre_invite(*, guichet, email, role, acheteur=None, entreprise=None, acting_user) -> Membre:
    """Add a member; an unknown email gets an account and an invitation to choose a password."""
    ensure_same_guichet(guichet, acheteur, entreprise)
    email = Utilisateur.objects.normalize_email(email).lower()
    utilisateur = Utilisateur.objects.filter(email=email).first()
    nouveau = utilisateur is None
    if nouveau:
        utilisateur = Utilisateur(email=email)
        utilisateur.set_unusable_password()
        utilisateur.full_clean()
        utilisateur.save()
    elif Membre.objects.filter(utilisateur=utilisateur).exists():
        raise ValidationError({"email": "Cette personne est déjà membre du guichet."})
    membre = Membre(guichet=guichet, utilisateur=utilisateur)
    _bind(membre, role=role, acheteur=acheteur, entreprise=entreprise)
    membre.full_clean()
    membre.save()
    audit(guichet=guichet, acteur=acting_user, action="membre.invite", cible=membre, role=role, nouveau_compte=nouveau)
    transaction.on_commit(lambda: envoyer_invitation(membre=membre, nouveau_compte=nouveau, acting_user=acting_user))
    return membre


def lien_choix_mot_de_passe(utilisateur):
    uid = urlsafe_base64_encode(force_bytes(utilisateur.pk))
    token = default_token_generator.make_token(utilisateur)
    return settings.SITE_URL + reverse("invitation", kwargs={"uidb64": uid, "token": token})


def envoyer_invitation(*, membre, nouveau_compte, acting_user):
    """Email the invitation: new accounts get a link to choose their password (valid three days)."""
    context = {
        "guichet": membre.guichet,
        "membre": membre,
        "invite_par": acting_user,
        "lien": lien_choix_mot_de_passe(membre.utilisateur)
        if nouveau_compte or not membre.utilisateur.has_usable_password()
        else settings.SITE_URL + reverse("connexion"),
        "nouveau_compte": nouveau_compte,
    }
    send_mail(
        subject=f"Invitation au guichet {membre.guichet.nom}",
        message=render_to_string("emails/invitation.txt", context),
        from_email=None,
        recipient_list=[membre.utilisateur.email],
    )


def _check_not_last_admin(membre, *, new_role=None, deactivate=False):
    if membre.role != Role.ADMIN or not membre.actif:
        return
    if new_role == Role.ADMIN and not deactivate:
        return
    others = Membre.objects.actifs().filter(role=Role.ADMIN).exclude(pk=membre.pk)
    if not others.exists():
        raise ValidationError("Le guichet doit garder au moins un administrateur actif.")


@transaction.atomic
def membre_update(*, membre, role, acheteur=None, entreprise=None, acting_user) -> Membre:
    ensure_same_guichet(membre.guichet, acheteur, entreprise)
    _check_not_last_admin(membre, new_role=role)
    avant = membre.role
    _bind(membre, role=role, acheteur=acheteur, entreprise=entreprise)
    membre.full_clean()
    membre.save()
    audit(guichet=membre.guichet, acteur=acting_user, action="membre.update", cible=membre, role=[avant, role])
    return membre


@transaction.atomic
def membre_set_actif(*, membre, actif, acting_user) -> Membre:
    if not actif:
        _check_not_last_admin(membre, deactivate=True)
    membre.actif = actif
    membre.save(update_fields=["actif"])
    action = "membre.reactivate" if actif else "membre.deactivate"
    audit(guichet=membre.guichet, acteur=acting_user, action=action, cible=membre)
    return membre


@transaction.atomic
def membre_delete(*, membre, acting_user) -> None:
    _check_not_last_admin(membre, deactivate=True)
    audit(guichet=membre.guichet, acteur=acting_user, action="membre.delete", cible=membre)
    membre.delete()


# --- Long tasks -------------------------------------------------------------------------------------
# Sent to the workers once the transaction commits. When the broker (Redis) is down, nothing is lost: the task's
# name and arguments are kept on its ``Tache`` (``envoi``), still ``en_attente``, the page says so
# (``guichet.middleware.PannesMiddleware``), and ``taches_relancer`` sends it once the broker is back (Celery beat
# every minute, or ``manage.py relancer_taches``).

MESSAGE_ENVOI_DIFFERE = (
    "Le service des tâches est momentanément indisponible : votre demande est enregistrée et sera traitée dès "
    "son retour, sans que vous ayez à la refaire."
)
# The sendings put off during the current request (a list, set by ``PannesMiddleware``; ``None`` elsewhere).
envois_differes: ContextVar[list | None] = ContextVar("envois_differes", default=None)


def tache_lancer(*, guichet, task, libelle, acting_user, args=(), **kwargs) -> Tache:
    """Record a long task and send it to the workers once the surrounding transaction commits."""
    tache = Tache.objects.create(
        guichet=guichet, type=task.name.rsplit(".", 1)[-1], libelle=libelle, cree_par=acting_user
    )
    transaction.on_commit(lambda: _envoyer(tache, {"tache": task.name, "args": [guichet.pk, *args], "kwargs": kwargs}))
    return tache


def envoyer_apres_commit(task, guichet_id, *args, libelle) -> None:
    """Send ``task(guichet_id, *args)`` once the surrounding transaction commits, with no record while all goes
    well (the recompute after a validation); if the broker is down, a ``Tache`` ``libelle`` keeps it for later."""

    def envoyer():
        try:
            task.apply_async(args=(guichet_id, *args))
        except OperationalError:
            with guichet_scope(guichet_id):
                tache = Tache.objects.create(guichet_id=guichet_id, type=task.name.rsplit(".", 1)[-1], libelle=libelle)
            _differer(tache, {"tache": task.name, "args": [guichet_id, *args], "kwargs": {}})

    transaction.on_commit(envoyer)


def _publier(tache, envoi):
    from .celery import app

    app.tasks[envoi["tache"]].apply_async(args=envoi["args"], kwargs={**envoi["kwargs"], "tache_id": str(tache.pk)})


def _envoyer(tache, envoi):
    try:
        _publier(tache, envoi)
    except OperationalError:
        _differer(tache, envoi)


def _differer(tache, envoi):
    logger.exception("Envoi de la tâche %s impossible : gardée pour plus tard", tache.pk)
    with guichet_scope(tache.guichet_id):
        Tache.objects.filter(pk=tache.pk).update(envoi=envoi)
    differes = envois_differes.get()
    if differes is not None:
        differes.append(tache.pk)


def taches_relancer() -> dict:
    """Send the tasks kept while the broker was down (``Tache.envoi``), the oldest first; those it still cannot
    send stay for the next time. Each is taken under a row lock (``skip_locked``), so two runs never send one twice."""
    bilan = {"envoyees": 0, "en_attente": 0}
    for guichet_id in Guichet.objects.values_list("pk", flat=True):
        with guichet_scope(guichet_id):
            for pk in Tache.objects.filter(envoi__isnull=False).order_by("cree_le").values_list("pk", flat=True):
                with transaction.atomic():
                    tache = Tache.objects.select_for_update(skip_locked=True).filter(pk=pk, envoi__isnull=False).first()
                    if tache is None:
                        continue
                    try:
                        _publier(tache, tache.envoi)
                    except OperationalError:
                        logger.warning("Tâche %s : le service des tâches est toujours indisponible", pk)
                        bilan["en_attente"] += 1
                        continue
                    tache.envoi = None
                    tache.save(update_fields=["envoi", "maj_le"])
                    bilan["envoyees"] += 1
    return bilan


def journal_export_lancer(*, guichet, acting_user) -> Tache:
    return tache_lancer(
        guichet=guichet, task=journal_exporter, libelle="Export du journal d'audit", acting_user=acting_user
    )
