"""Reads of the entreprises app. A company member reads its own record and contacts only (architecture.md,
tenancy §6)."""

from django.db.models import Count, Q
from django.utils import timezone

from guichet.enums import Role
from guichet.selectors import parametres_of

from .models import Allocation, ContactEntreprise, Entreprise, Exclusion, SuiviLot


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


# --- The hours ledger and the lots' progress (entreprises.decompte) ----------------------------------------


def _grand_livre_visible(queryset, *, membre):
    """A company member reads its own rows, a buyer member the rows on its buyer's lots (the ledger explains the
    figures to both, domain.md §5.4); no personal data in it, only ids and hours."""
    if membre.role == Role.ENTREPRISE:
        return queryset.filter(entreprise_id=membre.entreprise_id)
    if membre.role == Role.ACHETEUR:
        return queryset.filter(lot__marche__acheteur_id=membre.acheteur_id)
    return queryset


def allocations_visibles(*, guichet, membre):
    return _grand_livre_visible(Allocation.objects.filter(guichet=guichet), membre=membre).order_by(
        "lot_id", "debut", "id"
    )


def exclusions_visibles(*, guichet, membre):
    return _grand_livre_visible(Exclusion.objects.filter(guichet=guichet), membre=membre).order_by(
        "entreprise_id", "debut", "id"
    )


def suivi_du_lot(*, guichet, lot) -> SuiviLot:
    """The lot's recorded progress; before its first recompute (or without an hours clause), the same figures
    computed now from the ledger, not saved (``calcule_le`` empty)."""
    from .decompte import suivis_calculer

    suivi = SuiviLot.objects.filter(guichet=guichet, lot=lot).first()
    if suivi is None:
        parametres = parametres_of(guichet=guichet)
        suivi = suivis_calculer(guichet, [lot.pk], parametres=parametres, jour=timezone.localdate(), sans_clause=True)
        suivi = suivi[lot.pk]
    return suivi
