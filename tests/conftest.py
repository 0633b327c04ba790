"""Fixtures: every test that touches data sees two populated guichets, A (ours) and B (the other one)."""

import os
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from hypothesis import settings as hypothesis_settings

from guichet import rls
from guichet.enums import Role
from guichet.tenancy import guichet_scope

from .factories import MOT_DE_PASSE, GuichetFactory, MembreFactory

ROLES = [r.value for r in Role]
ROOT = Path(__file__).resolve().parents[1]

# In CI the property tests explore a fixed set of examples, so a red CI always means a change broke
# something; locally they explore new random examples at each run (and keep failures in .hypothesis/).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def outil_manquant(message):
    """A system tool a test needs is missing: skipped on a developer's machine, a failure in CI (``.ci/run``
    installs every tool, so there its absence is a broken setup, not a reason to test less)."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Territoire:
    guichet: object
    membres: dict = field(default_factory=dict)

    @property
    def slug(self):
        return self.guichet.slug

    def scope(self):
        return guichet_scope(self.guichet.pk)


def peupler(slug, nom):
    guichet = GuichetFactory(slug=slug, nom=nom)
    territoire = Territoire(guichet)
    with territoire.scope():
        for role in ROLES:
            traits = {"acheteur_lie": role == Role.ACHETEUR, "entreprise_liee": role == Role.ENTREPRISE}
            territoire.membres[role] = MembreFactory(
                guichet=guichet, role=role, utilisateur__email=f"{role}@{slug}.test", **traits
            )
    return territoire


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The suite connects as the owner of the tables (DATABASE_OWNER_URL, when there is one): it creates the test
    database, migrates it, and empties it after each transactional test with TRUNCATE, which the application's
    role may not run (guichet/rls.py). The tests of tests/guichet/test_rls.py connect as the application's role."""
    if settings.DATABASE_OWNER:
        connections["default"].close()
        connections["default"].settings_dict.update(settings.DATABASE_OWNER)


@pytest.fixture(scope="session")
def role_application(django_db_setup, django_db_blocker):
    """``{"USER", "PASSWORD"}`` of the application's role on the test database: DATABASE_URL's own when
    DATABASE_OWNER_URL sets it apart (make test, CI; `migrate` created it); else, with a single superuser URL, the
    role ``clauses_app``, made here as `migrate` would."""
    with django_db_blocker.unblock():
        if settings.DATABASE_OWNER and settings.DATABASE_APP["USER"] != connection.settings_dict["USER"]:
            role = dict(settings.DATABASE_APP)
        else:
            role = {"USER": "clauses_app", "PASSWORD": ""}
            rls.preparer_role_application(connection, role["USER"])
        rls.accorder_droits(connection, role["USER"])
    return role


# TESTS_EN_ROLE_APPLICATION=1: the whole suite connects as the application's role once the owner has created and
# migrated the test database (an experiment: see the README, "Sécurité au niveau des lignes").
EN_ROLE_APPLICATION = os.environ.get("TESTS_EN_ROLE_APPLICATION") == "1"


@pytest.fixture(scope="session", autouse=EN_ROLE_APPLICATION)
def _suite_en_role_application(role_application, django_db_blocker):
    # The flush between transactional tests empties the tables with TRUNCATE: granted on the test database only,
    # for this run.
    droit = "TRUNCATE ON ALL TABLES IN SCHEMA public"
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(f"GRANT {droit} TO {role_application['USER']}")
        with connecte_en(role_application):
            yield
        with connection.cursor() as cursor:
            cursor.execute(f"REVOKE {droit} FROM {role_application['USER']}")


@contextmanager
def connecte_en(role):
    """The default connection logged in as ``role`` for the block (tests marked ``transaction=True``: what the
    owner wrote before is committed, and closing the connection loses nothing)."""
    reglages = connections["default"].settings_dict
    avant = {cle: reglages.get(cle) for cle in role}
    connections["default"].close()
    reglages.update(role)
    try:
        yield
    finally:
        connections["default"].close()
        reglages.update(avant)


def url_base(role=None):
    """The URL of the test database, as the owner or as ``role``."""
    db = {**connection.settings_dict, **(role or {})}
    identite = quote(db["USER"], safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else "")
    return f"postgres://{identite}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(autouse=True)
def _vider_cache():
    """Login-failure counters live in Redis: each test starts clean, touching only this run's keys
    (the test settings prefix them with the process id; a FLUSHDB would wipe a developer's broker)."""
    redis = cache._cache.get_client(write=True)
    for key in redis.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*"):
        redis.delete(key)
    yield


@pytest.fixture
def sans_cache(settings):
    """The indicators computed in SQL at each call, and pages computed at each request (nothing kept by
    guichet/versions.py): to count the queries of their computation."""
    settings.INDICATEURS_CACHE_SECONDES = 0
    settings.PAGES_CACHE_SECONDES = 0


@pytest.fixture(autouse=True)
def _force_login_vaut_double_authentification(monkeypatch):
    """``client.force_login`` skips the sign-in views, code step included: in the tests only, it counts as a verified
    second factor, so admins and facilitators reach their pages as after a real sign-in. The tests of the second
    factor sign in through the views (tests/guichet/test_deux_facteurs.py); production has no such shortcut."""
    from django.test import Client

    from guichet.deux_facteurs import SESSION_VERIFIEE

    force_login = Client.force_login

    def force_login_verifie(self, user, backend=None):
        force_login(self, user, backend)
        session = self.session
        session[SESSION_VERIFIEE] = True
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login_verifie)


@pytest.fixture
def guichet_a(db):
    return peupler("guichet-a", "Guichet A")


@pytest.fixture
def guichet_b(db):
    return peupler("guichet-b", "Guichet B")


@pytest.fixture
def deux_guichets(guichet_a, guichet_b):
    return guichet_a, guichet_b


@pytest.fixture
def mot_de_passe():
    return MOT_DE_PASSE


def client_de(client, membre):
    client.force_login(membre.utilisateur)
    return client


@pytest.fixture
def voyage(monkeypatch):
    """Time travel: ``voyage(date(2027, 1, 1))`` sets "now" (hence ``timezone.localdate()``) to that day, 06:30
    in Paris, the hour of the daily beat jobs."""
    from datetime import datetime, time

    from django.utils import timezone

    def aller(jour):
        instant = timezone.make_aware(datetime.combine(jour, time(6, 30)))
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return aller


# A real Celery worker, through the real Redis broker, against the test database (tests marked
# ``django_db(transaction=True)``, so that the worker sees what the test commits).


def lancer_worker(role=None, *, pool="solo", **env):
    """A real Celery worker process on this run's queue, against the test database, connected as the owner (as the
    suite) or as ``role``; ``env``: more variables (its broker, its lock wait). The caller stops it
    (``arreter_worker``)."""
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DATABASE_URL": url_base(role),
        "DATABASE_OWNER_URL": "",
        "PRIVATE_MEDIA_ROOT": settings.STORAGES["default"]["OPTIONS"]["location"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # A recompute waits half a second for the lock of the same company, then its task is retried.
        "DECOMPTE_ATTENTE_VERROU": "0.5",
        **env,
    }
    options = ["--pool=solo"] if pool == "solo" else [f"--pool={pool}", "--concurrency=1"]
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "guichet",
            "worker",
            *options,
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def arreter_worker(process):
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def worker(celery_eager_off):
    process = lancer_worker()
    yield process
    arreter_worker(process)


@pytest.fixture
def celery_eager_off():
    from guichet.celery import app

    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def pytest_terminal_summary(terminalreporter):
    """The figures of the run, after the usual summary: the permission matrix's count of cases
    (tests/test_permission_matrix.py) when it ran, and those the tests recorded (``tests/chiffres.py``)."""
    from .chiffres import CHIFFRES

    marque = "test_permission_matrix.py::test_permission_matrix["
    ids = [
        report.nodeid.split("[", 1)[1][:-1]
        for etat in ("passed", "failed")
        for report in terminalreporter.stats.get(etat, [])
        if report.when == "call" and marque in report.nodeid
    ]
    if ids:
        from .test_permission_matrix import resume

        CHIFFRES["matrice"] = resume(ids)
    if CHIFFRES:
        terminalreporter.section("Chiffres de fiabilité")
        for ligne in CHIFFRES.values():
            terminalreporter.write_line(ligne)
