"""Backup (docs/sauvegarde.md): ``scripts/sauvegarde.sh`` dumps the test database, holding two populated guichets,
with pg_dump, restores the dump into a new database with pg_restore, and every table has the same number of rows
(and every sequence the same value, so that new rows do not collide). The new database is dropped at the end."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from guichet import deux_facteurs
from guichet.enums import Role

from .chiffres import publier
from .conftest import ROOT, outil_manquant, peupler
from .deux_facteurs import activer
from .factories import (
    AchatPrevuFactory,
    BilanFactory,
    ContactEntrepriseFactory,
    ContactFactory,
    ContactPrescripteurFactory,
    ConventionFactory,
    EvenementFactory,
    ExportFactory,
    PositionnementFactory,
    SortieFactory,
)
from .reporting.jeux import territoire_calcule

SCRIPT = ROOT / "scripts" / "sauvegarde.sh"


def _url(nom):
    db = connection.settings_dict
    mot_de_passe = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{mot_de_passe}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{nom}"


def _outils_a_la_version_du_serveur():
    """pg_dump of the server's major version or newer, as the script picks it; else skip here, fail in CI."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        serveur = int(cursor.fetchone()[0]) // 10000
    for chemin in (f"/usr/lib/postgresql/{serveur}/bin/pg_dump", shutil.which("pg_dump")):
        if chemin and Path(chemin).exists():
            sortie = subprocess.run([chemin, "--version"], capture_output=True, text=True, check=True).stdout
            if int(re.search(r"\(PostgreSQL\) (\d+)", sortie).group(1)) >= serveur:
                return serveur
    outil_manquant(f"pg_dump {serveur} introuvable : paquet Debian postgresql-client-{serveur} (.ci/run l'installe).")


def _comptes(url):
    """Rows per table of the application's schema, and the value of every sequence."""
    with psycopg.connect(url) as conn:
        tables = [
            nom
            for (nom,) in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
        lignes = {nom: conn.execute(f'SELECT count(*) FROM "{nom}"').fetchone()[0] for nom in tables}
        sequences = dict(conn.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"))
    return lignes, sequences


def _script(*args, url):
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_a_new_database_has_the_same_rows(tmp_path):
    serveur = _outils_a_la_version_du_serveur()
    a, b = peupler("guichet-a", "Guichet A"), peupler("guichet-b", "Guichet B")
    for territoire in (a, b):
        guichet = territoire.guichet
        with territoire.scope():
            # Marchés, lots, companies, people, contracts, relevés and the computed ledger; then what it lacks.
            territoire_calcule(territoire)
            convention = ConventionFactory(guichet=guichet, signee=True)
            ContactFactory(guichet=guichet, acheteur=convention.acheteur)
            EvenementFactory(guichet=guichet, acheteurs=[convention.acheteur])
            AchatPrevuFactory(guichet=guichet)
            ContactEntrepriseFactory(guichet=guichet)
            ContactPrescripteurFactory(guichet=guichet)
            PositionnementFactory(guichet=guichet)
            SortieFactory(guichet=guichet)
            BilanFactory(guichet=guichet, pret=True)
            ExportFactory(guichet=guichet, pret=True)
        admin = territoire.membres[Role.ADMIN].utilisateur
        activer(admin)
        deux_facteurs.codes_secours_regenerer(utilisateur=admin)
    origine = connection.settings_dict["NAME"]
    nouvelle = f"{origine}_restauree"[:63]
    with psycopg.connect(_url(origine), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{nouvelle}" WITH (FORCE)')

    dump = tmp_path / "clauses.dump"
    sauvegarde = _script("sauvegarder", str(dump), url=_url(origine))
    assert sauvegarde.returncode == 0, sauvegarde.stderr
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert oct(dump.stat().st_mode)[-3:] == "600"
    try:
        restauration = _script("restaurer", str(dump), nouvelle, url=_url(origine))
        assert restauration.returncode == 0, restauration.stderr
        lignes, sequences = _comptes(_url(origine))
        lignes_restaurees, sequences_restaurees = _comptes(_url(nouvelle))
        assert lignes_restaurees == lignes
        assert sequences_restaurees == sequences
        assert lignes["guichet_guichet"] == 2 and lignes["entreprises_lignereleve"] > 0
        comparaison = _script("comparer", nouvelle, url=_url(origine))
        assert comparaison.returncode == 0, comparaison.stderr
        assert f"Mêmes nombres de lignes dans les {len(lignes)} tables." in comparaison.stdout
        # The script refuses to restore over an existing database: the original is never overwritten.
        encore = _script("restaurer", str(dump), nouvelle, url=_url(origine))
        assert encore.returncode != 0 and "impossible de créer la base" in encore.stderr
    finally:
        with psycopg.connect(_url(origine), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{nouvelle}" WITH (FORCE)')
    remplies = sum(1 for n in lignes.values() if n)
    publier(
        "sauvegarde",
        f"Sauvegarde : pg_dump/pg_restore {serveur}, {len(lignes)} tables ({remplies} non vides), "
        f"{sum(lignes.values())} lignes restaurées à l'identique, {len(sequences)} séquences",
    )
