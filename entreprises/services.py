"""Writes of the entreprises app: the guichet's register of companies and structures inclusives."""

from django.db import transaction

from guichet.audit import audit
from guichet.services import creer, modifier_et_auditer, supprimer

from .models import CHAMPS_ENTREPRISE, Entreprise


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
    """Only a company entered by mistake goes: one holding lots or bound to a member stays."""
    audit(guichet=entreprise.guichet, acteur=acting_user, action="entreprise.delete", cible=entreprise)
    supprimer(entreprise, message="Cette entreprise ne peut pas être supprimée.")
