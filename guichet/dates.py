"""Calendar arithmetic the standard library lacks."""

import calendar
from datetime import date


def ajouter_mois(jour: date, mois: int) -> date:
    """The same day ``mois`` months later, kept within the month (31 January + 1 month = 28 or 29 February)."""
    total = jour.year * 12 + jour.month - 1 + mois
    annee, mois_index = divmod(total, 12)
    dernier = calendar.monthrange(annee, mois_index + 1)[1]
    return jour.replace(year=annee, month=mois_index + 1, day=min(jour.day, dernier))
