"""The permission matrix: (named URL, method) × role → expected status, for every URL of the site.

Rows live beside each app's tests (``tests/<app>/matrice.py``); a URL added without its rows makes
``test_every_named_url_is_in_the_matrix`` fail.
"""

import importlib
import pkgutil

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


def _named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_urls(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_named_url_is_in_the_matrix():
    missing = set(_named_urls()) - {cas.name for cas in MATRICE}
    assert not missing, f"URLs sans ligne dans la matrice des permissions : {sorted(missing)}"


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


@pytest.mark.parametrize(("cas", "role", "expected"), CASES, ids=[f"{c.method}-{c.name}-{r}" for c, r, _ in CASES])
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
