"""Writes of the acheteurs app: buyers, their contacts, their yearly purchase programme."""

from django.db import transaction

from guichet.audit import audit
from guichet.services import contact_creer, contact_modifier, creer, modifier_et_auditer, supprimer
from guichet.tenancy import ensure_same_guichet

from .models import (
    CHAMPS_ACHAT_PREVU,
    CHAMPS_ACHETEUR,
    CHAMPS_CONTACT,
    CHAMPS_PROGRAMMATION,
    AchatPrevu,
    Acheteur,
    Contact,
    Programmation,
)

# --- Acheteurs ---------------------------------------------------------------------------------------


@transaction.atomic
def acheteur_create(*, guichet, acting_user, **data) -> Acheteur:
    acheteur = creer(Acheteur, guichet=guichet, champs=CHAMPS_ACHETEUR, **data)
    audit(guichet=guichet, acteur=acting_user, action="acheteur.create", cible=acheteur)
    return acheteur


@transaction.atomic
def acheteur_update(*, acheteur, acting_user, **changes) -> Acheteur:
    diff = modifier_et_auditer(
        acheteur, champs=CHAMPS_ACHETEUR, action="acheteur.update", acting_user=acting_user, **changes
    )
    if "mutualisation_autorisee" in diff:
        # The buyer's pooling decides which of its lots take pooled hours (domain.md §5.1): recompute them.
        from entreprises.decompte import recalcul_lots_demander
        from marches.models import Lot

        lots = Lot.objects.filter(marche__acheteur=acheteur).values_list("pk", flat=True)
        recalcul_lots_demander(guichet=acheteur.guichet, lot_ids=lots)
    return acheteur


@transaction.atomic
def acheteur_set_archive(*, acheteur, archive, acting_user) -> Acheteur:
    """An archived buyer leaves the lists and the choices of new records; its history stays."""
    if acheteur.archive != archive:
        acheteur.archive = archive
        acheteur.save(update_fields=["archive"])
        action = "acheteur.archive" if archive else "acheteur.unarchive"
        audit(guichet=acheteur.guichet, acteur=acting_user, action=action, cible=acheteur)
    return acheteur


@transaction.atomic
def acheteur_delete(*, acheteur, acting_user) -> None:
    """Only a buyer entered by mistake goes: one with conventions, a programme, events or members stays."""
    audit(guichet=acheteur.guichet, acteur=acting_user, action="acheteur.delete", cible=acheteur)
    supprimer(acheteur, message="Cet acheteur ne peut pas être supprimé : archivez-le plutôt.")


# --- Contacts ----------------------------------------------------------------------------------------


@transaction.atomic
def contact_create(*, guichet, acting_user, acheteur, **data) -> Contact:
    return contact_creer(
        Contact,
        guichet=guichet,
        acting_user=acting_user,
        champs=CHAMPS_CONTACT,
        action="contact.create",
        acheteur=acheteur,
        **data,
    )


@transaction.atomic
def contact_update(*, contact, acting_user, **changes) -> Contact:
    contact_modifier(contact, champs=CHAMPS_CONTACT, action="contact.update", acting_user=acting_user, **changes)
    return contact


@transaction.atomic
def contact_delete(*, contact, acting_user) -> None:
    audit(guichet=contact.guichet, acteur=acting_user, action="contact.delete", cible=contact)
    contact.delete()


# --- Programmation annuelle ----------------------------------------------------------------------------


@transaction.atomic
def programmation_create(*, guichet, acting_user, acheteur, **data) -> Programmation:
    ensure_same_guichet(guichet, acheteur)
    programmation = creer(Programmation, guichet=guichet, champs=CHAMPS_PROGRAMMATION, acheteur=acheteur, **data)
    audit(guichet=guichet, acteur=acting_user, action="programmation.create", cible=programmation)
    return programmation


@transaction.atomic
def programmation_update(*, programmation, acting_user, **changes) -> Programmation:
    ensure_same_guichet(programmation.guichet, changes.get("acheteur"))
    modifier_et_auditer(
        programmation, champs=CHAMPS_PROGRAMMATION, action="programmation.update", acting_user=acting_user, **changes
    )
    return programmation


@transaction.atomic
def programmation_delete(*, programmation, acting_user) -> None:
    """The programme goes with its planned purchases."""
    audit(
        guichet=programmation.guichet,
        acteur=acting_user,
        action="programmation.delete",
        cible=programmation,
        achats=programmation.achats.count(),
    )
    programmation.delete()


@transaction.atomic
def achat_prevu_create(*, guichet, acting_user, programmation, **data) -> AchatPrevu:
    ensure_same_guichet(guichet, programmation)
    achat = creer(AchatPrevu, guichet=guichet, champs=CHAMPS_ACHAT_PREVU, programmation=programmation, **data)
    audit(guichet=guichet, acteur=acting_user, action="achat_prevu.create", cible=achat, programmation=programmation.pk)
    return achat


@transaction.atomic
def achat_prevu_update(*, achat, acting_user, **changes) -> AchatPrevu:
    ensure_same_guichet(achat.guichet, changes.get("programmation"))
    modifier_et_auditer(
        achat, champs=CHAMPS_ACHAT_PREVU, action="achat_prevu.update", acting_user=acting_user, **changes
    )
    return achat


@transaction.atomic
def achat_prevu_delete(*, achat, acting_user) -> None:
    audit(guichet=achat.guichet, acteur=acting_user, action="achat_prevu.delete", cible=achat)
    achat.delete()
