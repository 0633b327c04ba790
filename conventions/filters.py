"""Filters of the conventions and of the events, shared by the pages and the API."""

import django_filters
from django.db.models import Q

from acheteurs.filters import filtre_acheteur
from guichet.filters import filtre_annee, filtre_date, filtre_oui_non, filtre_recherche

from .enums import PartenaireNational, ServiceConvention, StatutConvention, TypeEvenement
from .models import Convention, Evenement


class ConventionFilter(django_filters.FilterSet):
    q = filtre_recherche("Référence, intitulé ou acheteur.")
    acheteur = filtre_acheteur()
    # On the derived status: ``?statut=expiree`` finds the signed conventions whose end has passed.
    statut = django_filters.ChoiceFilter(
        label="Statut", field_name="etat", choices=StatutConvention.choices, empty_label="Tous"
    )
    service = django_filters.ChoiceFilter(
        label="Service", choices=ServiceConvention.choices, method="avec_service", empty_label="Tous"
    )
    partenaire_national = django_filters.ChoiceFilter(
        label="Déclinaison nationale", choices=PartenaireNational.choices, empty_label="Tous"
    )
    reconduction_tacite = filtre_oui_non("Reconduction tacite")
    fin_apres = filtre_date("Fin après le", "date_fin", "gte")
    fin_avant = filtre_date("Fin avant le", "date_fin", "lte")

    class Meta:
        model = Convention
        fields = []

    def rechercher(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(reference__icontains=value) | Q(objet__icontains=value) | Q(acheteur__nom__icontains=value)
        )

    def avec_service(self, queryset, name, value):
        return queryset.filter(services__contains=[value])


class EvenementFilter(django_filters.FilterSet):
    q = filtre_recherche("Titre ou lieu.")
    type = django_filters.ChoiceFilter(label="Type", choices=TypeEvenement.choices, empty_label="Tous")
    acheteur = filtre_acheteur("acheteurs")
    annee = filtre_annee(field_name="date", lookup_expr="year")
    apres = filtre_date("Depuis le", "date", "gte")
    avant = filtre_date("Jusqu'au", "date", "lte")

    class Meta:
        model = Evenement
        fields = []

    def rechercher(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(titre__icontains=value) | Q(lieu__icontains=value))
