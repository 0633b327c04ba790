"""Permission rows of the marchés app. A buyer member reads its own buyer's marchés (``_propre``) and gets 404 for
another buyer's (``_autre``); a company member reads the lots it holds (the ``_propre`` lot is attributed to it)
and its own attributions; only admins and facilitators write."""

from guichet.enums import Role

from ..factories import (
    AchatPrevuFactory,
    AttributionFactory,
    AvenantFactory,
    ConsiderationFactory,
    EntrepriseFactory,
    LotFactory,
    MarcheFactory,
    OperationFactory,
    ProgrammationFactory,
)
from ..permissions import API_CREATION, API_EDITION, API_SUPPRESSION, EDITION, EDITION_POST, Cas, D, N, R, dans_a

# Pages and API read by every member who may see the object: a buyer its buyer's, a company its lots.
TOUS_PAGE = [R, N, D, D, D, D, D]
AUTRE_PAGE = [R, N, D, D, D, N, N]
TOUS_API = [401, N, D, D, D, D, D]
AUTRE_API = [401, N, D, D, D, N, N]


def _lot_propre(ctx):
    """A lot of the buyer member's buyer, attributed to the company member (titulaire), with an hours clause,
    an avenant and a plan de progrès, in an operation."""
    with ctx.a.scope():
        operation = OperationFactory(guichet=ctx.a.guichet)
        lot = LotFactory(
            guichet=ctx.a.guichet,
            marche__acheteur=ctx.a.membres[Role.ACHETEUR].acheteur,
            marche__operation=operation,
        )
        AttributionFactory(guichet=ctx.a.guichet, lot=lot, entreprise=ctx.a.membres[Role.ENTREPRISE].entreprise)
        AvenantFactory(guichet=ctx.a.guichet, consideration__lot=lot, consideration__heures_dues=800)
    return lot


def _lot_autre(ctx):
    with ctx.a.scope():
        lot = LotFactory(guichet=ctx.a.guichet, marche__operation=OperationFactory(guichet=ctx.a.guichet))
        AttributionFactory(guichet=ctx.a.guichet, lot=lot)
        AvenantFactory(guichet=ctx.a.guichet, consideration__lot=lot, consideration__heures_dues=800)
    return lot


def _objets(lot):
    chemins = {
        "lot": lambda lot: lot,
        "marche": lambda lot: lot.marche,
        "operation": lambda lot: lot.marche.operation,
        "consideration": lambda lot: lot.considerations.get(type="clause_heures"),
        "avenant": lambda lot: lot.considerations.get(type="clause_heures").avenants.get(),
        "attribution": lambda lot: lot.attributions.get(),
    }

    def objet(chemin):
        def make(ctx):
            with ctx.a.scope():
                return chemin(lot(ctx))

        return make

    return {nom: objet(chemin) for nom, chemin in chemins.items()}


PROPRE, AUTRE = _objets(_lot_propre), _objets(_lot_autre)


def _leger(factory, **kwargs):
    def make(ctx):
        with ctx.a.scope():
            return factory(guichet=ctx.a.guichet, **kwargs)

    return make


# Rows of the writers: the other roles are refused (403) before any lookup, so a bare object is enough.
LEGER = {
    "marche": _leger(MarcheFactory),
    "lot": _leger(LotFactory),
    "consideration": _leger(ConsiderationFactory, type="clause_heures"),
    "avenant": _leger(AvenantFactory),
    "attribution": _leger(AttributionFactory),
    "operation": _leger(OperationFactory),
}


def pk(make):
    def kwargs(ctx):
        with ctx.a.scope():
            return dans_a(ctx, pk=make(ctx).pk)

    return kwargs


def _achat(ctx):
    with ctx.a.scope():
        programmation = ProgrammationFactory(guichet=ctx.a.guichet, acheteur=ctx.a.membres[Role.ACHETEUR].acheteur)
        return AchatPrevuFactory(guichet=ctx.a.guichet, programmation=programmation)


def _lot_nu(ctx):
    with ctx.a.scope():
        return LotFactory(guichet=ctx.a.guichet)


def _marche_post(ctx):
    return {"acheteur": ctx.a.membres[Role.ACHETEUR].acheteur_id, "reference": "NOUVEAU", "objet": "Voirie"}


MARCHE = lambda ctx: {**_marche_post(ctx), "type_contrat": "marche", "statut": "programme"}  # noqa: E731
LOT = {"numero": "9", "intitule": "Peinture", "secteur": "btp_second_oeuvre", "montant_ht": "100000"}
CLAUSE = {"mode_calcul": "formule", "description": "Clause d'insertion"}
AVENANT = {"date_effet": "2027-01-01", "heures_dues": "900", "motif": "Travaux supplémentaires"}
SIMULATION = {"mode_calcul": "formule", "montant_ht": "1000000", "secteur": "btp_gros_oeuvre"}


def _attribution_post(ctx):
    with ctx.a.scope():
        return {"entreprise": EntrepriseFactory(guichet=ctx.a.guichet).pk, "role": "cotraitant"}


def _api_lot(ctx):
    with ctx.a.scope():
        marche = MarcheFactory(guichet=ctx.a.guichet)
    return {"marche": marche.pk, "numero": 1, "intitule": "Lot unique"}


def _api_attribution(ctx):
    lot = _lot_nu(ctx)
    with ctx.a.scope():
        return {"lot": lot.pk, "entreprise": EntrepriseFactory(guichet=ctx.a.guichet).pk, "role": "titulaire"}


MATRICE = [
    # Pages: marchés
    Cas("marches", "GET", TOUS_PAGE, kwargs=dans_a),
    Cas("marche_creer", "GET", EDITION, kwargs=dans_a),
    Cas("marche_creer", "POST", EDITION_POST, kwargs=dans_a, data=MARCHE),
    Cas("marche", "GET", TOUS_PAGE, kwargs=pk(PROPRE["marche"])),
    Cas("marche", "GET", AUTRE_PAGE, kwargs=pk(AUTRE["marche"])),
    Cas("marche_modifier", "GET", EDITION, kwargs=pk(LEGER["marche"])),
    Cas("marche_modifier", "POST", EDITION_POST, kwargs=pk(LEGER["marche"]), data=MARCHE),
    Cas("marche_supprimer", "GET", EDITION, kwargs=pk(LEGER["marche"])),
    Cas("marche_supprimer", "POST", EDITION_POST, kwargs=pk(LEGER["marche"])),
    Cas("simulateur", "GET", EDITION, kwargs=dans_a),
    Cas("simulateur", "POST", EDITION_POST, kwargs=dans_a, data=lambda ctx: {**SIMULATION, "lot": _lot_nu(ctx).pk}),
    Cas("achat_prevu_transformer", "GET", EDITION, kwargs=pk(_achat)),
    Cas(
        "achat_prevu_transformer",
        "POST",
        EDITION_POST,
        kwargs=pk(_achat),
        data=lambda ctx: {"reference": "X-1", "objet": "X", "type_contrat": "marche"},
    ),
    # Pages: lots, considerations, avenants, attributions
    Cas("lot_creer", "GET", EDITION, kwargs=pk(LEGER["marche"])),
    Cas("lot_creer", "POST", EDITION_POST, kwargs=pk(LEGER["marche"]), data=lambda ctx: LOT),
    Cas("lot", "GET", TOUS_PAGE, kwargs=pk(PROPRE["lot"])),
    Cas("lot", "GET", AUTRE_PAGE, kwargs=pk(AUTRE["lot"])),
    Cas("lot_modifier", "GET", EDITION, kwargs=pk(LEGER["lot"])),
    Cas("lot_modifier", "POST", EDITION_POST, kwargs=pk(LEGER["lot"]), data=lambda ctx: LOT),
    Cas("lot_supprimer", "GET", EDITION, kwargs=pk(LEGER["lot"])),
    Cas("lot_supprimer", "POST", EDITION_POST, kwargs=pk(LEGER["lot"])),
    Cas("consideration_creer", "GET", EDITION, kwargs=pk(_lot_nu)),
    Cas("consideration_creer", "POST", EDITION_POST, kwargs=pk(_lot_nu), data=lambda ctx: CLAUSE),
    Cas("consideration_modifier", "GET", EDITION, kwargs=pk(LEGER["consideration"])),
    Cas("consideration_modifier", "POST", EDITION_POST, kwargs=pk(LEGER["consideration"]), data=lambda ctx: CLAUSE),
    Cas("consideration_supprimer", "GET", EDITION, kwargs=pk(LEGER["consideration"])),
    Cas("consideration_supprimer", "POST", EDITION_POST, kwargs=pk(LEGER["consideration"])),
    Cas("avenant_creer", "GET", EDITION, kwargs=pk(LEGER["consideration"])),
    Cas("avenant_creer", "POST", EDITION_POST, kwargs=pk(LEGER["consideration"]), data=lambda ctx: AVENANT),
    Cas("avenant_supprimer", "GET", EDITION, kwargs=pk(LEGER["avenant"])),
    Cas("avenant_supprimer", "POST", EDITION_POST, kwargs=pk(LEGER["avenant"])),
    Cas("attribution_creer", "GET", EDITION, kwargs=pk(LEGER["lot"])),
    Cas("attribution_creer", "POST", EDITION_POST, kwargs=pk(LEGER["lot"]), data=_attribution_post),
    Cas("attribution_modifier", "GET", EDITION, kwargs=pk(LEGER["attribution"])),
    Cas(
        "attribution_modifier",
        "POST",
        EDITION_POST,
        kwargs=pk(LEGER["attribution"]),
        data=lambda ctx: {"entreprise": ctx.a.membres[Role.ENTREPRISE].entreprise_id, "role": "titulaire"},
    ),
    Cas("attribution_supprimer", "GET", EDITION, kwargs=pk(LEGER["attribution"])),
    Cas("attribution_supprimer", "POST", EDITION_POST, kwargs=pk(LEGER["attribution"])),
    # Pages: operations
    Cas("operations", "GET", TOUS_PAGE, kwargs=dans_a),
    Cas("operation_creer", "GET", EDITION, kwargs=dans_a),
    Cas("operation_creer", "POST", EDITION_POST, kwargs=dans_a, data=lambda ctx: {"nom": "Quartier gare"}),
    Cas("operation", "GET", TOUS_PAGE, kwargs=pk(PROPRE["operation"])),
    Cas("operation", "GET", AUTRE_PAGE, kwargs=pk(AUTRE["operation"])),
    Cas("operation_modifier", "GET", EDITION, kwargs=pk(LEGER["operation"])),
    Cas("operation_modifier", "POST", EDITION_POST, kwargs=pk(LEGER["operation"]), data=lambda ctx: {"nom": "ANRU"}),
    Cas("operation_supprimer", "GET", EDITION, kwargs=pk(LEGER["operation"])),
    Cas("operation_supprimer", "POST", EDITION_POST, kwargs=pk(LEGER["operation"])),
    # API
    Cas("api:simulation", "POST", TOUS_API, kwargs=dans_a, api=True, data=lambda ctx: SIMULATION),
    Cas("api:marche-list", "GET", TOUS_API, kwargs=dans_a, api=True),
    Cas("api:marche-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=_marche_post),
    Cas("api:marche-detail", "GET", TOUS_API, kwargs=pk(PROPRE["marche"]), api=True),
    Cas("api:marche-detail", "GET", AUTRE_API, kwargs=pk(AUTRE["marche"]), api=True),
    Cas(
        "api:marche-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(LEGER["marche"]),
        api=True,
        data=lambda ctx: {"objet": "X"},
    ),
    Cas("api:marche-detail", "DELETE", API_SUPPRESSION, kwargs=pk(LEGER["marche"]), api=True),
    Cas("api:lot-list", "GET", TOUS_API, kwargs=dans_a, api=True),
    Cas("api:lot-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=_api_lot),
    Cas("api:lot-detail", "GET", TOUS_API, kwargs=pk(PROPRE["lot"]), api=True),
    Cas("api:lot-detail", "GET", AUTRE_API, kwargs=pk(AUTRE["lot"]), api=True),
    Cas("api:lot-detail", "PATCH", API_EDITION, kwargs=pk(LEGER["lot"]), api=True, data=lambda ctx: {"intitule": "X"}),
    Cas("api:lot-detail", "DELETE", API_SUPPRESSION, kwargs=pk(LEGER["lot"]), api=True),
    Cas("api:lot-suivi", "GET", TOUS_API, kwargs=pk(PROPRE["lot"]), api=True),
    Cas("api:lot-suivi", "GET", AUTRE_API, kwargs=pk(AUTRE["lot"]), api=True),
    Cas("api:consideration-list", "GET", TOUS_API, kwargs=dans_a, api=True),
    Cas(
        "api:consideration-list",
        "POST",
        API_CREATION,
        kwargs=dans_a,
        api=True,
        data=lambda ctx: {"lot": _lot_nu(ctx).pk, "type": "clause_heures"},
    ),
    Cas("api:consideration-detail", "GET", TOUS_API, kwargs=pk(PROPRE["consideration"]), api=True),
    Cas("api:consideration-detail", "GET", AUTRE_API, kwargs=pk(AUTRE["consideration"]), api=True),
    Cas(
        "api:consideration-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(LEGER["consideration"]),
        api=True,
        data=lambda ctx: {"taux_insertion": "0.07"},
    ),
    Cas("api:consideration-detail", "DELETE", API_SUPPRESSION, kwargs=pk(LEGER["consideration"]), api=True),
    Cas("api:avenant-list", "GET", TOUS_API, kwargs=dans_a, api=True),
    Cas(
        "api:avenant-list",
        "POST",
        API_CREATION,
        kwargs=dans_a,
        api=True,
        data=lambda ctx: {"consideration": PROPRE["consideration"](ctx).pk, **AVENANT},
    ),
    Cas("api:avenant-detail", "GET", TOUS_API, kwargs=pk(PROPRE["avenant"]), api=True),
    Cas("api:avenant-detail", "GET", AUTRE_API, kwargs=pk(AUTRE["avenant"]), api=True),
    Cas(
        "api:avenant-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(LEGER["avenant"]),
        api=True,
        data=lambda ctx: {"motif": "X"},
    ),
    Cas("api:avenant-detail", "DELETE", API_SUPPRESSION, kwargs=pk(LEGER["avenant"]), api=True),
    Cas("api:attribution-list", "GET", TOUS_API, kwargs=dans_a, api=True),
    Cas("api:attribution-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=_api_attribution),
    Cas("api:attribution-detail", "GET", TOUS_API, kwargs=pk(PROPRE["attribution"]), api=True),
    Cas("api:attribution-detail", "GET", AUTRE_API, kwargs=pk(AUTRE["attribution"]), api=True),
    Cas(
        "api:attribution-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(LEGER["attribution"]),
        api=True,
        data=lambda ctx: {"montant_ht": "500000"},
    ),
    Cas("api:attribution-detail", "DELETE", API_SUPPRESSION, kwargs=pk(LEGER["attribution"]), api=True),
    Cas("api:operation-list", "GET", TOUS_API, kwargs=dans_a, api=True),
    Cas("api:operation-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=lambda ctx: {"nom": "ANRU Gare"}),
    Cas("api:operation-detail", "GET", TOUS_API, kwargs=pk(PROPRE["operation"]), api=True),
    Cas("api:operation-detail", "GET", AUTRE_API, kwargs=pk(AUTRE["operation"]), api=True),
    Cas(
        "api:operation-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(LEGER["operation"]),
        api=True,
        data=lambda ctx: {"commune": "Lens"},
    ),
    Cas("api:operation-detail", "DELETE", API_SUPPRESSION, kwargs=pk(LEGER["operation"]), api=True),
]
