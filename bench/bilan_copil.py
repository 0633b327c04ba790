"""Le bilan annuel du comité de pilotage d'un grand guichet (domain.md §11), produit comme le fait sa tâche
(``reporting.bilans.produire`` : indicateurs, graphiques, HTML, WeasyPrint), et à côté WeasyPrint nu sur le même HTML
final. Imprime les médianes de plusieurs exécutions et leur rapport. Cibles : moins de 5 s, au plus 1,3 fois
WeasyPrint nu.

Le jeu est écrit dans une base jetable (``BENCH_BILANS_DATABASE_URL``, par défaut
``postgres://postgres@127.0.0.1:5432/clauses_bench_bilans``, jamais celle du développement), une fois : un guichet
de 60 acheteurs, 400 entreprises, 1 000 lots, 1 500 personnes, 5 000 contrats et 40 000 lignes de grand livre sur
l'année (environ 600 000 heures), avec le suivi des lots, des considérations diversifiées, des sorties et des
événements. Le grand livre est écrit directement (``bulk_create``) comme le recalcul l'écrirait : ce banc mesure le
bilan, pas le décompte. Tirages à graine fixe. Lancer ::

    .venv/bin/python bench/bilan_copil.py                  # 5 exécutions
    .venv/bin/python bench/bilan_copil.py --repetitions 9
"""

import argparse
import io
import os
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

import donnees  # bench/donnees.py, beside this script

DATABASE_URL = os.environ.get("BENCH_BILANS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clauses_bench_bilans")
SLUG = "bench-bilan-grand"
ANNEE = 2026
TAILLE = {"acheteurs": 60, "entreprises": 400, "marches": 600, "lots": 1000, "personnes": 1500, "contrats": 5000}
LIGNES = 40_000


def generer():
    """The large guichet, written once (its slug present: nothing to do)."""
    from django.db import transaction
    from django.utils import timezone

    from acheteurs.enums import TypeAcheteur
    from acheteurs.models import Acheteur
    from conventions.models import Evenement
    from entreprises.enums import STRUCTURES_INCLUSIVES
    from entreprises.models import Allocation, Entreprise, SuiviLot
    from guichet.enums import Secteur, TypeConsideration
    from guichet.models import Guichet
    from guichet.services import guichet_create
    from guichet.tenancy import guichet_scope
    from marches.models import Attribution, Consideration, Lot, Marche
    from publics.enums import Critere, NiveauQualification, SituationSortie
    from publics.models import Beneficiaire, Contrat, Eligibilite, Sortie
    from tests.factories import siret_valide

    if Guichet.objects.filter(slug=SLUG).exists():
        return Guichet.objects.get(slug=SLUG)
    hasard = random.Random(2026)
    debut = time.perf_counter()
    with transaction.atomic():
        guichet = guichet_create(slug=SLUG, nom="PLIE de la Grande Métropole")
        g = guichet
        with guichet_scope(g.pk):
            types_acheteur = [t for t, _ in TypeAcheteur.choices]
            acheteurs = Acheteur.objects.bulk_create(
                Acheteur(guichet=g, nom=f"Acheteur public n°{i + 1}", type=hasard.choice(types_acheteur))
                for i in range(TAILLE["acheteurs"])
            )
            inclusifs = sorted(STRUCTURES_INCLUSIVES)
            entreprises = Entreprise.objects.bulk_create(
                Entreprise(
                    guichet=g,
                    raison_sociale=f"Entreprise n°{i + 1}",
                    siret=siret_valide(i + 1),
                    type_structure=hasard.choice(inclusifs) if i % 10 == 0 else "classique",
                )
                for i in range(TAILLE["entreprises"])
            )
            marches = Marche.objects.bulk_create(
                Marche(
                    guichet=g,
                    acheteur=acheteurs[i % len(acheteurs)],
                    reference=f"M-{2025 + i % 2}-{i:04d}",
                    objet=f"Travaux et services n°{i}",
                    statut="execution",
                    montant_estime_ht=Decimal(hasard.randint(50, 8000) * 1000),
                    date_notification=date(2025 + i % 2, 1 + i % 12, 1),
                    date_debut_execution=date(2025 + i % 2, 1 + i % 12, 1),
                    date_fin_execution=date(2027, 12, 31),
                )
                for i in range(TAILLE["marches"])
            )
            secteurs = [s for s, _ in Secteur.choices]
            lots = Lot.objects.bulk_create(
                Lot(
                    guichet=g,
                    marche=marches[i % len(marches)],
                    numero=1 + i // len(marches),
                    intitule=f"Lot n°{i}",
                    secteur=hasard.choice(secteurs),
                    montant_ht=Decimal(hasard.randint(50, 3000) * 1000),
                )
                for i in range(TAILLE["lots"])
            )
            autres = [t for t, _ in TypeConsideration.choices if t != TypeConsideration.CLAUSE_HEURES]
            considerations = [
                Consideration(
                    guichet=g, lot=lot, type=TypeConsideration.CLAUSE_HEURES, heures_dues=hasard.randint(200, 2500)
                )
                for lot in lots
            ]
            considerations += [
                Consideration(
                    guichet=g,
                    lot=lot,
                    type=hasard.choice(autres),
                    indicateurs=[{"nom": "Actions réalisées", "unite": "actions", "cible": "10", "realise": "7"}],
                )
                for lot in lots[::5]
            ]
            Consideration.objects.bulk_create(considerations)
            Attribution.objects.bulk_create(
                Attribution(guichet=g, lot=lot, entreprise=entreprises[i % len(entreprises)], role="titulaire")
                for i, lot in enumerate(lots)
            )
            niveaux = [n for n, _ in NiveauQualification.choices]
            personnes = Beneficiaire.objects.bulk_create(
                Beneficiaire(
                    guichet=g,
                    nom=f"Personne{i}",
                    prenom="Camille",
                    date_naissance=date(1960 + i % 45, 1 + i % 12, 1 + i % 28),
                    sexe="F" if i % 3 else "M",
                    qpv=i % 4 == 0,
                    niveau_qualification=hasard.choice(niveaux),
                    date_entree=date(2025, 1, 1),
                )
                for i in range(TAILLE["personnes"])
            )
            criteres = [c for c, _ in Critere.choices]
            Eligibilite.objects.bulk_create(
                Eligibilite(
                    guichet=g,
                    beneficiaire=p,
                    criteres=hasard.sample(criteres, 2),
                    date_validation=date(2024, 6, 1),
                    valide_jusqu_au=date(2028, 6, 1),
                )
                for p in personnes
            )
            types_contrat = ["cdd", "cdi", "interim", "contrat_pro", "apprentissage", "cddi", "pec"]
            contrats = Contrat.objects.bulk_create(
                Contrat(
                    guichet=g,
                    beneficiaire=personnes[i % len(personnes)],
                    entreprise=entreprises[i % len(entreprises)],
                    type_contrat=hasard.choice(types_contrat),
                    date_debut=date(2025, 6, 1) + timedelta(days=i % 300),
                    date_fin=date(2026, 12, 31),
                )
                for i in range(TAILLE["contrats"])
            )
            maintenant = timezone.now()
            lots_par_entreprise = {}
            for i, lot in enumerate(lots):
                lots_par_entreprise.setdefault(entreprises[i % len(entreprises)].pk, []).append(lot)
            allocations = []
            for n in range(LIGNES):
                contrat = contrats[n % len(contrats)]
                mois = 1 + n % 12
                lot = hasard.choice(lots_par_entreprise[contrat.entreprise_id])
                allocations.append(
                    Allocation(
                        guichet=g,
                        entreprise_id=contrat.entreprise_id,
                        contrat=contrat,
                        lot=lot,
                        debut=date(ANNEE, mois, 1),
                        fin=date(ANNEE, mois, 28),
                        heures=Decimal(hasard.randint(7, 28)),
                        regle="echeance",
                        modalite="embauche_directe" if n % 7 else "mise_a_disposition",
                        calcule_le=maintenant,
                    )
                )
            Allocation.objects.bulk_create(allocations, batch_size=5000)
            suivis = []
            for c in considerations:
                if c.type != TypeConsideration.CLAUSE_HEURES:
                    continue
                dues, faites = Decimal(c.heures_dues), Decimal(hasard.randint(0, int(c.heures_dues) + 200))
                suivis.append(
                    SuiviLot(
                        guichet=g,
                        lot=c.lot,
                        heures_dues=dues,
                        heures_realisees=faites,
                        taux_realisation=(faites / dues).quantize(Decimal("0.0001")),
                        reste_a_realiser=max(dues - faites, Decimal(0)),
                        depassement=max(faites - dues, Decimal(0)),
                        statut_risque=hasard.choice(["vert", "orange", "rouge"]),
                        calcule_le=maintenant,
                    )
                )
            SuiviLot.objects.bulk_create(suivis)
            situations = [s for s, _ in SituationSortie.choices]
            Sortie.objects.bulk_create(
                Sortie(
                    guichet=g,
                    contrat=c,
                    date=date(ANNEE, 1 + i % 12, 15),
                    moment="fin_contrat",
                    situation=hasard.choice(situations),
                )
                for i, c in enumerate(contrats[:800])
            )
            Evenement.objects.bulk_create(
                Evenement(guichet=g, type="club_acheteurs", titre=f"Rencontre n°{i}", date=date(ANNEE, 1 + i % 12, 10))
                for i in range(1, 31)
            )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics of the new rows, as autovacuum would gather them
    print(f"Jeu « grand guichet » écrit en {time.perf_counter() - debut:.1f} s ({LIGNES} lignes de grand livre).")
    return guichet


def mesurer(guichet, repetitions):
    from pypdf import PdfReader
    from weasyprint import HTML

    from guichet.tenancy import guichet_scope
    from reporting import bilans
    from reporting.models import Bilan

    with guichet_scope(guichet.pk):
        bilan, _ = Bilan.objects.get_or_create(
            guichet=guichet, type="copil", annee=ANNEE, defaults={"titre": f"Bilan {ANNEE} du comité de pilotage"}
        )
        totaux, nus, html = [], [], ""
        for _ in range(repetitions):
            debut = time.perf_counter()
            pdf = bilans.produire(bilan).getvalue()
            totaux.append(time.perf_counter() - debut)
            html = bilans.html(bilan)
            debut = time.perf_counter()
            HTML(string=html, url_fetcher=bilans._refuser).write_pdf()
            nus.append(time.perf_counter() - debut)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    graphiques = html.count("<svg")
    total, nu = statistics.median(totaux), statistics.median(nus)
    print(f"Bilan copil du grand guichet : {pages} pages, {graphiques} graphiques, {len(pdf) // 1024} Kio")
    print(f"  total (indicateurs + HTML + WeasyPrint) : médiane {total:.2f} s sur {repetitions} ({_liste(totaux)})")
    print(f"  WeasyPrint nu sur le même HTML          : médiane {nu:.2f} s sur {repetitions} ({_liste(nus)})")
    sous_5 = "oui" if total < 5 else "non"
    print(f"  rapport total / WeasyPrint nu : {total / nu:.2f} (cible ≤ 1,3) ; total < 5 s : {sous_5}")


def _liste(durees):
    return ", ".join(f"{d:.2f}" for d in durees)


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--repetitions", type=int, default=5)
    options = arguments.parse_args()
    donnees.preparer_django(DATABASE_URL)
    mesurer(generer(), options.repetitions)
