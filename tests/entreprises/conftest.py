from datetime import date

import pytest

from . import chantier as c


@pytest.fixture
def chantier(guichet_a, voyage):
    """``chantier.chantier`` in guichet A, on 1 July 2026."""
    voyage(date(2026, 7, 1))
    return c.chantier(guichet_a)
