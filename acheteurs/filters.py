"""Filters of the buyers' lists, shared by the pages and the API (``?type=commune&q=ville``)."""

import django_filters
from django.db.models import Q

from guichet.enums import Secteur, TypeConsideration
from guichet.filters import filtre_annee, filtre_oui_non, filtre_recherche

from .enums import PotentielSocial, RoleContact, TypeAcheteur
from .models import Acheteur
from .selectors import acheteurs_visibles


def acheteurs_du_membre(request):
    """The buyers a filter may name: those the member sees (none while the API schema is generated)."""
    if request is None or getattr(request, "membre", None) is None:
        return Acheteur._base_manager.none()
    return acheteurs_visibles(guichet=request.guichet, membre=request.membre)


def filtre_acheteur(field_name="acheteur"):
    return django_filters.ModelChoiceFilter(
        label="Acheteur", field_name=field_name, queryset=acheteurs_du_membre, empty_label="Tous"
    )


class AcheteurFilter(django_filters.FilterSet):
    q = filtre_recherche("Nom, SIRET ou commune.")
    type = django_filters.ChoiceFilter(label="Type", choices=TypeAcheteur.choices, empty_label="Tous")
    archive = filtre_oui_non("État", oui="Archivés", non="Actifs")
    mutualisation_autorisee = filtre_oui_non("Mutualisation autorisée")

    class Meta:
        model = Acheteur
        fields = ["q", "type", "archive", "mutualisation_autorisee"]

    def rechercher(self, queryset, name, value):
        value = value.strip()
        digits = value.replace(" ", "")
        query = Q(nom__icontains=value) | Q(commune__icontains=value)
        if digits.isdigit():
            query |= Q(siret__startswith=digits)
        return queryset.filter(query)


class ContactFilter(django_filters.FilterSet):
    acheteur = filtre_acheteur()
    role = django_filters.ChoiceFilter(label="Rôle", choices=RoleContact.choices)


class ProgrammationFilter(django_filters.FilterSet):
    acheteur = filtre_acheteur()
    annee = filtre_annee()


class AchatPrevuFilter(django_filters.FilterSet):
    acheteur = filtre_acheteur("programmation__acheteur")
    programmation = django_filters.NumberFilter(label="Programmation", field_name="programmation_id")
    annee = filtre_annee(field_name="programmation__annee")
    secteur = django_filters.ChoiceFilter(label="Secteur", choices=Secteur.choices)
    consideration_possible = django_filters.ChoiceFilter(label="Potentiel social", choices=PotentielSocial.choices)
    consideration_conseillee = django_filters.ChoiceFilter(
        label="Considération conseillée", choices=TypeConsideration.choices
    )
