"""Filters of the marchés, lots, considerations and attributions, shared by the pages and the API
(``?acheteur=3&statut=execution&annee=2026``)."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from acheteurs.filters import filtre_acheteur
from guichet.enums import Secteur, TypeConsideration
from guichet.filters import filtre_annee, filtre_oui_non, filtre_recherche

from .enums import ModeCalcul, RoleAttribution, StatutClimat, StatutMarche, TypeContrat
from .models import Attribution, AvenantHeures, Consideration, Lot, Marche, Operation


class OperationFilter(django_filters.FilterSet):
    q = filtre_recherche("Nom ou commune.")

    class Meta:
        model = Operation
        fields = []

    def rechercher(self, queryset, name, value):
        return queryset.filter(Q(nom__icontains=value.strip()) | Q(commune__icontains=value.strip()))


class MarcheFilter(django_filters.FilterSet):
    q = filtre_recherche("Référence, objet ou acheteur.")
    acheteur = filtre_acheteur()
    statut = django_filters.ChoiceFilter(label="Statut", choices=StatutMarche.choices, empty_label="Tous")
    annee = filtre_annee(field_name="annee", help_text="De notification.")
    secteur = django_filters.ChoiceFilter(
        label="Secteur", choices=Secteur.choices, method="avec_secteur", empty_label="Tous"
    )
    consideration = django_filters.ChoiceFilter(
        label="Considération", choices=TypeConsideration.choices, method="avec_consideration", empty_label="Toutes"
    )
    type_contrat = django_filters.ChoiceFilter(label="Type de contrat", choices=TypeContrat.choices, empty_label="Tous")
    operation = django_filters.NumberFilter(label="Opération", field_name="operation_id")
    climat = django_filters.ChoiceFilter(
        label="Loi Climat", field_name="statut_climat", choices=StatutClimat.choices, empty_label="Tous"
    )

    class Meta:
        model = Marche
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Reached from an operation's page; not a filter to offer in the form.
        self.form.fields["operation"].widget = self.form.fields["operation"].hidden_widget()

    def rechercher(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(reference__icontains=value) | Q(objet__icontains=value) | Q(acheteur__nom__icontains=value)
        )

    def avec_secteur(self, queryset, name, value):
        return queryset.filter(Exists(Lot.objects.filter(marche=OuterRef("pk"), secteur=value)))

    def avec_consideration(self, queryset, name, value):
        return queryset.filter(Exists(Consideration.objects.filter(lot__marche=OuterRef("pk"), type=value)))


class LotFilter(django_filters.FilterSet):
    q = filtre_recherche("Intitulé, référence ou objet du marché.")
    marche = django_filters.NumberFilter(label="Marché", field_name="marche_id")
    entreprise = django_filters.NumberFilter(label="Entreprise attributaire", method="tenus_par")
    acheteur = filtre_acheteur("marche__acheteur")
    secteur = django_filters.ChoiceFilter(label="Secteur", choices=Secteur.choices, empty_label="Tous")

    class Meta:
        model = Lot
        fields = []

    def rechercher(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(intitule__icontains=value) | Q(marche__reference__icontains=value) | Q(marche__objet__icontains=value)
        )

    def tenus_par(self, queryset, name, value):
        return queryset.tenus_par(value)


class ConsiderationFilter(django_filters.FilterSet):
    lot = django_filters.NumberFilter(label="Lot", field_name="lot_id")
    marche = django_filters.NumberFilter(label="Marché", field_name="lot__marche_id")
    type = django_filters.ChoiceFilter(label="Type", choices=TypeConsideration.choices)
    mode_calcul = django_filters.ChoiceFilter(label="Mode de calcul", choices=ModeCalcul.choices)
    sous_seuil = filtre_oui_non("Sous le seuil")

    class Meta:
        model = Consideration
        fields = []


class AvenantFilter(django_filters.FilterSet):
    consideration = django_filters.NumberFilter(label="Clause", field_name="consideration_id")
    lot = django_filters.NumberFilter(label="Lot", field_name="consideration__lot_id")

    class Meta:
        model = AvenantHeures
        fields = []


class AttributionFilter(django_filters.FilterSet):
    lot = django_filters.NumberFilter(label="Lot", field_name="lot_id")
    marche = django_filters.NumberFilter(label="Marché", field_name="lot__marche_id")
    entreprise = django_filters.NumberFilter(label="Entreprise", field_name="entreprise_id")
    role = django_filters.ChoiceFilter(label="Rôle", choices=RoleAttribution.choices)

    class Meta:
        model = Attribution
        fields = []
