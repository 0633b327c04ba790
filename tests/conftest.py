"""Fixtures: every test that touches data sees two populated guichets, A (ours) and B (the other one)."""

from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.cache import cache

from guichet.enums import Role
from guichet.tenancy import guichet_scope

from .factories import MOT_DE_PASSE, GuichetFactory, MembreFactory

ROLES = [r.value for r in Role]


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
