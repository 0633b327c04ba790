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
    multipart: bool = False  # an API upload: the data is sent as multipart/form-data, not JSON


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

# Rows shared by the business apps. Pages read by every internal role and by a buyer member for its own
# records (``_AUTRE``: another buyer's record, which a buyer member must not find); pages and API that
# only admins and facilitators use.
LECTURE = [R, N, D, D, D, D, F]
LECTURE_AUTRE = [R, N, D, D, D, N, F]
LECTURE_INTERNE = [R, N, D, D, D, F, F]
EDITION = [R, N, D, D, F, F, F]
EDITION_POST = [R, N, R, R, F, F, F]
API_LECTURE = [401, N, D, D, D, D, F]
API_LECTURE_AUTRE = [401, N, D, D, D, N, F]
API_LECTURE_INTERNE = [401, N, D, D, D, F, F]
API_CREATION = [401, N, 201, 201, F, F, F]
API_EDITION = [401, N, D, D, F, F, F]
API_SUPPRESSION = [401, N, 204, 204, F, F, F]
