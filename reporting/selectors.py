"""Reads of the reporting documents. Who reads which bilan (api.md, issue 9): the facilitators and admins every
document; a ``lecteur`` (copil partner) the copil bilans; a buyer member its own buyer's bilans and the end-of-marché
bilans of its marchés; a company member its attestations. Exports are the facilitators' (``reporting.generate``,
checked by the views)."""

from django.db.models import Q

from guichet.enums import Role

from .enums import TypeBilan
from .models import Bilan, Export


def bilans_visibles(*, guichet, membre):
    bilans = Bilan.objects.filter(guichet=guichet).select_related(
        "tache", "demandeur", "acheteur", "marche", "entreprise", "lot__marche"
    )
    if membre.has_perm("reporting.generate"):
        return bilans
    if membre.role == Role.LECTEUR:
        return bilans.filter(type=TypeBilan.COPIL)
    if membre.role == Role.ACHETEUR:
        return bilans.filter(
            Q(type=TypeBilan.ACHETEUR, acheteur_id=membre.acheteur_id)
            | Q(type=TypeBilan.MARCHE, marche__acheteur_id=membre.acheteur_id)
        )
    if membre.role == Role.ENTREPRISE:
        return bilans.filter(type=TypeBilan.ATTESTATION, entreprise_id=membre.entreprise_id)
    return bilans.none()


def exports_list(*, guichet):
    return Export.objects.filter(guichet=guichet).select_related("tache", "demandeur")
