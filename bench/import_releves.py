"""Benchmark: importing a relevé of 10 000 lines from an XLSX file, with full validation (every row read, parsed,
matched to its contract and checked by the rules of a line, then written in bulk). Target: under 10 s on a 2-core
machine (issue 6).

The data live in a throwaway database, ``<DATABASE_URL's name>_bench``, created and migrated at the start and dropped
at the end (the development database is not touched): one guichet, one company holding a lot, 200 employees with
their contracts. The file (generated here with openpyxl) has 10 000 rows: each employee worked 50 half-days of the
month, a fifth of the lines assigned to the lot. Each of the 5 runs imports it in a transaction rolled back afterwards,
so every run starts from the same state; the script prints each run and the median.

    make bench            # or: .venv/bin/python bench/import_releves.py
"""

import io
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.settings")

import django

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

LIGNES = 10_000
PERSONNES = 200
EXECUTIONS = 5
MOIS = date(2026, 3, 1)


def peupler():
    from acheteurs.models import Acheteur
    from entreprises.models import Entreprise
    from guichet.services import guichet_create
    from marches.models import Attribution, Lot, Marche
    from publics.models import Beneficiaire, Contrat

    guichet = guichet_create(slug="bench-releves", nom="Guichet du banc d'essai")
    entreprise = Entreprise.objects.create(guichet=guichet, raison_sociale="Bâtir Ensemble", siret="73282932000074")
    acheteur = Acheteur.objects.create(guichet=guichet, nom="Ville de Villeneuve", type="commune")
    marche = Marche.objects.create(
        guichet=guichet, acheteur=acheteur, reference="M-2026-BENCH", objet="Voirie", statut="execution",
        date_debut_execution=date(2026, 1, 1), date_fin_execution=date(2027, 12, 31),
    )  # fmt: skip
    lot = Lot.objects.create(guichet=guichet, marche=marche, numero=1, intitule="Terrassement")
    Attribution.objects.create(guichet=guichet, lot=lot, entreprise=entreprise)
    personnes = Beneficiaire.objects.bulk_create(
        Beneficiaire(
            guichet=guichet, nom=f"Nom{n:03d}", prenom="Prénom", sexe="F" if n % 2 else "M",
            date_naissance=date(1980 + n % 25, n % 12 + 1, n % 28 + 1), date_entree=date(2025, 12, 1),
        )
        for n in range(PERSONNES)
    )  # fmt: skip
    Contrat.objects.bulk_create(
        Contrat(guichet=guichet, beneficiaire=p, entreprise=entreprise, type_contrat="cdd", date_debut=date(2026, 1, 5))
        for p in personnes
    )
    return guichet, entreprise, personnes


def classeur(personnes):
    from entreprises.import_releves import COLONNES

    workbook = Workbook(write_only=True)
    feuille = workbook.create_sheet()
    feuille.append(COLONNES)
    for n in range(LIGNES):
        p = personnes[n % PERSONNES]
        jour = date(2026, 3, n // PERSONNES % 28 + 1)
        lot = "M-2026-BENCH/1" if n % 5 == 0 else None
        feuille.append([p.nom, p.prenom, p.date_naissance, jour, jour, 3.5, lot, None, None])
    sortie = io.BytesIO()
    workbook.save(sortie)
    return sortie.getvalue()


def main():
    from entreprises.services import releve_importer
    from guichet.tenancy import guichet_scope

    base = connection.settings_dict
    base["TEST"] = {**base.get("TEST", {}), "NAME": f"{base['NAME']}_bench"}
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with transaction.atomic():
            guichet, entreprise, personnes = peupler()
        contenu = classeur(personnes)
        print(f"Import d'un relevé XLSX de {LIGNES} lignes ({len(contenu) / 1024:.0f} Kio), validation complète")
        durees = []
        with guichet_scope(guichet.pk):
            for n in range(EXECUTIONS):
                with transaction.atomic():
                    debut = time.perf_counter()
                    releve = releve_importer(
                        guichet=guichet, acting_user=None, entreprise=entreprise, periode=MOIS,
                        fichier=SimpleUploadedFile("releve.xlsx", contenu),
                    )  # fmt: skip
                    durees.append(time.perf_counter() - debut)
                    assert releve.lignes.count() == LIGNES
                    transaction.set_rollback(True)
                print(f"  exécution {n + 1} : {durees[-1]:.2f} s")
        print(f"médiane de {EXECUTIONS} exécutions : {statistics.median(durees):.2f} s (cible : moins de 10 s)")
    finally:
        connection.creation.destroy_test_db(base["TEST"]["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
