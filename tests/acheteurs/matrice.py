"""Permission rows of the acheteurs app. A buyer member reads its own buyer (``_propre``) and gets 404 for
another buyer of its guichet (``_autre``); only admins and facilitators write."""

from guichet.enums import Role

from ..factories import AchatPrevuFactory, AcheteurFactory, ContactFactory, ProgrammationFactory
from ..permissions import (
    API_CREATION,
    API_EDITION,
    API_LECTURE,
    API_LECTURE_AUTRE,
    API_SUPPRESSION,
    EDITION,
    EDITION_POST,
    LECTURE,
    LECTURE_AUTRE,
    Cas,
    dans_a,
)


def _propre(ctx):
    """The buyer the acheteur member of A represents."""
    return ctx.a.membres[Role.ACHETEUR].acheteur


def _autre(ctx):
    with ctx.a.scope():
        return AcheteurFactory(guichet=ctx.a.guichet)


def _contact(acheteur):
    def make(ctx):
        with ctx.a.scope():
            return ContactFactory(guichet=ctx.a.guichet, acheteur=acheteur(ctx))

    return make


def _programmation(acheteur):
    def make(ctx):
        with ctx.a.scope():
            return ProgrammationFactory(guichet=ctx.a.guichet, acheteur=acheteur(ctx))

    return make


def _achat(acheteur):
    def make(ctx):
        with ctx.a.scope():
            return AchatPrevuFactory(guichet=ctx.a.guichet, programmation=_programmation(acheteur)(ctx))

    return make


def pk(make):
    return lambda ctx: dans_a(ctx, pk=make(ctx).pk)


ACHETEUR = {"nom": "Ville nouvelle", "type": "commune", "mutualisation_autorisee": "on"}
CONTACT = {"nom": "Durand", "role": "acheteur"}
PROGRAMMATION = {"annee": "2027"}
ACHAT = {"objet": "Réfection de voirie", "consideration_possible": "oui"}

MATRICE = [
    # Pages
    Cas("acheteurs", "GET", LECTURE, kwargs=dans_a),
    Cas("acheteur_creer", "GET", EDITION, kwargs=dans_a),
    Cas("acheteur_creer", "POST", EDITION_POST, kwargs=dans_a, data=lambda ctx: ACHETEUR),
    Cas("acheteur", "GET", LECTURE, kwargs=pk(_propre)),
    Cas("acheteur", "GET", LECTURE_AUTRE, kwargs=pk(_autre)),
    Cas("acheteur_modifier", "GET", EDITION, kwargs=pk(_propre)),
    Cas("acheteur_modifier", "POST", EDITION_POST, kwargs=pk(_autre), data=lambda ctx: ACHETEUR),
    Cas("acheteur_archivage", "POST", EDITION_POST, kwargs=pk(_autre), data=lambda ctx: {"archive": "1"}),
    Cas("contact_creer", "GET", EDITION, kwargs=pk(_propre)),
    Cas("contact_creer", "POST", EDITION_POST, kwargs=pk(_propre), data=lambda ctx: CONTACT),
    Cas("contact_modifier", "GET", EDITION, kwargs=pk(_contact(_propre))),
    Cas("contact_modifier", "POST", EDITION_POST, kwargs=pk(_contact(_propre)), data=lambda ctx: CONTACT),
    Cas("contact_supprimer", "GET", EDITION, kwargs=pk(_contact(_propre))),
    Cas("contact_supprimer", "POST", EDITION_POST, kwargs=pk(_contact(_propre))),
    Cas("programmation_creer", "GET", EDITION, kwargs=pk(_propre)),
    Cas("programmation_creer", "POST", EDITION_POST, kwargs=pk(_propre), data=lambda ctx: PROGRAMMATION),
    Cas("programmation", "GET", LECTURE, kwargs=pk(_programmation(_propre))),
    Cas("programmation", "GET", LECTURE_AUTRE, kwargs=pk(_programmation(_autre))),
    Cas("programmation_modifier", "GET", EDITION, kwargs=pk(_programmation(_propre))),
    Cas(
        "programmation_modifier",
        "POST",
        EDITION_POST,
        kwargs=pk(_programmation(_propre)),
        data=lambda ctx: PROGRAMMATION,
    ),
    Cas("programmation_supprimer", "GET", EDITION, kwargs=pk(_programmation(_propre))),
    Cas("programmation_supprimer", "POST", EDITION_POST, kwargs=pk(_programmation(_propre))),
    Cas("achat_prevu_creer", "GET", EDITION, kwargs=pk(_programmation(_propre))),
    Cas("achat_prevu_creer", "POST", EDITION_POST, kwargs=pk(_programmation(_propre)), data=lambda ctx: ACHAT),
    Cas("achat_prevu_modifier", "GET", EDITION, kwargs=pk(_achat(_propre))),
    Cas("achat_prevu_modifier", "POST", EDITION_POST, kwargs=pk(_achat(_propre)), data=lambda ctx: ACHAT),
    Cas("achat_prevu_supprimer", "GET", EDITION, kwargs=pk(_achat(_propre))),
    Cas("achat_prevu_supprimer", "POST", EDITION_POST, kwargs=pk(_achat(_propre))),
    # API
    Cas("api:acheteur-list", "GET", API_LECTURE, kwargs=dans_a, api=True),
    Cas(
        "api:acheteur-list",
        "POST",
        API_CREATION,
        kwargs=dans_a,
        api=True,
        data=lambda ctx: {"nom": "X", "type": "epci"},
    ),
    Cas("api:acheteur-detail", "GET", API_LECTURE, kwargs=pk(_propre), api=True),
    Cas("api:acheteur-detail", "GET", API_LECTURE_AUTRE, kwargs=pk(_autre), api=True),
    Cas("api:acheteur-detail", "PATCH", API_EDITION, kwargs=pk(_autre), api=True, data=lambda ctx: {"commune": "Lens"}),
    Cas("api:acheteur-detail", "DELETE", API_SUPPRESSION, kwargs=pk(_autre), api=True),
    Cas("api:contact-list", "GET", API_LECTURE, kwargs=dans_a, api=True),
    Cas(
        "api:contact-list",
        "POST",
        API_CREATION,
        kwargs=dans_a,
        api=True,
        data=lambda ctx: {"acheteur": _propre(ctx).pk, "nom": "Durand"},
    ),
    Cas("api:contact-detail", "GET", API_LECTURE, kwargs=pk(_contact(_propre)), api=True),
    Cas("api:contact-detail", "GET", API_LECTURE_AUTRE, kwargs=pk(_contact(_autre)), api=True),
    Cas("api:contact-detail", "PATCH", API_EDITION, kwargs=pk(_contact(_propre)), api=True, data=lambda ctx: CONTACT),
    Cas("api:contact-detail", "DELETE", API_SUPPRESSION, kwargs=pk(_contact(_propre)), api=True),
    Cas("api:programmation-list", "GET", API_LECTURE, kwargs=dans_a, api=True),
    Cas(
        "api:programmation-list",
        "POST",
        API_CREATION,
        kwargs=dans_a,
        api=True,
        data=lambda ctx: {"acheteur": _propre(ctx).pk, "annee": 2027},
    ),
    Cas("api:programmation-detail", "GET", API_LECTURE, kwargs=pk(_programmation(_propre)), api=True),
    Cas("api:programmation-detail", "GET", API_LECTURE_AUTRE, kwargs=pk(_programmation(_autre)), api=True),
    Cas(
        "api:programmation-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(_programmation(_propre)),
        api=True,
        data=lambda ctx: {"commentaire": "Revue faite."},
    ),
    Cas("api:programmation-detail", "DELETE", API_SUPPRESSION, kwargs=pk(_programmation(_propre)), api=True),
    Cas("api:achat-prevu-list", "GET", API_LECTURE, kwargs=dans_a, api=True),
    Cas(
        "api:achat-prevu-list",
        "POST",
        API_CREATION,
        kwargs=dans_a,
        api=True,
        data=lambda ctx: {"programmation": _programmation(_propre)(ctx).pk, "objet": "Voirie"},
    ),
    Cas("api:achat-prevu-detail", "GET", API_LECTURE, kwargs=pk(_achat(_propre)), api=True),
    Cas("api:achat-prevu-detail", "GET", API_LECTURE_AUTRE, kwargs=pk(_achat(_autre)), api=True),
    Cas("api:achat-prevu-detail", "PATCH", API_EDITION, kwargs=pk(_achat(_propre)), api=True, data=lambda ctx: ACHAT),
    Cas("api:achat-prevu-detail", "DELETE", API_SUPPRESSION, kwargs=pk(_achat(_propre)), api=True),
]
