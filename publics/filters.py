"""Filters of the publics app, shared by the pages and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from guichet.filters import filtre_oui_non, filtre_recherche

from .enums import (
    Modalite,
    MomentSortie,
    NiveauQualification,
    ObjetAcces,
    Sexe,
    SituationSortie,
    StatutPositionnement,
    TypeContrat,
    TypePrescripteur,
)
from .models import AccesDonnees, Beneficiaire, Contrat, Eligibilite, Positionnement, Prescripteur, Sortie


class PrescripteurFilter(django_filters.FilterSet):
    q = filtre_recherche("Nom ou commune.")
    type = django_filters.ChoiceFilter(label="Type", choices=TypePrescripteur.choices, empty_label="Tous")

    class Meta:
        model = Prescripteur
        fields = []

    def rechercher(self, queryset, name, value):
        return queryset.filter(Q(nom__icontains=value.strip()) | Q(commune__icontains=value.strip()))


class BeneficiaireFilter(django_filters.FilterSet):
    q = filtre_recherche("Nom, prénom ou commune.")
    sexe = django_filters.ChoiceFilter(label="Sexe", choices=Sexe.choices, empty_label="Tous")
    niveau_qualification = django_filters.ChoiceFilter(
        label="Niveau", choices=NiveauQualification.choices, empty_label="Tous"
    )
    qpv = filtre_oui_non("QPV")
    eligible = filtre_oui_non("Éligible aujourd'hui", field_name="eligible")
    doublon = filtre_oui_non("Doublon possible", field_name="doublon")
    prescripteur_organisme = django_filters.NumberFilter(label="Prescripteur", field_name="prescripteur_organisme_id")

    class Meta:
        model = Beneficiaire
        fields = []

    def rechercher(self, queryset, name, value):
        mots = value.split()
        for mot in mots:
            queryset = queryset.filter(Q(nom__icontains=mot) | Q(prenom__icontains=mot) | Q(commune__icontains=mot))
        return queryset


class EligibiliteFilter(django_filters.FilterSet):
    beneficiaire = django_filters.NumberFilter(label="Personne", field_name="beneficiaire_id")
    valide = filtre_oui_non("Valide aujourd'hui", method="filtrer_valide")

    class Meta:
        model = Eligibilite
        fields = []

    def filtrer_valide(self, queryset, name, value):
        if value is None:
            return queryset
        jour = timezone.localdate()
        valides = Q(date_validation__isnull=False, date_validation__lte=jour, valide_jusqu_au__gte=jour)
        return queryset.filter(valides if value else ~valides)


class PositionnementFilter(django_filters.FilterSet):
    beneficiaire = django_filters.NumberFilter(label="Personne", field_name="beneficiaire_id")
    entreprise = django_filters.NumberFilter(label="Entreprise", field_name="entreprise_id")
    lot = django_filters.NumberFilter(label="Lot", field_name="lot_id")
    statut = django_filters.ChoiceFilter(label="Statut", choices=StatutPositionnement.choices, empty_label="Tous")

    class Meta:
        model = Positionnement
        fields = []


class ContratFilter(django_filters.FilterSet):
    q = filtre_recherche("Nom ou prénom de la personne, entreprise.")
    beneficiaire = django_filters.NumberFilter(label="Personne", field_name="beneficiaire_id")
    entreprise = django_filters.NumberFilter(label="Entreprise", field_name="entreprise_id")
    lot = django_filters.NumberFilter(label="Lot", field_name="lot_id")
    modalite = django_filters.ChoiceFilter(label="Modalité", choices=Modalite.choices, empty_label="Toutes")
    type_contrat = django_filters.ChoiceFilter(label="Type de contrat", choices=TypeContrat.choices, empty_label="Tous")
    eligible = filtre_oui_non("Éligible au début", field_name="eligible")

    class Meta:
        model = Contrat
        fields = []

    def rechercher(self, queryset, name, value):
        for mot in value.split():
            queryset = queryset.filter(
                Q(beneficiaire__nom__icontains=mot)
                | Q(beneficiaire__prenom__icontains=mot)
                | Q(entreprise__raison_sociale__icontains=mot)
            )
        return queryset


class SortieFilter(django_filters.FilterSet):
    contrat = django_filters.NumberFilter(label="Contrat", field_name="contrat_id")
    moment = django_filters.ChoiceFilter(label="Moment", choices=MomentSortie.choices)
    situation = django_filters.ChoiceFilter(label="Situation", choices=SituationSortie.choices)

    class Meta:
        model = Sortie
        fields = []


class AccesFilter(django_filters.FilterSet):
    beneficiaire = django_filters.NumberFilter(label="Personne", field_name="beneficiaire_id")
    objet = django_filters.ChoiceFilter(label="Donnée lue", choices=ObjetAcces.choices)

    class Meta:
        model = AccesDonnees
        fields = []
