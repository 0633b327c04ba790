"""Row-level security on a real dataset: the demonstration territory (two guichets, every app's data, the ledger),
loaded by ``seed_demo`` **as the application's role**, then read back as that role with raw SQL, the pages and the
API (guichet/rls.py).

The dataset is loaded once for the module and committed (the application connects as its own role, so it cannot
share the test's transaction); the module empties the database before and after, as a transactional test would.
"""

import io
from dataclasses import dataclass

import psycopg
import pytest
from django.core.management import call_command
from django.urls import URLPattern, get_resolver, reverse

from guichet.api.urls import router
from guichet.models import Guichet

from ..conftest import EN_ROLE_APPLICATION, connecte_en, url_base
from .test_rls import tables_des_guichets

# These tests compare what the owner sees with what the application's role sees: they connect as the owner first.
pytestmark = pytest.mark.skipif(EN_ROLE_APPLICATION, reason="compare le propriétaire et le rôle de l'application")

A, B = "plie-metropole", "mde-vallee"


@dataclass
class Demo:
    role: dict
    proprietaire: str  # URL of the test database as the owner
    application: str  # … as the application's role
    ids: dict  # slug → guichet id

    def compter(self, url, table, reglage=None, condition="true"):
        with psycopg.connect(url) as conn:
            if reglage is not None:
                conn.execute("SELECT set_config('app.guichet_id', %s, true)", [str(reglage)])
            return conn.execute(f"SELECT count(*) FROM {table} WHERE {condition}").fetchone()[0]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, role_application):
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        with connecte_en(role_application):
            call_command("seed_demo", stdout=io.StringIO())
        ids = dict(Guichet.objects.values_list("slug", "pk"))
        yield Demo(role_application, url_base(), url_base(role_application), ids)
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def en_application(demo, django_db_blocker):
    """The test's Django connection logged in as the application's role."""
    with django_db_blocker.unblock(), connecte_en(demo.role):
        yield demo


def test_the_demo_loaded_as_the_application_role_fills_both_guichets(demo):
    remplies = [t for t in tables_des_guichets() if demo.compter(demo.proprietaire, t) > 0]
    assert len(remplies) >= 25, remplies
    for table in ("publics_beneficiaire", "entreprises_allocation", "entreprises_suivilot", "guichet_membre"):
        for slug in (A, B):
            assert demo.compter(demo.proprietaire, table, condition=f"guichet_id = {demo.ids[slug]}") > 0, table


def test_raw_sql_as_the_application_role_without_a_guichet_sees_no_row_of_any_tenant_table(demo):
    tables = tables_des_guichets()
    existantes = {t: demo.compter(demo.proprietaire, t) for t in tables}
    visibles = {t: demo.compter(demo.application, t) for t in tables}
    assert sum(existantes.values()) > 1000
    assert visibles == dict.fromkeys(tables, 0)
    print(f"\nRLS : {len(tables)} tables, {sum(existantes.values())} lignes, 0 visible sans guichet")


def test_raw_sql_under_guichet_a_sees_exactly_the_rows_of_guichet_a(demo):
    a, b = demo.ids[A], demo.ids[B]
    for table in tables_des_guichets():
        attendues = demo.compter(demo.proprietaire, table, condition=f"guichet_id = {a}")
        assert demo.compter(demo.application, table, reglage=a) == attendues, table
        assert demo.compter(demo.application, table, reglage=a, condition=f"guichet_id = {b}") == 0, table


def test_pages_of_the_guichet_answer_as_the_application_role(en_application, client):
    """Every page of a guichet that takes no other argument, for its admin: the whole page machinery (middleware,
    selectors, dashboards, templates) works under the policy."""
    client.force_login(_utilisateur("admin@metropole.demo"))
    pages = [p for p in get_resolver(None).url_patterns if getattr(p.pattern, "_route", None) == "<slug:guichet_slug>/"]
    noms = sorted(_noms_sans_argument(pages[0].url_patterns))
    statuts = {nom: client.get(reverse(nom, kwargs={"guichet_slug": A})).status_code for nom in noms}
    # 403: a page of another role (the company's own space); 405: a POST-only action.
    assert set(statuts.values()) <= {200, 302, 403, 405}, statuts
    assert list(statuts.values()).count(200) >= 20, statuts
    assert client.get(reverse("guichet_accueil", kwargs={"guichet_slug": B})).status_code == 404


def test_my_guichets_as_the_application_role_leads_to_the_members_guichet(en_application, client):
    client.force_login(_utilisateur("facilitateur@vallee.demo"))
    response = client.get(reverse("mes_guichets"))
    assert response.status_code == 302
    assert response.url == reverse("guichet_accueil", kwargs={"guichet_slug": B})


def test_api_lists_as_the_application_role_hold_only_rows_of_the_members_guichet(en_application, client):
    client.force_login(_utilisateur("admin@metropole.demo"))
    a = en_application.ids[A]
    lues = 0
    for prefix, viewset, basename in router.registry:
        if not hasattr(viewset, "list"):  # taches/: no list, each task is read by its id
            continue
        model = viewset.serializer_class.Meta.model
        response = client.get(reverse(f"api:{basename}-list", kwargs={"guichet_slug": A}), {"page_size": 200})
        assert response.status_code == 200, (prefix, response.content[:200])
        ids = [str(row["id"]) for row in response.json()["results"]]
        if ids:
            table = model._meta.db_table
            condition = f"id::text = ANY(ARRAY[{', '.join(repr(i) for i in ids)}]) AND guichet_id <> {a}"
            assert en_application.compter(en_application.proprietaire, table, condition=condition) == 0, prefix
            lues += len(ids)
    assert lues > 100


def test_api_writes_as_the_application_role_land_in_the_members_guichet(en_application, client):
    client.force_login(_utilisateur("admin@metropole.demo"))
    response = client.post(
        reverse("api:acheteur-list", kwargs={"guichet_slug": A}),
        {"nom": "Syndicat des eaux RLS", "type": "epci"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    condition = f"id = {response.json()['id']} AND guichet_id = {en_application.ids[A]}"
    assert en_application.compter(en_application.proprietaire, "acheteurs_acheteur", condition=condition) == 1


def _utilisateur(email):
    from guichet.models import Utilisateur

    return Utilisateur.objects.get(email=email)


def _noms_sans_argument(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            if pattern.name and not pattern.pattern.converters:
                yield pattern.name
        else:
            yield from _noms_sans_argument(pattern.url_patterns)
