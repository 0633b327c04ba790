"""Recalcul complet du décompte des heures (``entreprises.decompte.guichet_recalculer``) sur les jeux de
``bench/donnees.py``, et à côté le plancher : une requête SQL ``SUM(heures) GROUP BY lot`` sur les mêmes lignes.
Imprime les médianes de plusieurs exécutions et leur rapport.

Trois recalculs complets sont mesurés : la réécriture de tout le grand livre (``forcer=True``, celle de
``recalculs/``) ; le passage de nuit (``forcer=False``) quand rien n'a changé ; le passage de nuit après qu'une
entreprise sur cent a vu une ligne changer (ce que la nuit trouve après une journée de validations).

Un autre repère dit ce que coûte la seule écriture : recopier en SQL (``INSERT … SELECT``, annulé) autant de
rangées de grand livre que le recalcul en écrit.

* ``grand`` : le grand guichet, recalculé d'un bloc (cible : moins de 2 s et au plus 5 fois le plancher) ;
* ``national`` : tous les guichets du réseau présents dans la base, répartis entre ``--processus`` processus
  (cible : moins de 5 minutes sur 2 cœurs).

Lancer (après ``bench/donnees.py``) ::

    .venv/bin/python bench/recalcul.py                       # les deux échelles
    .venv/bin/python bench/recalcul.py grand --repetitions 9
    .venv/bin/python bench/recalcul.py national --processus 2 --repetitions 3
"""

import argparse
import statistics
import time
from multiprocessing import get_context

import donnees

PLANCHER = """
    SELECT lot_id, SUM(heures) FROM entreprises_lignereleve
    WHERE guichet_id = ANY(%s) AND statut = 'valide'
    GROUP BY lot_id
"""


def guichets(echelle):
    from guichet.models import Guichet

    return list(
        Guichet.objects.filter(slug__startswith=f"bench-{echelle}-").order_by("pk").values_list("pk", flat=True)
    )


def plancher(ids):
    from django.db import connection

    debut = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(PLANCHER, [ids])
        cursor.fetchall()
    return time.perf_counter() - debut


def plancher_ecriture(ids):
    """The ledger of ``ids`` copied onto itself in SQL, then rolled back: the cost of writing that many rows."""
    from django.db import connection, transaction

    from entreprises.decompte import COLONNES_ALLOCATION, COLONNES_EXCLUSION

    debut = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, colonnes in [("allocation", COLONNES_ALLOCATION), ("exclusion", COLONNES_EXCLUSION)]:
            liste = ", ".join(colonnes)
            cursor.execute(
                f"INSERT INTO entreprises_{table} ({liste}) SELECT {liste} FROM entreprises_{table} "
                "WHERE guichet_id = ANY(%s)",
                [ids],
            )
        duree = time.perf_counter() - debut
        transaction.set_rollback(True)
    return duree


def recalculer(guichet_id, forcer=True):
    """One guichet's full recompute, in its scope; returns the size of the ledger written."""
    from entreprises import decompte
    from guichet.models import Guichet
    from guichet.tenancy import guichet_scope

    with guichet_scope(guichet_id):
        bilan = decompte.guichet_recalculer(Guichet.objects.get(pk=guichet_id), forcer=forcer)
    return bilan["allocations"] + bilan["exclusions"]


def _nuit(guichet_id):
    return recalculer(guichet_id, forcer=False)


def recalculer_tout(ids, processus, forcer=True):
    """Every guichet of ``ids``, shared between ``processus`` processes (each with its own connection)."""
    from django.db import connections

    tache = recalculer if forcer else _nuit
    debut = time.perf_counter()
    if processus <= 1:
        rangees = sum(tache(pk) for pk in ids)
    else:
        connections.close_all()  # a forked child must not share the parent's connection
        with get_context("fork").Pool(processus) as pool:
            rangees = sum(pool.imap_unordered(tache, ids, chunksize=1))
    return time.perf_counter() - debut, rangees


def changer_un_pour_cent(ids, sens):
    """One validated line of one company in a hundred gets one hour more (``sens`` = 1) or less (-1), behind the
    services' back: what the nightly run finds after a day of validations."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE entreprises_lignereleve SET heures = heures + %s WHERE id IN (
                SELECT DISTINCT ON (r.entreprise_id) l.id
                FROM entreprises_lignereleve l JOIN entreprises_releve r ON r.id = l.releve_id
                WHERE l.guichet_id = ANY(%s) AND l.statut = 'valide' AND l.heures >= 1 AND r.entreprise_id %% 100 = 0
                ORDER BY r.entreprise_id, l.id
            )
            """,
            [sens, ids],
        )


def lignes(ids):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM entreprises_lignereleve WHERE guichet_id = ANY(%s)", [ids])
        return cursor.fetchone()[0]


def mesurer(echelle, repetitions, processus):
    ids = guichets(echelle)
    if not ids:
        print(f"{echelle} : aucune donnée, lancer d'abord bench/donnees.py {echelle}")
        return None
    processus = processus if len(ids) > 1 else 1
    complets, nuits, nuits_1pct, rangees = [], [], [], 0
    for rang in range(repetitions):
        duree, rangees = recalculer_tout(ids, processus)
        complets.append(duree)
        nuits.append(recalculer_tout(ids, processus, forcer=False)[0])
        changer_un_pour_cent(ids, 1 if rang % 2 == 0 else -1)
        nuits_1pct.append(recalculer_tout(ids, processus, forcer=False)[0])
    planchers = [plancher(ids) for _ in range(max(repetitions, 5))]
    ecritures = [plancher_ecriture(ids) for _ in range(repetitions)]
    if repetitions % 2:
        changer_un_pour_cent(ids, -1)  # back to the generated data
        recalculer_tout(ids, processus, forcer=False)
    return {
        "echelle": echelle,
        "guichets": len(ids),
        "lignes": lignes(ids),
        "grand_livre": rangees,
        "complet": statistics.median(complets),
        "nuit": statistics.median(nuits),
        "nuit_1pct": statistics.median(nuits_1pct),
        "plancher": statistics.median(planchers),
        "ecriture": statistics.median(ecritures),
        "mesures": len(complets),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("echelles", nargs="*", help="grand, national (les deux par défaut)")
    parser.add_argument("--repetitions", type=int, help="exécutions par mesure (défaut : 5 grand, 3 national)")
    parser.add_argument("--processus", type=int, default=2, help="processus du recalcul national (défaut : 2)")
    arguments = parser.parse_args()
    donnees.preparer_django()
    resultats = []
    for echelle in arguments.echelles or ["grand", "national"]:
        repetitions = arguments.repetitions or (5 if echelle == "grand" else 3)
        resultat = mesurer(echelle, repetitions, arguments.processus)
        if resultat:
            resultats.append(resultat)
    print()
    print(
        "| échelle | guichets | lignes | grand livre | plancher SUM…GROUP BY | réécriture complète | nuit, rien changé "
        "| nuit, 1 % des entreprises changées | écriture seule |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in resultats:

        def mesure(cle, r=r):
            return f"{r[cle]:.2f} s ({r[cle] / r['plancher']:.0f} ×)"

        cellules = [
            r["echelle"],
            str(r["guichets"]),
            f"{r['lignes']:_}".replace("_", "\u202f"),
            f"{r['grand_livre']:_}".replace("_", "\u202f"),
            f"{r['plancher'] * 1000:.0f} ms",
            mesure("complet"),
            mesure("nuit"),
            mesure("nuit_1pct"),
            f"{r['ecriture']:.2f} s",
        ]
        print(f"| {' | '.join(cellules)} |")
    print(
        "(médianes de {} mesures ; entre parenthèses, le rapport au plancher)".format(
            ", ".join(str(r["mesures"]) for r in resultats)
        )
    )


if __name__ == "__main__":
    main()
