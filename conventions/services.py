"""Writes of the conventions app: partnership conventions (their signed document, tacit renewal and end
warnings) and animation events (their buyers and documents)."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse

from guichet.audit import audit
from guichet.dates import ajouter_mois
from guichet.fichiers import supprimer_apres_commit
from guichet.selectors import membres_avec_permission
from guichet.services import creer, modifier, modifier_et_auditer
from guichet.tenancy import ensure_same_guichet

from .enums import StatutConvention
from .models import (
    CHAMPS_CONVENTION,
    CHAMPS_EVENEMENT,
    AlerteEcheance,
    Convention,
    DocumentEvenement,
    Evenement,
)
from .selectors import conventions_a_echeance

# --- Conventions -------------------------------------------------------------------------------------


@transaction.atomic
def convention_create(*, guichet, acting_user, acheteur, **data) -> Convention:
    ensure_same_guichet(guichet, acheteur)
    if not data.get("document"):
        data.pop("document", None)
    convention = creer(Convention, guichet=guichet, champs=CHAMPS_CONVENTION, acheteur=acheteur, **data)
    audit(
        guichet=guichet,
        acteur=acting_user,
        action="convention.create",
        cible=convention,
        acheteur=acheteur.pk,
        document=bool(convention.document),
    )
    return convention


@transaction.atomic
def convention_update(*, convention, acting_user, **changes) -> Convention:
    """``document``: a new upload replaces the signed document, an empty value (None, False) removes it;
    the former file is deleted once the change is committed."""
    ensure_same_guichet(convention.guichet, changes.get("acheteur"))
    ancien = convention.document.name
    if "document" in changes and not changes["document"]:
        changes["document"] = ""
    modifier_et_auditer(
        convention, champs=CHAMPS_CONVENTION, action="convention.update", acting_user=acting_user, **changes
    )
    if convention.document.name != ancien:
        supprimer_apres_commit(ancien)
    return convention


@transaction.atomic
def convention_delete(*, convention, acting_user) -> None:
    audit(guichet=convention.guichet, acteur=acting_user, action="convention.delete", cible=convention)
    document = convention.document.name
    convention.delete()
    supprimer_apres_commit(document)


@transaction.atomic
def conventions_reconduire(*, guichet, aujourdhui) -> list[Convention]:
    """Tacit renewal: a signed convention whose end has passed is extended by its renewal period, as many
    times as needed to cover today and as its maximum allows. Each renewal is in the audit log."""
    reconduites = []
    candidates = Convention.objects.filter(
        guichet=guichet, statut=StatutConvention.SIGNEE, reconduction_tacite=True, date_fin__lt=aujourdhui
    ).select_for_update()
    for convention in candidates:
        avant = convention.date_fin
        while convention.date_fin < aujourdhui and convention.reconductible:
            convention.date_fin = ajouter_mois(convention.date_fin, convention.duree_reconduction_mois)
            convention.reconductions += 1
        if convention.date_fin != avant:
            convention.save(update_fields=["date_fin", "reconductions", "maj_le"])
            audit(
                guichet=guichet,
                acteur=None,
                action="convention.reconduction",
                cible=convention,
                date_fin=[str(avant), str(convention.date_fin)],
                reconductions=convention.reconductions,
            )
            reconduites.append(convention)
    return reconduites


@transaction.atomic
def conventions_alerter_echeances(*, guichet, aujourdhui) -> list[AlerteEcheance]:
    """Warn the facilitators (and admins) of the signed conventions that end within the warning period.

    One warning per convention and end date (``AlerteEcheance``, unique): running the job again the same
    day, or the next days, sends nothing new; a renewed or re-dated convention is warned about again.
    One email per recipient lists every new warning; it leaves once the warnings are committed.
    """
    deja_prevenues = AlerteEcheance.objects.filter(convention=OuterRef("pk"), date_fin=OuterRef("date_fin"))
    conventions = list(conventions_a_echeance(guichet=guichet, aujourdhui=aujourdhui).filter(~Exists(deja_prevenues)))
    if not conventions:
        return []
    destinataires = list(
        membres_avec_permission(guichet=guichet, code="conventions.change").values_list("utilisateur__email", flat=True)
    )
    alertes = []
    for convention in conventions:
        alerte, creee = AlerteEcheance.objects.get_or_create(
            guichet=guichet,
            convention=convention,
            date_fin=convention.date_fin,
            defaults={"destinataires": len(destinataires)},
        )
        if creee:  # a concurrent run may have warned about it in between
            alertes.append(alerte)
            audit(
                guichet=guichet,
                acteur=None,
                action="convention.alerte_echeance",
                cible=convention,
                date_fin=str(convention.date_fin),
                destinataires=len(destinataires),
            )
    prevenues = [alerte.convention for alerte in alertes]
    if prevenues and destinataires:
        transaction.on_commit(lambda: envoyer_alertes_echeance(guichet, prevenues, destinataires))
    return alertes


def envoyer_alertes_echeance(guichet, conventions, destinataires):
    pluriel = len(conventions) > 1
    sujet = (
        f"{len(conventions)} conventions arrivent à échéance" if pluriel else "Une convention arrive à échéance"
    ) + f" – {guichet.nom}"
    lignes = [
        {
            "convention": convention,
            "lien": settings.SITE_URL
            + reverse("convention", kwargs={"guichet_slug": guichet.slug, "pk": convention.pk}),
        }
        for convention in conventions
    ]
    corps = render_to_string("emails/conventions_echeance.txt", {"guichet": guichet, "lignes": lignes})
    messages = [EmailMessage(subject=sujet, body=corps, to=[email]) for email in destinataires]
    get_connection().send_messages(messages)


# --- Animation ---------------------------------------------------------------------------------------


def _acheteurs_ids(evenement):
    return sorted(evenement.acheteurs.values_list("pk", flat=True))


@transaction.atomic
def evenement_create(*, guichet, acting_user, acheteurs=(), **data) -> Evenement:
    ensure_same_guichet(guichet, *acheteurs)
    evenement = creer(Evenement, guichet=guichet, champs=CHAMPS_EVENEMENT, attributs={"cree_par": acting_user}, **data)
    evenement.acheteurs.set(acheteurs, through_defaults={"guichet": guichet})
    audit(
        guichet=guichet,
        acteur=acting_user,
        action="evenement.create",
        cible=evenement,
        acheteurs=_acheteurs_ids(evenement),
    )
    return evenement


@transaction.atomic
def evenement_update(*, evenement, acting_user, acheteurs=None, **changes) -> Evenement:
    """``acheteurs`` (the buyers present) replaces the former list when given."""
    diff = modifier(evenement, champs=CHAMPS_EVENEMENT, **changes)
    if acheteurs is not None:
        ensure_same_guichet(evenement.guichet, *acheteurs)
        avant = _acheteurs_ids(evenement)
        evenement.acheteurs.set(acheteurs, through_defaults={"guichet": evenement.guichet})
        apres = _acheteurs_ids(evenement)
        if avant != apres:
            diff["acheteurs"] = [avant, apres]
    if diff:
        audit(
            guichet=evenement.guichet, acteur=acting_user, action="evenement.update", cible=evenement, changements=diff
        )
    return evenement


@transaction.atomic
def evenement_delete(*, evenement, acting_user) -> None:
    """The event goes with its documents (their files once committed)."""
    fichiers = [document.fichier.name for document in evenement.documents.all()]
    audit(guichet=evenement.guichet, acteur=acting_user, action="evenement.delete", cible=evenement)
    evenement.delete()
    supprimer_apres_commit(*fichiers)


@transaction.atomic
def document_evenement_add(*, evenement, acting_user, fichier, titre="") -> DocumentEvenement:
    document = creer(
        DocumentEvenement,
        guichet=evenement.guichet,
        champs=["fichier", "titre"],
        attributs={"evenement": evenement, "ajoute_par": acting_user},
        fichier=fichier,
        titre=titre,
    )
    audit(
        guichet=evenement.guichet,
        acteur=acting_user,
        action="evenement.document_add",
        cible=evenement,
        document=str(document),
    )
    return document


@transaction.atomic
def document_evenement_delete(*, document, acting_user) -> None:
    audit(
        guichet=document.guichet,
        acteur=acting_user,
        action="evenement.document_delete",
        cible=document.evenement,
        document=str(document),
    )
    fichier = document.fichier.name
    document.delete()
    supprimer_apres_commit(fichier)
