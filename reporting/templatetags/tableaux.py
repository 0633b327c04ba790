"""Template helpers of the dashboards."""

from django import template

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
