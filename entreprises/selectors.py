"""Reads of the entreprises app. A company member reads its own record and contacts only (architecture.md,
tenancy §6)."""

from django.db.models import Count, DecimalField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from guichet.enums import Role, TypeConsideration
from guichet.selectors import parametres_of
from marches.models import Attribution

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


def _somme(queryset):
    """A correlated sum of ledger hours (``Subquery``): no join, so the other annotations are not multiplied."""
    total = queryset.order_by().values("guichet").annotate(total=Sum("heures")).values("total")[:1]
    return Coalesce(Subquery(total), 0, output_field=DecimalField(max_digits=12, decimal_places=2))


def _grand_livre_explique(queryset):
    """Ledger rows with what explains them: the company, the person (shown to those who may see contracts), the
    structure of a sous-traitance line, the lot."""
    return queryset.select_related("entreprise", "contrat__beneficiaire", "ligne__sous_traitant", "lot__marche")


def explication_lot(*, guichet, membre, lot) -> dict:
    """What the lot's page shows (domain.md §5.4, every figure explained): its progress, and line by line which
    hours came from where and by which rule, and the hours that did not count on it with their reason."""
    return {
        "a_clause": lot.considerations.filter(type=TypeConsideration.CLAUSE_HEURES).exists(),
        "suivi": suivi_du_lot(guichet=guichet, lot=lot),
        "allocations": _grand_livre_explique(allocations_visibles(guichet=guichet, membre=membre).filter(lot=lot)),
        "exclusions": _grand_livre_explique(exclusions_visibles(guichet=guichet, membre=membre).filter(lot=lot)),
    }


def decompte_entreprise(*, guichet, entreprise) -> dict:
    """The company's pooled view (domain.md §5): each lot it holds with the hours it carries there and the lot's
    progress (every member of a groupement), its totals by rule, and its excluded hours with their reason, so
    that the facilitator can fix the cause."""
    allocations = Allocation.objects.filter(guichet=guichet, entreprise=entreprise)
    exclusions = Exclusion.objects.filter(guichet=guichet, entreprise=entreprise)
    portees = allocations.filter(lot=OuterRef("lot"))
    lots = (
        Attribution.objects.filter(guichet=guichet, entreprise=entreprise)
        .select_related("lot__marche__acheteur", "lot__suivi")
        .annotate(
            debut=Coalesce("lot__date_debut_execution", "lot__marche__date_debut_execution"),
            fin=Coalesce("lot__date_fin_execution", "lot__marche__date_fin_execution"),
            heures_portees=_somme(portees),
            depassement_porte=_somme(portees.filter(regle="depassement")),
        )
        .order_by("fin", "lot_id")
    )
    totaux = allocations.aggregate(
        comptees=Coalesce(Sum("heures"), 0, output_field=DecimalField()),
        depassement=Coalesce(Sum("heures", filter=Q(regle="depassement")), 0, output_field=DecimalField()),
        calcule_le=Max("calcule_le"),
    )
    totaux["exclues"] = exclusions.aggregate(total=Coalesce(Sum("heures"), 0, output_field=DecimalField()))["total"]
    return {
        "lots": lots,
        "totaux": totaux,
        "exclusions": _grand_livre_explique(exclusions).order_by("debut", "id"),
    }
