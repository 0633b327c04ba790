"""Calendar arithmetic the standard library lacks."""

import calendar
from datetime import date


def ajouter_mois(jour: date, mois: int) -> date:
    """The same day ``mois`` months later, kept within the month (31 January + 1 month = 28 or 29 February)."""
    total = jour.year * 12 + jour.month - 1 + mois
    annee, mois_index = divmod(total, 12)
    dernier = calendar.monthrange(annee, mois_index + 1)[1]
    return jour.replace(year=annee, month=mois_index + 1, day=min(jour.day, dernier))


# The dates a guichet deals with (the API's, a relevé's month). Beyond them a date is a typing error (0026 for 2026),
# and month arithmetic on it would leave the calendar (an eligibility valid 24 months from 31/12/9999).
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2199, 12, 31)
HORS_PLAGE = "Indiquez une date entre le 01/01/1900 et le 31/12/2199."

MOIS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def premier_jour(jour: date) -> date:
    return jour.replace(day=1)


def dernier_jour(jour: date) -> date:
    return jour.replace(day=calendar.monthrange(jour.year, jour.month)[1])


def libelle_mois(jour: date) -> str:
    """``date(2026, 3, 1)`` → « mars 2026 », whatever language is active (pure code reads it too)."""
    return f"{MOIS[jour.month - 1]} {jour.year}"


def lire_mois(texte) -> date | None:
    """``"2026-03"`` (or ``"2026-03-01"``, the browser's month input and the API's ``periode``) → the month's first
    day; None when it is not a month, or one outside ``DATE_MIN``–``DATE_MAX``."""
    morceaux = str(texte or "").strip().split("-")
    if len(morceaux) not in (2, 3) or not all(m.isdigit() for m in morceaux) or len(morceaux[0]) != 4:
        return None
    try:
        mois = date(int(morceaux[0]), int(morceaux[1]), 1)
    except ValueError:
        return None
    return mois if DATE_MIN <= mois <= DATE_MAX else None


def mois_precedent(jour: date) -> date:
    """The first day of the month before ``jour``'s."""
    return premier_jour(ajouter_mois(jour, -1))
