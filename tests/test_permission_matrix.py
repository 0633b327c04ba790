"""The permission matrix: (named URL, method) × role → expected status, for every URL of the site.

Rows live beside each app's tests (``tests/<app>/matrice.py``); a URL added without its rows makes
``test_every_named_url_is_in_the_matrix`` fail, and a URL without a name of its own (which no row could reach)
makes ``test_every_url_has_a_name_of_its_own`` fail. The API's routes (DRF router: lists, details, actions) are
named URLs like the pages. At the end of a run that executed the matrix, pytest prints its count (``resume``,
called from tests/conftest.py).
"""

import importlib
import pkgutil
from collections import Counter

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from guichet.enums import Role

from .conftest import peupler
from .permissions import COLONNES, Contexte


def _matrice():
    rows = []
    for module in pkgutil.iter_modules(tests.__path__):
        if module.ispkg:
            try:
                rows += importlib.import_module(f"tests.{module.name}.matrice").MATRICE
            except ModuleNotFoundError as error:
                if error.name != f"tests.{module.name}.matrice":
                    raise
    return rows


MATRICE = _matrice()
CASES = [(cas, role, status) for cas in MATRICE for role, status in zip(COLONNES, cas.statuses, strict=True)]


def _ids(cases):
    """One test id per case, unique even when a (URL, method) has several rows (different data)."""
    vus = Counter()
    ids = []
    for cas, role, _ in cases:
        base = f"{cas.method}-{cas.name}-{role}"
        vus[base] += 1
        ids.append(base if vus[base] == 1 else f"{base}-{vus[base]}")
    return ids


IDS = _ids(CASES)
CAS_PAR_ID = dict(zip(IDS, CASES, strict=True))


def _url_patterns(resolver=None, namespace="", prefix=""):
    """Every URL pattern of the site, with its full name (``None`` when unnamed) and its full route."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_patterns(pattern, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield (namespace + pattern.name if pattern.name else None), prefix + str(pattern.pattern)


def _routes():
    return {name: route for name, route in _url_patterns() if name}


def test_every_named_url_is_in_the_matrix():
    missing = set(_routes()) - {cas.name for cas in MATRICE}
    assert not missing, f"URLs sans ligne dans la matrice des permissions : {sorted(missing)}"


def test_every_url_has_a_name_of_its_own():
    """The matrix reaches URLs by name: an unnamed pattern, or a second pattern under a name already taken (a
    router's format-suffix variant ``.json``, a path declared twice), would escape it."""
    patterns = list(_url_patterns())
    unnamed = [route for name, route in patterns if name is None]
    assert not unnamed, f"URLs sans nom (hors de portée de la matrice) : {unnamed}"
    doubles = [name for name, count in Counter(name for name, _ in patterns).items() if count > 1]
    assert not doubles, f"Noms portés par plusieurs URLs : {doubles}"


def test_every_api_route_is_in_the_matrix():
    """The API router's routes (lists, details, @action) are reached by the walk above, hence covered."""
    from guichet.api.urls import router

    routes = _routes()
    router_names = {f"api:{url.name}" for url in router.urls}
    assert router_names, "le routeur de l'API n'a aucune route"
    assert router_names <= set(routes), sorted(router_names - set(routes))
    assert all(routes[name].startswith("api/v1/guichets/<slug:guichet_slug>/") for name in router_names)
    assert router_names <= {cas.name for cas in MATRICE}


def resume(ids) -> str:
    """The count printed at the end of a run: cases executed, named URLs and roles they cover, and the cases where
    the admin of the other guichet (B) aims at guichet A's URLs and objects."""
    ran = [CAS_PAR_ID[i] for i in ids if i in CAS_PAR_ID]
    routes = _routes()
    etrangers = [
        (cas, attendu) for cas, role, attendu in ran if role == "etranger" and "<slug:guichet_slug>" in routes[cas.name]
    ]
    sur_un_objet = [cas for cas, _ in etrangers if routes[cas.name].count("<") > 1]
    return (
        f"Matrice des permissions : {len(ran)} cas ({len({c.name for c, _, _ in ran})} adresses, "
        f"{len({(c.name, c.method) for c, _, _ in ran})} couples adresse × méthode, {len({r for _, r, _ in ran})} "
        f"rôles) ; l'administrateur d'un autre guichet vise {len(etrangers)} fois le guichet A "
        f"({sum(1 for _, attendu in etrangers if attendu == 404)} réponses 404 attendues), "
        f"dont {len(sur_un_objet)} fois un objet précis (identifiant dans l'adresse)"
    )


def test_the_matrix_has_a_column_for_every_role():
    assert set(COLONNES) == {"anonyme", "etranger", *Role.values}


@pytest.fixture(scope="module")
def territoires(django_db_setup, django_db_blocker):
    """The two populated guichets, made once for the whole matrix (a thousand cases): inside a transaction
    rolled back at the end, as Django's ``TestCase.setUpTestData``; each case still runs in its own
    savepoint, so what one case writes is gone before the next."""
    with django_db_blocker.unblock():
        bloc = transaction.atomic()
        bloc.__enter__()
        try:
            yield peupler("guichet-a", "Guichet A"), peupler("guichet-b", "Guichet B")
        finally:
            transaction.set_rollback(True)
            bloc.__exit__(None, None, None)


@pytest.mark.parametrize(("cas", "role", "expected"), CASES, ids=IDS)
def test_permission_matrix(cas, role, expected, client, territoires, db):
    a, b = territoires
    ctx = Contexte(a, b)
    if role == "etranger":
        client.force_login(b.membres[Role.ADMIN].utilisateur)
    elif role != "anonyme":
        client.force_login(a.membres[role].utilisateur)
    url = reverse(cas.name, kwargs=cas.kwargs(ctx) or None)
    data = cas.data(ctx)
    send = getattr(client, cas.method.lower())
    if cas.multipart:
        response = send(url, data=data or {})
    elif cas.api and cas.method in {"POST", "PATCH", "PUT"}:
        response = send(url, data=data or {}, content_type="application/json")
    elif cas.method == "POST":
        response = send(url, data=data or {})
    else:
        response = send(url)
    assert response.status_code == expected, (role, cas.name, cas.method, response.content[:300])
