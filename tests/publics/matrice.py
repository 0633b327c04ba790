"""Permission rows of the publics app (api.md's table, domain.md §10): admins and facilitators read and write people,
eligibility, positionings, contracts and outcomes; a company member reads its own contracts and its employees' names
(404 for others); ``lecteur`` and buyer members see none of it (403: aggregates only); the access log and the
retention job are admins'."""

from guichet.enums import Role

from ..factories import (
    BeneficiaireFactory,
    ContactPrescripteurFactory,
    ContratFactory,
    EligibiliteFactory,
    PositionnementFactory,
    PrescripteurFactory,
    SortieFactory,
)
from ..permissions import (
    API_ADMIN,
    API_CREATION,
    API_EDITION,
    API_SUPPRESSION,
    EDITION,
    EDITION_POST,
    PAGE_ADMIN,
    Cas,
    D,
    F,
    N,
    R,
    dans_a,
)

INTERNE = [R, N, D, D, F, F, F]
CONTRATS = [R, N, D, D, F, F, D]
API_INTERNE = [401, N, D, D, F, F, F]
API_CONTRATS = [401, N, D, D, F, F, D]
API_CONTRATS_AUTRE = [401, N, D, D, F, F, N]
API_ACTION_CREATION = [401, N, 201, 201, F, F, F]


def _dans(ctx, factory, **kwargs):
    with ctx.a.scope():
        return factory(guichet=ctx.a.guichet, **kwargs)


def _entreprise(ctx):
    return ctx.a.membres[Role.ENTREPRISE].entreprise


def fab(factory, **kwargs):
    return lambda ctx: _dans(ctx, factory, **kwargs)


def _contrat_propre(ctx):
    return _dans(ctx, ContratFactory, entreprise=_entreprise(ctx))


def _employe(ctx):
    return _contrat_propre(ctx).beneficiaire


def pk(make):
    return lambda ctx: dans_a(ctx, pk=make(ctx).pk)


PERSONNE = {
    "nom": "Martin",
    "prenom": "Léa",
    "date_naissance": "1995-03-02",
    "sexe": "F",
    "commune": "Lens",
    "code_postal": "62300",
    "niveau_qualification": "3",
    "date_entree": "2026-02-01",
}
PRESCRIPTEUR = {"nom": "Mission locale de Lens", "type": "mission_locale"}
CONTACT = {"nom": "Durand", "role": "conseiller"}


def _eligibilite(ctx):
    return {"beneficiaire": _dans(ctx, BeneficiaireFactory).pk, "criteres": ["rsa"], "date_validation": "2026-03-01"}


def _contrat(ctx):
    return {
        "beneficiaire": _dans(ctx, BeneficiaireFactory).pk,
        "entreprise": _entreprise(ctx).pk,
        "type_contrat": "cdd",
        "date_debut": "2026-03-01",
    }


def _sortie(ctx):
    return {"contrat": _contrat_propre(ctx).pk, "date": "2026-08-01", "moment": "fin_contrat", "situation": "autre"}


def _positionnement(ctx):
    return {"beneficiaire": _dans(ctx, BeneficiaireFactory).pk, "entreprise": _entreprise(ctx).pk}


EMBAUCHE = {"type_contrat": "cdi", "date_debut": "2026-04-01"}
CONTRAT_PAGE = {"modalite": "embauche_directe", "type_contrat": "cdd", "date_debut": "2026-03-01"}

MATRICE = [
    # Prescribers
    Cas("prescripteurs", "GET", INTERNE, kwargs=dans_a),
    Cas("prescripteur_creer", "GET", EDITION, kwargs=dans_a),
    Cas("prescripteur_creer", "POST", EDITION_POST, kwargs=dans_a, data=lambda ctx: PRESCRIPTEUR),
    Cas("prescripteur", "GET", INTERNE, kwargs=pk(fab(PrescripteurFactory))),
    Cas("prescripteur_modifier", "GET", EDITION, kwargs=pk(fab(PrescripteurFactory))),
    Cas(
        "prescripteur_modifier", "POST", EDITION_POST, kwargs=pk(fab(PrescripteurFactory)), data=lambda c: PRESCRIPTEUR
    ),
    Cas("prescripteur_supprimer", "GET", EDITION, kwargs=pk(fab(PrescripteurFactory))),
    Cas("prescripteur_supprimer", "POST", EDITION_POST, kwargs=pk(fab(PrescripteurFactory))),
    Cas("contact_prescripteur_creer", "GET", EDITION, kwargs=pk(fab(PrescripteurFactory))),
    Cas(
        "contact_prescripteur_creer", "POST", EDITION_POST, kwargs=pk(fab(PrescripteurFactory)), data=lambda c: CONTACT
    ),
    Cas("contact_prescripteur_modifier", "GET", EDITION, kwargs=pk(fab(ContactPrescripteurFactory))),
    Cas(
        "contact_prescripteur_modifier",
        "POST",
        EDITION_POST,
        kwargs=pk(fab(ContactPrescripteurFactory)),
        data=lambda c: CONTACT,
    ),
    Cas("contact_prescripteur_supprimer", "GET", EDITION, kwargs=pk(fab(ContactPrescripteurFactory))),
    Cas("contact_prescripteur_supprimer", "POST", EDITION_POST, kwargs=pk(fab(ContactPrescripteurFactory))),
    # People
    Cas("beneficiaires", "GET", INTERNE, kwargs=dans_a),
    Cas("beneficiaire_creer", "GET", EDITION, kwargs=dans_a),
    Cas("beneficiaire_creer", "POST", EDITION_POST, kwargs=dans_a, data=lambda ctx: PERSONNE),
    Cas("doublons", "GET", INTERNE, kwargs=dans_a),
    Cas("beneficiaire", "GET", INTERNE, kwargs=pk(_employe)),
    Cas("beneficiaire_modifier", "GET", EDITION, kwargs=pk(fab(BeneficiaireFactory))),
    Cas("beneficiaire_modifier", "POST", EDITION_POST, kwargs=pk(fab(BeneficiaireFactory)), data=lambda c: PERSONNE),
    Cas("beneficiaire_supprimer", "GET", EDITION, kwargs=pk(fab(BeneficiaireFactory))),
    Cas("beneficiaire_supprimer", "POST", EDITION_POST, kwargs=pk(fab(BeneficiaireFactory))),
    Cas("beneficiaire_export", "GET", INTERNE, kwargs=pk(_employe)),
    Cas("beneficiaire_fusion", "GET", EDITION, kwargs=pk(fab(BeneficiaireFactory))),
    Cas(
        "beneficiaire_fusion",
        "POST",
        [R, N, 400, 400, F, F, F],  # no duplicate chosen: the form answers 400 to the allowed roles
        kwargs=pk(fab(BeneficiaireFactory)),
    ),
    # Eligibility
    Cas("eligibilite_creer", "GET", EDITION, kwargs=pk(fab(BeneficiaireFactory))),
    Cas(
        "eligibilite_creer",
        "POST",
        EDITION_POST,
        kwargs=pk(fab(BeneficiaireFactory)),
        data=lambda c: {"criteres": ["rsa"], "base": "criteres", "date_validation": "2026-03-01"},
    ),
    Cas("eligibilites_echeances", "GET", INTERNE, kwargs=dans_a),
    Cas("eligibilite_valider", "POST", EDITION_POST, kwargs=pk(fab(EligibiliteFactory, a_valider=True))),
    Cas("eligibilite_justificatif", "GET", INTERNE, kwargs=pk(fab(EligibiliteFactory, a_valider=True))),
    Cas("eligibilite_supprimer", "GET", EDITION, kwargs=pk(fab(EligibiliteFactory))),
    Cas("eligibilite_supprimer", "POST", EDITION_POST, kwargs=pk(fab(EligibiliteFactory))),
    Cas("criteres", "GET", INTERNE, kwargs=dans_a),
    Cas("fiche_prescription", "GET", INTERNE, kwargs=dans_a),
    Cas("critere_modifier", "GET", EDITION, kwargs=lambda ctx: dans_a(ctx, pk=_premier_critere(ctx))),
    Cas(
        "critere_modifier",
        "POST",
        EDITION_POST,
        kwargs=lambda ctx: dans_a(ctx, pk=_premier_critere(ctx)),
        data=lambda c: {"libelle": "Demandeur d'emploi de longue durée", "actif": "on", "ordre": 0},
    ),
    # Positionings, contracts, outcomes
    Cas("positionnement_creer", "GET", EDITION, kwargs=pk(fab(BeneficiaireFactory))),
    Cas(
        "positionnement_creer",
        "POST",
        EDITION_POST,
        kwargs=pk(fab(BeneficiaireFactory)),
        data=lambda c: {"entreprise": _entreprise(c).pk, "date": "2026-03-01", "statut": "propose"},
    ),
    Cas("positionnement_modifier", "GET", EDITION, kwargs=pk(fab(PositionnementFactory))),
    Cas(
        "positionnement_modifier",
        "POST",
        EDITION_POST,
        kwargs=pk(fab(PositionnementFactory)),
        data=lambda c: {"entreprise": _entreprise(c).pk, "date": "2026-03-01", "statut": "entretien"},
    ),
    Cas("positionnement_embaucher", "GET", EDITION, kwargs=pk(fab(PositionnementFactory))),
    Cas(
        "positionnement_embaucher",
        "POST",
        EDITION_POST,
        kwargs=pk(fab(PositionnementFactory)),
        data=lambda c: {"modalite": "embauche_directe", "type_contrat": "cdi", "date_debut": "2026-04-01"},
    ),
    Cas("positionnement_supprimer", "GET", EDITION, kwargs=pk(fab(PositionnementFactory))),
    Cas("positionnement_supprimer", "POST", EDITION_POST, kwargs=pk(fab(PositionnementFactory))),
    Cas("contrats", "GET", CONTRATS, kwargs=dans_a),
    Cas("contrat_creer", "GET", EDITION, kwargs=pk(fab(BeneficiaireFactory))),
    Cas(
        "contrat_creer",
        "POST",
        EDITION_POST,
        kwargs=pk(fab(BeneficiaireFactory)),
        data=lambda c: {**CONTRAT_PAGE, "entreprise": _entreprise(c).pk},
    ),
    Cas("contrat_modifier", "GET", EDITION, kwargs=pk(_contrat_propre)),
    Cas(
        "contrat_modifier",
        "POST",
        EDITION_POST,
        kwargs=pk(_contrat_propre),
        data=lambda c: {**CONTRAT_PAGE, "entreprise": _entreprise(c).pk},
    ),
    Cas("contrat_supprimer", "GET", EDITION, kwargs=pk(_contrat_propre)),
    Cas("contrat_supprimer", "POST", EDITION_POST, kwargs=pk(_contrat_propre)),
    Cas("sortie_creer", "GET", EDITION, kwargs=pk(_contrat_propre)),
    Cas(
        "sortie_creer",
        "POST",
        EDITION_POST,
        kwargs=pk(_contrat_propre),
        data=lambda c: {"date": "2026-08-01", "moment": "fin_contrat", "situation": "emploi_durable"},
    ),
    Cas("sorties_a_saisir", "GET", INTERNE, kwargs=dans_a),
    Cas("sortie_supprimer", "GET", EDITION, kwargs=pk(fab(SortieFactory))),
    Cas("sortie_supprimer", "POST", EDITION_POST, kwargs=pk(fab(SortieFactory))),
    # Personal data, admins
    Cas("journal_acces", "GET", PAGE_ADMIN, kwargs=dans_a),
    Cas("conservation", "GET", PAGE_ADMIN, kwargs=dans_a),
    Cas("conservation", "POST", [R, N, R, F, F, F, F], kwargs=dans_a, data=lambda c: {"confirmer": "on"}),
    # API
    Cas("api:prescripteur-list", "GET", API_INTERNE, kwargs=dans_a, api=True),
    Cas("api:prescripteur-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=lambda c: PRESCRIPTEUR),
    Cas("api:prescripteur-detail", "GET", API_INTERNE, kwargs=pk(fab(PrescripteurFactory)), api=True),
    Cas(
        "api:prescripteur-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(fab(PrescripteurFactory)),
        api=True,
        data=lambda c: {"commune": "Lens"},
    ),
    Cas("api:prescripteur-detail", "DELETE", API_SUPPRESSION, kwargs=pk(fab(PrescripteurFactory)), api=True),
    Cas("api:beneficiaire-list", "GET", API_CONTRATS, kwargs=dans_a, api=True),
    Cas("api:beneficiaire-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=lambda c: PERSONNE),
    Cas("api:beneficiaire-detail", "GET", API_CONTRATS, kwargs=pk(_employe), api=True),
    Cas("api:beneficiaire-detail", "GET", API_CONTRATS_AUTRE, kwargs=pk(fab(BeneficiaireFactory)), api=True),
    Cas(
        "api:beneficiaire-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(fab(BeneficiaireFactory)),
        api=True,
        data=lambda c: {"commune": "Liévin"},
    ),
    Cas("api:beneficiaire-detail", "DELETE", API_SUPPRESSION, kwargs=pk(fab(BeneficiaireFactory)), api=True),
    Cas("api:beneficiaire-export", "GET", API_INTERNE, kwargs=pk(_employe), api=True),
    Cas(
        "api:beneficiaire-fusionner",
        "POST",
        API_INTERNE,
        kwargs=pk(fab(BeneficiaireFactory, nom="Double", prenom="Jean")),
        api=True,
        data=lambda c: {"doublon": _dans(c, BeneficiaireFactory, nom="Double", prenom="Jean").pk},
    ),
    Cas("api:eligibilite-list", "GET", API_INTERNE, kwargs=dans_a, api=True),
    Cas("api:eligibilite-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=_eligibilite),
    Cas("api:eligibilite-detail", "GET", API_INTERNE, kwargs=pk(fab(EligibiliteFactory)), api=True),
    Cas(
        "api:eligibilite-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(fab(EligibiliteFactory)),
        api=True,
        data=lambda c: {"criteres": ["rsa"]},
    ),
    Cas("api:eligibilite-detail", "DELETE", API_SUPPRESSION, kwargs=pk(fab(EligibiliteFactory)), api=True),
    Cas("api:eligibilite-valider", "POST", API_INTERNE, kwargs=pk(fab(EligibiliteFactory, a_valider=True)), api=True),
    Cas(
        "api:eligibilite-justificatif", "GET", API_INTERNE, kwargs=pk(fab(EligibiliteFactory, a_valider=True)), api=True
    ),
    Cas("api:positionnement-list", "GET", API_INTERNE, kwargs=dans_a, api=True),
    Cas("api:positionnement-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=_positionnement),
    Cas("api:positionnement-detail", "GET", API_INTERNE, kwargs=pk(fab(PositionnementFactory)), api=True),
    Cas(
        "api:positionnement-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(fab(PositionnementFactory)),
        api=True,
        data=lambda c: {"statut": "entretien"},
    ),
    Cas("api:positionnement-detail", "DELETE", API_SUPPRESSION, kwargs=pk(fab(PositionnementFactory)), api=True),
    Cas(
        "api:positionnement-embaucher",
        "POST",
        API_ACTION_CREATION,
        kwargs=pk(fab(PositionnementFactory)),
        api=True,
        data=lambda c: EMBAUCHE,
    ),
    Cas("api:contrat-list", "GET", API_CONTRATS, kwargs=dans_a, api=True),
    Cas("api:contrat-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=_contrat),
    Cas("api:contrat-detail", "GET", API_CONTRATS, kwargs=pk(_contrat_propre), api=True),
    Cas("api:contrat-detail", "GET", API_CONTRATS_AUTRE, kwargs=pk(fab(ContratFactory)), api=True),
    Cas(
        "api:contrat-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(_contrat_propre),
        api=True,
        data=lambda c: {"date_fin": "2026-12-31"},
    ),
    Cas("api:contrat-detail", "DELETE", API_SUPPRESSION, kwargs=pk(_contrat_propre), api=True),
    Cas("api:sortie-list", "GET", API_INTERNE, kwargs=dans_a, api=True),
    Cas("api:sortie-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=_sortie),
    Cas("api:sortie-detail", "GET", API_INTERNE, kwargs=pk(fab(SortieFactory)), api=True),
    Cas(
        "api:sortie-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(fab(SortieFactory)),
        api=True,
        data=lambda c: {"situation": "emploi_durable"},
    ),
    Cas("api:sortie-detail", "DELETE", API_SUPPRESSION, kwargs=pk(fab(SortieFactory)), api=True),
    Cas("api:acces-donnees-list", "GET", API_ADMIN, kwargs=dans_a, api=True),
]


def _premier_critere(ctx):
    from publics.models import CritereEligibilite

    with ctx.a.scope():
        return CritereEligibilite.objects.filter(guichet=ctx.a.guichet).order_by("pk").first().pk
