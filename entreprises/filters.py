"""Filters of the company register, shared by the pages and the API (``?type_structure=ei&q=nord``)."""

import django_filters
from django.db.models import Q

from guichet.filters import filtre_oui_non, filtre_recherche

from .enums import STRUCTURES_INCLUSIVES, RoleContactEntreprise, StatutReleve, TypeStructure
from .forms import MoisField, entreprises_declarantes
from .models import Entreprise, Releve


class EntrepriseFilter(django_filters.FilterSet):
    q = filtre_recherche("Raison sociale, SIRET, SIREN ou commune.")
    type_structure = django_filters.ChoiceFilter(
        label="Type de structure", choices=TypeStructure.choices, empty_label="Tous"
    )
    inclusive = filtre_oui_non("Structure inclusive", method="structures_inclusives")

    class Meta:
        model = Entreprise
        fields = []

    def rechercher(self, queryset, name, value):
        value = value.strip()
        chiffres = value.replace(" ", "").replace(".", "")
        query = Q(raison_sociale__icontains=value) | Q(commune__icontains=value)
        if chiffres.isdigit():
            query |= Q(siret__startswith=chiffres)
        return queryset.filter(query)

    def structures_inclusives(self, queryset, name, value):
        if value is None:
            return queryset
        inclusives = Q(type_structure__in=STRUCTURES_INCLUSIVES)
        return queryset.filter(inclusives if value else ~inclusives)


class ContactEntrepriseFilter(django_filters.FilterSet):
    entreprise = django_filters.NumberFilter(label="Entreprise", field_name="entreprise_id")
    role = django_filters.ChoiceFilter(label="Rôle", choices=RoleContactEntreprise.choices)


class MoisFilter(django_filters.Filter):
    field_class = MoisField


def _entreprises(request):
    return entreprises_declarantes(getattr(request, "membre", None))


class ReleveFilter(django_filters.FilterSet):
    """``?entreprise=<id>&periode=2026-03&statut=soumis`` (api.md ``releves/``)."""

    entreprise = django_filters.ModelChoiceFilter(label="Entreprise", queryset=_entreprises, empty_label="Toutes")
    periode = MoisFilter(label="Mois", field_name="periode")
    statut = django_filters.ChoiceFilter(label="Statut", choices=StatutReleve.choices, empty_label="Tous")

    class Meta:
        model = Releve
        fields = []


class GrandLivreFilter(django_filters.FilterSet):
    """``allocations/`` and ``exclusions/`` (api.md): by lot, statement line, company."""

    lot = django_filters.NumberFilter(label="Lot", field_name="lot_id")
    ligne = django_filters.NumberFilter(label="Ligne de relevé", field_name="ligne_id")
    entreprise = django_filters.NumberFilter(label="Entreprise", field_name="entreprise_id")
    contrat = django_filters.NumberFilter(label="Contrat", field_name="contrat_id")
