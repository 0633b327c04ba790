"""Template helpers shared by every page: French amounts, hours and rates, and the member's rights."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from guichet.enums import TypeConsideration

register = template.Library()


def _nombre(value, decimales):
    return number_format(Decimal(value), decimales, use_l10n=True, force_grouping=True)


def _decimales_utiles(value, au_plus=2):
    value = Decimal(value)
    return 0 if value == value.to_integral_value() else au_plus


@register.filter
def euros(value, decimales=2):
    """``1234567.8`` → ``1 234 567,80 €`` (French grouping and comma); empty stays empty."""
    if value in (None, ""):
        return ""
    return f"{_nombre(value, int(decimales))}\u00a0€"


@register.filter
def heures(value):
    """``833`` → ``833 h``, ``1234.5`` → ``1 234,50 h``; empty stays empty."""
    if value in (None, ""):
        return ""
    return f"{_nombre(value, _decimales_utiles(value))}\u00a0h"


@register.filter
def pourcentage(value):
    """A rate stored as a fraction: ``0.05`` → ``5 %``, ``0.075`` → ``7,5 %``; empty stays empty."""
    if value in (None, ""):
        return ""
    taux = (Decimal(value) * 100).normalize()
    decimales = max(0, -taux.as_tuple().exponent)
    return f"{_nombre(taux, decimales)}\u00a0%"


@register.filter
def libelle_consideration(code):
    """The label of a type of social consideration (``clause_heures`` → « Clause d'insertion (heures) »)."""
    return TypeConsideration(code).label if code in TypeConsideration.values else code


@register.filter
def peut(membre, code):
    """``{% if membre|peut:"acheteurs.change" %}``: show an action only to the roles allowed to use it."""
    return membre is not None and membre.has_perm(code)
