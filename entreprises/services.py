"""Writes of the entreprises app: the guichet's register of companies and structures inclusives, and their
contacts."""

from django.db import transaction

from guichet.audit import audit
from guichet.services import contact_creer, contact_modifier, creer, modifier_et_auditer, supprimer, tache_lancer
from guichet.tenancy import ensure_same_guichet

from .models import CHAMPS_CONTACT_ENTREPRISE, CHAMPS_ENTREPRISE, ContactEntreprise, Entreprise


@transaction.atomic
def entreprise_create(*, guichet, acting_user, **data) -> Entreprise:
    entreprise = creer(Entreprise, guichet=guichet, champs=CHAMPS_ENTREPRISE, **data)
    audit(guichet=guichet, acteur=acting_user, action="entreprise.create", cible=entreprise)
    return entreprise


@transaction.atomic
def entreprise_update(*, entreprise, acting_user, **changes) -> Entreprise:
    modifier_et_auditer(
        entreprise, champs=CHAMPS_ENTREPRISE, action="entreprise.update", acting_user=acting_user, **changes
    )
    return entreprise


@transaction.atomic
def entreprise_delete(*, entreprise, acting_user) -> None:
    """Only a company entered by mistake goes (with its contacts): one holding lots or bound to a member stays."""
    audit(guichet=entreprise.guichet, acteur=acting_user, action="entreprise.delete", cible=entreprise)
    supprimer(entreprise, message="Cette entreprise ne peut pas être supprimée.")


# --- Contacts ----------------------------------------------------------------------------------------


@transaction.atomic
def contact_entreprise_create(*, guichet, acting_user, entreprise, **data) -> ContactEntreprise:
    return contact_creer(
        ContactEntreprise,
        guichet=guichet,
        acting_user=acting_user,
        champs=CHAMPS_CONTACT_ENTREPRISE,
        action="contact_entreprise.create",
        entreprise=entreprise,
        **data,
    )


@transaction.atomic
def contact_entreprise_update(*, contact, acting_user, **changes) -> ContactEntreprise:
    contact_modifier(
        contact,
        champs=CHAMPS_CONTACT_ENTREPRISE,
        action="contact_entreprise.update",
        acting_user=acting_user,
        **changes,
    )
    return contact


@transaction.atomic
def contact_entreprise_delete(*, contact, acting_user) -> None:
    audit(guichet=contact.guichet, acteur=acting_user, action="contact_entreprise.delete", cible=contact)
    contact.delete()


# --- The hours recompute ---------------------------------------------------------------------------------


def recalcul_lancer(*, guichet, entreprise=None, acting_user):
    """Recompute one company (or the whole guichet) in the background (``recalculs/``, the company's page): a task
    to follow in ``taches/``."""
    from .tasks import decompte_entreprise, decompte_guichet

    if entreprise is None:
        return tache_lancer(
            guichet=guichet, task=decompte_guichet, libelle="Recalcul des heures du guichet", acting_user=acting_user
        )
    ensure_same_guichet(guichet, entreprise)
    return tache_lancer(
        guichet=guichet,
        task=decompte_entreprise,
        args=(entreprise.pk,),
        libelle=f"Recalcul des heures de {entreprise}",
        acting_user=acting_user,
    )
