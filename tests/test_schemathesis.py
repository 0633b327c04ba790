"""Fuzzing of the REST API (issue 10, point 3): schemathesis reads the OpenAPI schema that drf-spectacular serves at
``/api/v1/schema/`` and sends, for every operation, requests generated from it (valid ones and invalid ones) to the
application, in-process (WSGI), authenticated by token as a member of a populated guichet (the demo territory,
loaded into the test database, which the suite creates and destroys).

Every answer must be: never a server error (5xx), a status code the schema documents, the content type it
documents, and a body that matches the documented schema. Each case runs in a savepoint rolled back after the
call, so that every case meets the same guichet (a DELETE does not take the objects away from the next cases).

Generation is derandomized (a fixed seed per operation), so CI always explores the same cases; ``MAX_EXEMPLES``
bounds its time. The figure printed at the end: « Schemathesis : N cas sur M opérations, 0 erreur serveur »."""

import os
from collections import Counter

import hypothesis.strategies as st
import pytest
import schemathesis
from django.core import signals
from django.core.files.base import ContentFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.pytest.lazy import get_all_tests
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from acheteurs import demo as acheteurs_demo
from acheteurs.models import Acheteur, Programmation
from conventions import demo as conventions_demo
from conventions.models import DocumentEvenement
from entreprises import decompte
from entreprises import demo as entreprises_demo
from entreprises.models import Entreprise, LigneReleve
from guichet.api.urls import router
from guichet.enums import Role
from guichet.models import Tache
from marches import demo as marches_demo
from marches.models import Consideration, Lot, Marche, Operation
from publics import demo as publics_demo
from publics.models import Beneficiaire, Contrat, Prescripteur

from .chiffres import publier
from .conftest import peupler
from .factories import (
    BilanFactory,
    ConventionFactory,
    DocumentEvenementFactory,
    EligibiliteFactory,
    ExportFactory,
)

# Per role: the examples of the fuzzing phase for each operation, and the operations fuzzed (``None``: all). The
# facilitator reaches every operation but the settings, members and logs, which the admin pass covers; a company
# member mostly meets 403 and 404, which must be documented too. About 1 700 cases: two minutes on the CI machine.
# ``SCHEMATHESIS_COMPLET=1`` adds schemathesis' coverage phase (every boundary value, missing field and wrong type of
# every parameter) and 25 examples per operation: about 38 500 cases, a quarter of an hour, to run before a release.
COMPLET = os.environ.get("SCHEMATHESIS_COMPLET") == "1"
ROLES = {
    Role.FACILITATEUR: (25 if COMPLET else 8, None),
    Role.ENTREPRISE: (25 if COMPLET else 3, None),
    Role.ADMIN: (25 if COMPLET else 10, r"/(parametres|membres|journal|acces-donnees)/"),
}
VERIFICATIONS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Body fields that name an object of the guichet: the fuzzer draws them from the objects that exist as well as at
# random, so that the requests go past "this id does not exist" into the services' rules.
CLES_ETRANGERES = {
    "acheteur": Acheteur,
    "acheteurs": Acheteur,
    "programmation": Programmation,
    "operation": Operation,
    "marche": Marche,
    "lot": Lot,
    "consideration": Consideration,
    "entreprise": Entreprise,
    "sous_traitant": Entreprise,
    "structure": Entreprise,
    "beneficiaire": Beneficiaire,
    "doublon": Beneficiaire,
    "prescripteur_organisme": Prescripteur,
    "contrat": Contrat,
    "ligne": LigneReleve,
}

CAS = Counter()  # operation label -> cases sent
ERREURS_SERVEUR = Counter()


def peupler_demo(territoire):
    """The demo territory's data (buyers, conventions, marchés, companies, people, a year of relevés, the ledger)
    in ``territoire``'s guichet, its company member's company holding lots; a bilan, an export and their tasks."""
    guichet, aujourdhui = territoire.guichet, timezone.localdate()
    with territoire.scope(), decompte.declencheurs_suspendus():
        acheteurs = acheteurs_demo.charger(guichet=guichet, aujourdhui=aujourdhui)
        conventions_demo.charger(guichet=guichet, acheteurs=acheteurs, aujourdhui=aujourdhui)
        marches_demo.charger(
            guichet=guichet,
            acheteurs=acheteurs,
            entreprise_membre=territoire.membres[Role.ENTREPRISE].entreprise,
            aujourdhui=aujourdhui,
        )
        publics_demo.charger(guichet=guichet, aujourdhui=aujourdhui)
        entreprises_demo.charger(guichet=guichet, aujourdhui=aujourdhui)
        decompte.guichet_recalculer(guichet)
        # Files to download: a bilan, an export, a task's output, a signed convention, a proof, an event's document.
        facilitateur = territoire.membres[Role.FACILITATEUR].utilisateur
        BilanFactory(guichet=guichet, pret=True, demandeur=facilitateur)
        ExportFactory(guichet=guichet, pret=True, demandeur=facilitateur)
        Tache.objects.create(
            guichet=guichet,
            type="journal_export",
            libelle="Export du journal",
            etat="termine",
            progression=100,
            cree_par=facilitateur,
            fichier=ContentFile(b"quand;qui\r\n", name="journal.csv"),
        )
        ConventionFactory(guichet=guichet, acheteur=acheteurs[0], avec_document=True)
        EligibiliteFactory(guichet=guichet, a_valider=True)
        DocumentEvenementFactory(guichet=guichet)


def identifiants(territoire):
    """The ids of the guichet's objects: by route prefix (path parameters) and by body field name."""
    with territoire.scope():
        par_route = {
            prefixe: list(viewset.serializer_class.Meta.model.objects.order_by("pk").values_list("pk", flat=True))
            for prefixe, viewset, _ in router.registry
            if hasattr(viewset.serializer_class, "Meta")
        }
        par_route["documents"] = list(DocumentEvenement.objects.order_by("pk").values_list("pk", flat=True))
        par_route["taches"] = [str(pk) for pk in Tache.objects.order_by("cree_le").values_list("pk", flat=True)]
        par_champ = {
            champ: list(modele.objects.order_by("pk").values_list("pk", flat=True))
            for champ, modele in CLES_ETRANGERES.items()
        }
    return par_route, par_champ


@pytest.fixture
def requetes_en_place():
    """Requests sent in-process run inside the test's transaction: Django must not close the connection at the
    start and end of each request (what its own test client does for the same reason)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=list(ROLES), ids=str)
def api_fuzzee(request, db, requetes_en_place):
    territoire = peupler("plie-metropole", "PLIE de la Métropole")
    peupler("mde-vallee", "Maison de l'emploi de la Vallée")  # another guichet, never reached
    peupler_demo(territoire)
    par_route, par_champ = identifiants(territoire)
    membre = territoire.membres[request.param]
    exemples, chemins = ROLES[request.param]
    token, _ = Token.objects.get_or_create(user=membre.utilisateur)
    config = schemathesis.Config.from_dict(
        {
            "seed": 20260310,
            "parameters": {"guichet_slug": territoire.slug},
            "headers": {"Authorization": f"Token {token.key}"},
            "generation": {"max-examples": exemples, "deterministic": True, "database": "none"},
            "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": COMPLET}},
        }
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application(), config=config)
    if chemins:
        schema = schema.include(path_regex=chemins)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        chemin = context.operation.path
        tires = {}
        if "{id}" in chemin:
            prefixe = chemin.split("{guichet_slug}/", 1)[1].split("/", 1)[0]
            if par_route.get(prefixe):
                tires["id"] = st.sampled_from(par_route[prefixe])
        if "{document_pk}" in chemin and par_route["documents"]:
            tires["document_pk"] = st.sampled_from([str(pk) for pk in par_route["documents"]])
        if not tires:
            return st.just(path_parameters)
        # Half the time an existing object, half the time whatever was generated.
        choix = {cle: st.one_of(st.just(path_parameters.get(cle)), tirage) for cle, tirage in tires.items()}
        return st.fixed_dictionaries(choix).map(lambda valeurs: {**path_parameters, **valeurs})

    @schema.hook
    def flatmap_body(context, body):
        if not isinstance(body, dict):
            return st.just(body)
        choix = {}
        for cle, valeur in body.items():
            ids = par_champ.get(cle)
            if not ids:
                continue
            if isinstance(valeur, int) and not isinstance(valeur, bool):
                choix[cle] = st.one_of(st.just(valeur), st.sampled_from(ids))
            elif isinstance(valeur, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in valeur):
                choix[cle] = st.one_of(st.just(valeur), st.lists(st.sampled_from(ids), max_size=3))
        if not choix:
            return st.just(body)
        return st.fixed_dictionaries(choix).map(lambda valeurs: {**body, **valeurs})

    return schema


def verifier(case):
    """One generated request: sent in a savepoint rolled back at once, then its answer checked."""
    with transaction.atomic():
        try:
            response = case.call()
        finally:
            transaction.set_rollback(True)
    CAS[case.operation.label] += 1
    if response.status_code >= 500:
        ERREURS_SERVEUR[case.operation.label] += 1
    case.validate_response(response, checks=VERIFICATIONS)


def test_every_api_operation_answers_without_server_error_and_as_its_schema_says(api_fuzzee):
    # schemathesis' own pytest wrapper (``from_fixture(...).parametrize()``) names its sub-tests through an attribute
    # pytest 9 no longer has: the same tests (explicit examples, coverage edge cases, fuzzing) are run here, one
    # operation after the other, and every operation's failure is reported at the end.
    echecs = []
    for resultat in get_all_tests(schema=api_fuzzee, test_func=verifier, settings=None, given_kwargs={}):
        if not isinstance(resultat, Ok):
            echecs.append(f"Schéma invalide : {resultat.err()}")
            continue
        operation, test = resultat.ok()
        try:
            test()
        except (Exception, BaseExceptionGroup) as erreur:  # a check's failures come as a BaseExceptionGroup
            echecs.append(f"{operation.label} : {erreur}")
    publier(
        "schemathesis",
        f"Schemathesis : {CAS.total()} cas sur {len(CAS)} opérations, "
        f"{ERREURS_SERVEUR.total()} erreur{'s' if ERREURS_SERVEUR.total() > 1 else ''} serveur",
    )
    assert not echecs, f"{len(echecs)} opération(s) en échec :\n\n" + "\n\n".join(echecs)
