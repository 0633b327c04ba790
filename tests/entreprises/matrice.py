"""Permission rows of the entreprises app: every internal role reads the register and the companies' contacts, a
company member its own record and contacts only (404 for another), a buyer member none of it (403); admins and
facilitators write. The hours ledger: every role reads it, a company member its own rows, a buyer member the rows
of its buyer's lots (404 for the others); admins and facilitators start a recompute."""

from datetime import date

from django.utils import timezone

from entreprises.models import Allocation, Exclusion
from guichet.enums import Role

from ..factories import ContactEntrepriseFactory, EntrepriseFactory, LotFactory
from ..permissions import API_CREATION, API_EDITION, API_SUPPRESSION, EDITION, EDITION_POST, Cas, D, F, N, R, dans_a

LECTURE = [R, N, D, D, D, F, D]
LECTURE_AUTRE = [R, N, D, D, D, F, N]
LECTURE_API = [401, N, D, D, D, F, D]
LECTURE_API_AUTRE = [401, N, D, D, D, F, N]


def _propre(ctx):
    return ctx.a.membres[Role.ENTREPRISE].entreprise


def _autre(ctx):
    with ctx.a.scope():
        return EntrepriseFactory(guichet=ctx.a.guichet)


def _contact(entreprise):
    def make(ctx):
        with ctx.a.scope():
            return ContactEntrepriseFactory(guichet=ctx.a.guichet, entreprise=entreprise(ctx))

    return make


def pk(make):
    return lambda ctx: dans_a(ctx, pk=make(ctx).pk)


TOUS_API = [401, N, D, D, D, D, D]
AUTRE_API = [401, N, D, D, D, N, N]
RECALCUL = [401, N, 202, 202, F, F, F]


def _grand_livre(model, propre):
    """A row of the ledger: ``propre``, of the company member on a lot of the buyer member's buyer; else, of another
    company on another buyer's lot."""

    def make(ctx):
        with ctx.a.scope():
            if propre:
                entreprise = _propre(ctx)
                lot = LotFactory(guichet=ctx.a.guichet, marche__acheteur=ctx.a.membres[Role.ACHETEUR].acheteur)
            else:
                entreprise, lot = _autre(ctx), LotFactory(guichet=ctx.a.guichet)
            champs = {"regle": "echeance"} if model is Allocation else {"motif": "hors_fenetre"}
            return model.objects.create(
                guichet=ctx.a.guichet,
                entreprise=entreprise,
                lot=lot,
                debut=date(2026, 3, 1),
                fin=date(2026, 3, 31),
                heures=35,
                modalite="embauche_directe",
                calcule_le=timezone.now(),
                **champs,
            )

    return make


ENTREPRISE = {"raison_sociale": "Rebond Insertion", "siret": "732 829 320 00074", "type_structure": "ei"}
CONTACT = {"nom": "Durand", "role": "ressources_humaines"}

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
    Cas("entreprise_recalculer", "POST", EDITION_POST, kwargs=pk(_propre)),
    Cas("contact_entreprise_creer", "GET", EDITION, kwargs=pk(_propre)),
    Cas("contact_entreprise_creer", "POST", EDITION_POST, kwargs=pk(_propre), data=lambda ctx: CONTACT),
    Cas("contact_entreprise_modifier", "GET", EDITION, kwargs=pk(_contact(_propre))),
    Cas("contact_entreprise_modifier", "POST", EDITION_POST, kwargs=pk(_contact(_propre)), data=lambda ctx: CONTACT),
    Cas("contact_entreprise_supprimer", "GET", EDITION, kwargs=pk(_contact(_propre))),
    Cas("contact_entreprise_supprimer", "POST", EDITION_POST, kwargs=pk(_contact(_propre))),
    Cas("api:entreprise-list", "GET", LECTURE_API, kwargs=dans_a, api=True),
    Cas("api:entreprise-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=lambda ctx: ENTREPRISE),
    Cas("api:entreprise-detail", "GET", LECTURE_API, kwargs=pk(_propre), api=True),
    Cas("api:entreprise-detail", "GET", LECTURE_API_AUTRE, kwargs=pk(_autre), api=True),
    Cas(
        "api:entreprise-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(_autre),
        api=True,
        data=lambda ctx: {"commune": "Lens"},
    ),
    Cas("api:entreprise-detail", "DELETE", API_SUPPRESSION, kwargs=pk(_autre), api=True),
    Cas("api:contact-entreprise-list", "GET", LECTURE_API, kwargs=dans_a, api=True),
    Cas(
        "api:contact-entreprise-list",
        "POST",
        API_CREATION,
        kwargs=dans_a,
        api=True,
        data=lambda ctx: {"entreprise": _propre(ctx).pk, "nom": "Durand"},
    ),
    Cas("api:contact-entreprise-detail", "GET", LECTURE_API, kwargs=pk(_contact(_propre)), api=True),
    Cas("api:contact-entreprise-detail", "GET", LECTURE_API_AUTRE, kwargs=pk(_contact(_autre)), api=True),
    Cas(
        "api:contact-entreprise-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(_contact(_propre)),
        api=True,
        data=lambda ctx: CONTACT,
    ),
    Cas("api:contact-entreprise-detail", "DELETE", API_SUPPRESSION, kwargs=pk(_contact(_propre)), api=True),
    Cas("api:allocation-list", "GET", TOUS_API, kwargs=dans_a, api=True),
    Cas("api:allocation-detail", "GET", TOUS_API, kwargs=pk(_grand_livre(Allocation, propre=True)), api=True),
    Cas("api:allocation-detail", "GET", AUTRE_API, kwargs=pk(_grand_livre(Allocation, propre=False)), api=True),
    Cas("api:exclusion-list", "GET", TOUS_API, kwargs=dans_a, api=True),
    Cas("api:exclusion-detail", "GET", TOUS_API, kwargs=pk(_grand_livre(Exclusion, propre=True)), api=True),
    Cas("api:exclusion-detail", "GET", AUTRE_API, kwargs=pk(_grand_livre(Exclusion, propre=False)), api=True),
    Cas("api:recalcul-list", "POST", RECALCUL, kwargs=dans_a, api=True),
    Cas(
        "api:recalcul-list", "POST", RECALCUL, kwargs=dans_a, api=True, data=lambda ctx: {"entreprise": _propre(ctx).pk}
    ),
]
