"""Filters of the documents' lists in the API (``?type=copil&annee=2026``, ``?marche=3``)."""

import django_filters

from .enums import FormatExport, TypeBilan, TypeExport
from .models import Bilan, Export


class BilanFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=TypeBilan.choices)
    acheteur = django_filters.NumberFilter(field_name="acheteur_id")
    marche = django_filters.NumberFilter(field_name="marche_id")
    entreprise = django_filters.NumberFilter(field_name="entreprise_id")
    lot = django_filters.NumberFilter(field_name="lot_id")

    class Meta:
        model = Bilan
        fields = ["type", "annee"]


class ExportFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=TypeExport.choices)
    format = django_filters.ChoiceFilter(choices=FormatExport.choices)

    class Meta:
        model = Export
        fields = ["type", "annee"]
