"""Permission rows of the reporting app: the key figures are read by every internal role and by a buyer member
(its own buyer's), not by a company member."""

from ..permissions import API_LECTURE, Cas, dans_a

MATRICE = [
    Cas("api:indicateurs", "GET", API_LECTURE, kwargs=dans_a, api=True),
]
