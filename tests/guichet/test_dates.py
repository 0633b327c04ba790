from datetime import date

import pytest

from guichet.dates import ajouter_mois


@pytest.mark.parametrize(
    ("jour", "mois", "attendu"),
    [
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2026, 3, 15), -14, date(2025, 1, 15)),
    ],
)
def test_adding_months_keeps_the_day_within_the_month(jour, mois, attendu):
    assert ajouter_mois(jour, mois) == attendu
