"""Fixtures: every test that touches data sees two populated guichets, A (ours) and B (the other one)."""

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from hypothesis import settings as hypothesis_settings

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


@pytest.fixture(autouse=True)
def _vider_cache():
    """Login-failure counters live in Redis: each test starts clean, touching only this run's keys
    (the test settings prefix them with the process id; a FLUSHDB would wipe a developer's broker)."""
    redis = cache._cache.get_client(write=True)
    for key in redis.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*"):
        redis.delete(key)
    yield


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


@pytest.fixture
def worker(celery_eager_off):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "PRIVATE_MEDIA_ROOT": settings.STORAGES["default"]["OPTIONS"]["location"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # A recompute waits half a second for the lock of the same company, then its task is retried.
        "DECOMPTE_ATTENTE_VERROU": "0.5",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "guichet",
            "worker",
            "--pool=solo",
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
    yield process
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def celery_eager_off():
    from guichet.celery import app

    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def pytest_terminal_summary(terminalreporter):
    """The figures recorded by the tests (``tests/chiffres.py``), after the usual summary."""
    from .chiffres import CHIFFRES

    if CHIFFRES:
        terminalreporter.section("Chiffres de fiabilité")
        for ligne in CHIFFRES.values():
            terminalreporter.write_line(ligne)
