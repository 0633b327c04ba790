"""Shared vocabulary of the permission matrix (see ``tests/test_permission_matrix.py``).

Each app lists its rows in ``tests/<app>/matrice.py`` as ``MATRICE = [Cas(...), ...]``: the expected
status per column, for every (named URL, method) it adds. Columns: ``anonyme`` (signed out),
``etranger`` (admin of the *other* guichet, B), then the five roles of guichet A.
"""

from collections.abc import Callable
from dataclasses import dataclass

COLONNES = ["anonyme", "etranger", "admin", "facilitateur", "lecteur", "acheteur", "entreprise"]


@dataclass
class Cas:
    name: str
    method: str
    statuses: list  # in the order of COLONNES
    kwargs: Callable = lambda ctx: {}
    data: Callable = lambda ctx: None
    api: bool = False


def dans_a(ctx, **kwargs):
    """URL kwargs of a page or API route of guichet A."""
    return {"guichet_slug": ctx.a.slug, **kwargs}


@dataclass
class Contexte:
    a: object
    b: object


R, N, F, D = 302, 404, 403, 200
PAGE_ADMIN = [R, N, D, F, F, F, F]
API_ADMIN = [401, N, D, F, F, F, F]
TOUS = [D] * 7
