"""Reads of the entreprises app. A company member reads its own record and contacts only (architecture.md,
tenancy §6)."""

from django.db.models import Count, Q

from guichet.enums import Role

from .models import ContactEntreprise, Entreprise


def entreprises_visibles(*, guichet, membre):
    """The companies, with how many lots each holds and as titulaire."""
    entreprises = (
        Entreprise.objects.filter(guichet=guichet)
        .annotate(
            nombre_lots=Count("attributions__lot", distinct=True),
            nombre_titulaire=Count("attributions", filter=Q(attributions__role="titulaire"), distinct=True),
        )
        .order_by("raison_sociale", "pk")
    )
    if membre.role == Role.ENTREPRISE:
        return entreprises.filter(pk=membre.entreprise_id)
    return entreprises


def contacts_visibles(*, guichet, membre):
    contacts = ContactEntreprise.objects.filter(guichet=guichet)
    if membre.role == Role.ENTREPRISE:
        return contacts.filter(entreprise=membre.entreprise_id)
    return contacts
