"""Filter fields shared by the apps' FilterSets (pages and API alike)."""

import django_filters
from django import forms

from .forms import ChampDate


def filtre_recherche(help_text):
    """``?q=``: free text, searched by the FilterSet's ``rechercher`` method."""
    return django_filters.CharFilter(
        label="Rechercher", method="rechercher", help_text=help_text, widget=forms.TextInput(attrs={"type": "search"})
    )


def filtre_oui_non(label, *, oui="Oui", non="Non", **kwargs):
    """``?champ=true|false``; on the page a select « Tous / Oui / Non » (not Django's « Inconnu »)."""
    choices = [("", "Tous"), ("true", oui), ("false", non)]
    return django_filters.BooleanFilter(label=label, widget=forms.Select(choices=choices), **kwargs)


def filtre_date(label, field_name, lookup_expr):
    return django_filters.DateFilter(label=label, field_name=field_name, lookup_expr=lookup_expr, widget=ChampDate())


class _AnneeFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def filtre_annee(label="Année", **kwargs):
    """``?annee=2026``: a whole year, from 1 to 9999 (the years a date can hold: ``?annee=0`` on a date's year
    would otherwise fail inside the query instead of answering that the year is invalid)."""
    return _AnneeFilter(
        label=label,
        min_value=1,
        max_value=9999,
        error_messages={
            "invalid": "Indiquez une année sur quatre chiffres, par exemple 2026.",
            "min_value": "Indiquez une année sur quatre chiffres, par exemple 2026.",
            "max_value": "Indiquez une année sur quatre chiffres, par exemple 2026.",
        },
        **kwargs,
    )
