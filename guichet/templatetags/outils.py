"""Template helpers shared by every page: French amounts and the member's rights."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euros(value, decimales=2):
    """``1234567.8`` → ``1 234 567,80 €`` (French grouping and comma); empty stays empty."""
    if value in (None, ""):
        return ""
    return f"{number_format(Decimal(value), int(decimales), use_l10n=True, force_grouping=True)}\u00a0€"


@register.filter
def peut(membre, code):
    """``{% if membre|peut:"acheteurs.change" %}``: show an action only to the roles allowed to use it."""
    return membre is not None and membre.has_perm(code)
