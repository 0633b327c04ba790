"""Template helpers of the dashboards."""

from django import template
from django.utils.formats import date_format

from reporting.graphiques import nombre as nombre_fr

register = template.Library()


@register.filter
def nombre(valeur):
    """``1234.5`` → ``1 234,5`` (``None``: the statistical secret mark)."""
    return nombre_fr(valeur)


@register.filter
def liste(valeur):
    """One chart as a list of one, for the include that loops over charts."""
    return [valeur]


@register.filter
def date_longue(jour):
    """``2026-04-01`` → « 1er avril 2026 » (French typography: the first of the month is an ordinal)."""
    if not jour:
        return ""
    texte = date_format(jour, "j F Y")
    return texte.replace("1 ", "1er ", 1) if jour.day == 1 else texte
