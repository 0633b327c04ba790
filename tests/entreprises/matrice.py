"""Permission rows of the entreprises app: every internal role reads the register, a company member its own
record only (404 for another), a buyer member none of it (403); admins and facilitators write."""

from guichet.enums import Role

from ..factories import EntrepriseFactory
from ..permissions import API_CREATION, API_EDITION, API_SUPPRESSION, EDITION, EDITION_POST, Cas, D, F, N, R, dans_a

LECTURE = [R, N, D, D, D, F, D]
LECTURE_AUTRE = [R, N, D, D, D, F, N]


def _propre(ctx):
    return ctx.a.membres[Role.ENTREPRISE].entreprise


def _autre(ctx):
    with ctx.a.scope():
        return EntrepriseFactory(guichet=ctx.a.guichet)


def pk(make):
    return lambda ctx: dans_a(ctx, pk=make(ctx).pk)


ENTREPRISE = {"raison_sociale": "Rebond Insertion", "siret": "732 829 320 00074", "type_structure": "ei"}

MATRICE = [
    Cas("entreprises", "GET", LECTURE, kwargs=dans_a),
    Cas("entreprise_creer", "GET", EDITION, kwargs=dans_a),
    Cas("entreprise_creer", "POST", EDITION_POST, kwargs=dans_a, data=lambda ctx: ENTREPRISE),
    Cas("entreprise", "GET", LECTURE, kwargs=pk(_propre)),
    Cas("entreprise", "GET", LECTURE_AUTRE, kwargs=pk(_autre)),
    Cas("entreprise_modifier", "GET", EDITION, kwargs=pk(_propre)),
    Cas("entreprise_modifier", "POST", EDITION_POST, kwargs=pk(_autre), data=lambda ctx: ENTREPRISE),
    Cas("entreprise_supprimer", "GET", EDITION, kwargs=pk(_autre)),
    Cas("entreprise_supprimer", "POST", EDITION_POST, kwargs=pk(_autre)),
    Cas("api:entreprise-list", "GET", [401, N, D, D, D, F, D], kwargs=dans_a, api=True),
    Cas("api:entreprise-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=lambda ctx: ENTREPRISE),
    Cas("api:entreprise-detail", "GET", [401, N, D, D, D, F, D], kwargs=pk(_propre), api=True),
    Cas("api:entreprise-detail", "GET", [401, N, D, D, D, F, N], kwargs=pk(_autre), api=True),
    Cas(
        "api:entreprise-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(_autre),
        api=True,
        data=lambda ctx: {"commune": "Lens"},
    ),
    Cas("api:entreprise-detail", "DELETE", API_SUPPRESSION, kwargs=pk(_autre), api=True),
]
