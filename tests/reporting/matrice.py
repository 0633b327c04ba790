"""Permission rows of the reporting app: the key figures are read by every internal role and by a buyer member
(its own buyer's), not by a company member. Bilans: facilitators and admins ask for and read all of them, a
``lecteur`` reads the copil bilans, a buyer member its own buyer's, a company member its attestations (404 for the
others). Exports and the logo are the facilitators' and the admins' (the logo: admins)."""

from guichet.enums import Role

from ..factories import BilanFactory, ExportFactory, LotFactory
from ..permissions import API_LECTURE, PAGE_ADMIN, Cas, D, F, N, R, dans_a

BILAN_COPIL = [R, N, D, D, D, N, N]
BILAN_ACHETEUR = [R, N, D, D, N, D, N]
ATTESTATION = [R, N, D, D, N, N, D]
DEMANDE = [R, N, R, R, F, F, F]
EXPORT = [R, N, D, D, F, F, F]
API_BILAN_COPIL = [401, N, D, D, D, N, N]
API_BILAN_ACHETEUR = [401, N, D, D, N, D, N]
API_ATTESTATION = [401, N, D, D, N, N, D]
API_DEMANDE = [401, N, 202, 202, F, F, F]
API_EXPORT = [401, N, D, D, F, F, F]


def _bilan(**champs):
    def fabriquer(ctx):
        with ctx.a.scope():
            objets = {nom: valeur(ctx) for nom, valeur in champs.items()}
            return dans_a(ctx, pk=BilanFactory(guichet=ctx.a.guichet, pret=True, **objets).pk)

    return fabriquer


def _membre(role, attribut):
    return lambda ctx: getattr(ctx.a.membres[role], attribut)


def _lot(ctx):
    return LotFactory(guichet=ctx.a.guichet)


COPIL = _bilan()
DE_L_ACHETEUR = _bilan(type=lambda ctx: "acheteur", acheteur=_membre(Role.ACHETEUR, "acheteur"))
DE_L_ENTREPRISE = _bilan(
    type=lambda ctx: "attestation_entreprise", entreprise=_membre(Role.ENTREPRISE, "entreprise"), lot=_lot
)


def _export(ctx):
    with ctx.a.scope():
        return dans_a(ctx, pk=ExportFactory(guichet=ctx.a.guichet, pret=True).pk)


def _demande_bilan(ctx):
    return {"type": "copil", "annee": 2026}


def _demande_export(ctx):
    return {"type": "decp", "annee": 2026, "format": "csv"}


MATRICE = [
    Cas("api:indicateurs", "GET", API_LECTURE, kwargs=dans_a, api=True),
    # Pages
    Cas("bilans", "GET", [R, N, D, D, D, D, D], kwargs=dans_a),
    Cas("bilans", "POST", DEMANDE, kwargs=dans_a, data=_demande_bilan),
    Cas("bilan_telecharger", "GET", BILAN_COPIL, kwargs=COPIL),
    Cas("bilan_telecharger", "GET", BILAN_ACHETEUR, kwargs=DE_L_ACHETEUR),
    Cas("bilan_telecharger", "GET", ATTESTATION, kwargs=DE_L_ENTREPRISE),
    Cas("bilan_regenerer", "POST", DEMANDE, kwargs=COPIL),
    Cas("exports", "GET", EXPORT, kwargs=dans_a),
    Cas("exports", "POST", DEMANDE, kwargs=dans_a, data=_demande_export),
    Cas("export_telecharger", "GET", EXPORT, kwargs=_export),
    Cas("parametres_logo", "GET", PAGE_ADMIN, kwargs=dans_a),
    Cas("parametres_logo", "POST", [R, N, R, F, F, F, F], kwargs=dans_a, data=lambda ctx: {"supprimer": "on"}),
    # API
    Cas("api:bilan-list", "GET", [401, N, D, D, D, D, D], kwargs=dans_a, api=True),
    Cas("api:bilan-list", "POST", API_DEMANDE, kwargs=dans_a, data=_demande_bilan, api=True),
    Cas("api:bilan-detail", "GET", API_BILAN_COPIL, kwargs=COPIL, api=True),
    Cas("api:bilan-detail", "GET", API_BILAN_ACHETEUR, kwargs=DE_L_ACHETEUR, api=True),
    Cas("api:bilan-detail", "GET", API_ATTESTATION, kwargs=DE_L_ENTREPRISE, api=True),
    Cas("api:bilan-telecharger", "GET", API_BILAN_COPIL, kwargs=COPIL, api=True),
    Cas("api:bilan-telecharger", "GET", API_ATTESTATION, kwargs=DE_L_ENTREPRISE, api=True),
    Cas("api:bilan-regenerer", "POST", API_DEMANDE, kwargs=COPIL, api=True),
    Cas("api:export-list", "GET", API_EXPORT, kwargs=dans_a, api=True),
    Cas("api:export-list", "POST", API_DEMANDE, kwargs=dans_a, data=_demande_export, api=True),
    Cas("api:export-detail", "GET", API_EXPORT, kwargs=_export, api=True),
    Cas("api:export-telecharger", "GET", API_EXPORT, kwargs=_export, api=True),
]
