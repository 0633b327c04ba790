"""Jeux de données des mesures de performance, dans une base à part (``clauses_bench``, jamais celle du
développement) : ``BENCH_DATABASE_URL``, par défaut ``postgres://postgres@127.0.0.1:5432/clauses_bench``.

Deux échelles (domain.md §11) :

* ``grand`` : un grand guichet, 1 000 lots, 400 entreprises, 40 000 lignes de relevé sur un an ;
* ``national`` : le réseau, 370 guichets de taille moyenne sur 10 ans (environ 5 millions de lignes).

Les lignes sont écrites avec ``COPY`` (psycopg 3, ``cursor.copy``), guichet par guichet, chacun dans sa transaction ;
un guichet déjà présent est laissé tel quel (relancer complète un jeu interrompu). Tirages pseudo-aléatoires à graine
fixe : deux générations donnent les mêmes données. Lancer ::

    .venv/bin/python bench/donnees.py                          # les deux échelles
    .venv/bin/python bench/donnees.py grand
    .venv/bin/python bench/donnees.py national --guichets 40   # une fraction du réseau
"""

import argparse
import calendar
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clauses_bench")


def preparer_django(url=BENCH_DATABASE_URL):
    """Django on a bench database, ``url`` (created and migrated when missing): never the development database."""
    import psycopg

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    base, nom = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connexion:
        if not connexion.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nom]).fetchone():
            connexion.execute(f'CREATE DATABASE "{nom}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@dataclass(frozen=True)
class Echelle:
    guichets: int
    acheteurs: int  # par guichet
    entreprises: int
    lots_par_an: int
    contrats_par_an: int
    lignes_par_an: int
    annees: int


ECHELLES = {
    "grand": Echelle(
        guichets=1,
        acheteurs=60,
        entreprises=400,
        lots_par_an=1000,
        contrats_par_an=5000,
        lignes_par_an=40_000,
        annees=1,
    ),
    # 25 M hours and 75 000 work contracts a year over ~370 structures (domain.md §11): ~1 350 lines a year each.
    "national": Echelle(
        guichets=370,
        acheteurs=10,
        entreprises=150,
        lots_par_an=157,
        contrats_par_an=203,
        lignes_par_an=1351,
        annees=10,
    ),
}

TYPES_INCLUSIFS = ["ei", "etti", "ai", "aci", "geiq", "ea", "esat", "regie_quartier"]


def slug(echelle, rang):
    return f"bench-{echelle}-{rang:03d}"


def fin_des_donnees():
    """The last day of the previous month: the data reach the last month a company could have reported."""
    return date.today().replace(day=1) - timedelta(days=1)


def plus_mois(jour, mois):
    annee, mois = divmod(jour.month - 1 + mois, 12)
    annee += jour.year
    return date(annee, mois + 1, min(jour.day, calendar.monthrange(annee, mois + 1)[1]))


# --------------------------------------------------------------------------------------------------------
# COPY
# --------------------------------------------------------------------------------------------------------


class Table:
    """A model's table written with ``COPY``: ids given here (identity columns accept them), the other columns
    from each row's dict or the field's default."""

    def __init__(self, model):
        from django.db import connection
        from django.db.models import JSONField
        from django.utils import timezone

        self.model = model
        self.colonnes, self.defauts = [], []
        maintenant = timezone.now()
        for field in model._meta.concrete_fields:
            if getattr(field, "generated", False):
                continue
            self.colonnes.append(field.column)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaut = maintenant
            elif field.has_default() or not field.null:
                defaut = field.get_default()
            else:
                defaut = None
            if isinstance(field, JSONField):
                defaut = field.get_db_prep_save(defaut, connection)
            self.defauts.append((field.attname, defaut))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
            self.dernier = cursor.fetchone()[0]
        self.rangees = []

    def ajouter(self, **valeurs):
        self.dernier += 1
        valeurs["id"] = self.dernier
        self.rangees.append(tuple(valeurs.get(nom, defaut) for nom, defaut in self.defauts))
        return self.dernier

    def ecrire(self):
        from django.db import connection

        sql = f"COPY {self.model._meta.db_table} ({', '.join(self.colonnes)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copie:
            for rangee in self.rangees:
                copie.write_row(rangee)
        self.rangees = []

    def recaler(self):
        """The identity sequence after the ids given here."""
        from django.db import connection

        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(MAX(id), 1)) FROM {table}")


# --------------------------------------------------------------------------------------------------------
# Un guichet
# --------------------------------------------------------------------------------------------------------


def siret(rng, vus):
    from stdnum import luhn

    while True:
        base = f"{rng.randrange(10**12, 10**13):013d}"
        numero = base + luhn.calc_check_digit(base)
        if numero not in vus:
            vus.add(numero)
            return numero


def generer_guichet(echelle: Echelle, nom_echelle, rang, tables):
    """One guichet: buyers, companies (a fifth inclusive), marchés of one to three lots with an hours clause (nine
    in ten) and a titulaire (some with a co-contractor), people with their eligibility (nineteen in twenty),
    contracts held by a company of a lot open at their start, monthly lines (nine in ten validated, a tenth
    assigned to a lot, a few sous-traitance lines) grouped in monthly relevés."""
    from guichet.services import guichet_create

    rng = random.Random(f"{nom_echelle}-{rang}")
    guichet = guichet_create(slug=slug(nom_echelle, rang), nom=f"Guichet de mesure {nom_echelle} n°{rang}")
    g = guichet.pk
    fin = fin_des_donnees()
    debut = plus_mois(fin + timedelta(days=1), -12 * echelle.annees)
    jours = (fin - debut).days

    acheteurs = [
        tables["acheteur"].ajouter(
            guichet_id=g, nom=f"Acheteur {n}", type="commune", mutualisation_autorisee=rng.random() < 0.9
        )
        for n in range(echelle.acheteurs)
    ]
    sirets = set()
    entreprises, inclusives = [], []
    for n in range(echelle.entreprises):
        inclusive = rng.random() < 0.2
        pk = tables["entreprise"].ajouter(
            guichet_id=g,
            raison_sociale=f"Entreprise {n}",
            siret=siret(rng, sirets),
            type_structure=rng.choice(TYPES_INCLUSIFS) if inclusive else "classique",
        )
        (inclusives if inclusive else entreprises).append(pk)
    tenants = entreprises + inclusives

    # Lots: open from up to two years before the data to their end, for 6 to 36 months.
    lots = []  # (id, début, fin, [entreprises])
    n_lots, n_marche = echelle.lots_par_an * echelle.annees, 0
    while len(lots) < n_lots:
        n_marche += 1
        marche = tables["marche"].ajouter(
            guichet_id=g,
            acheteur_id=rng.choice(acheteurs),
            reference=f"M-{n_marche:05d}",
            objet=f"Marché n°{n_marche}",
            statut="execution",
        )
        for numero in range(1, rng.randint(1, 3) + 1):
            ouverture = debut + timedelta(days=rng.randint(-730, jours - 60))
            cloture = plus_mois(ouverture, rng.randint(6, 36)) - timedelta(days=1)
            lot = tables["lot"].ajouter(
                guichet_id=g,
                marche_id=marche,
                numero=numero,
                intitule=f"Lot {numero}",
                secteur="btp_gros_oeuvre",
                date_debut_execution=ouverture,
                date_fin_execution=cloture,
            )
            if rng.random() < 0.9:
                heures = Decimal(rng.randint(100, 2500))
                tables["consideration"].ajouter(
                    guichet_id=g,
                    lot_id=lot,
                    type="clause_heures",
                    mode_calcul="forfait",
                    heures_forfait=heures,
                    heures_dues=heures,
                    heures_dues_brutes=heures,
                    taux_main_oeuvre_retenu=Decimal("0.5"),
                    cout_horaire_retenu=Decimal("25"),
                    penalite_par_heure=Decimal("60") if rng.random() < 0.5 else None,
                    structures_visees=[],
                    axes=[],
                )
            membres = [rng.choice(tenants)]
            if rng.random() < 0.15:
                membres.append(rng.choice([e for e in tenants if e != membres[0]]))
            for role, entreprise in zip(["titulaire", "cotraitant"], membres, strict=False):
                tables["attribution"].ajouter(guichet_id=g, lot_id=lot, entreprise_id=entreprise, role=role)
            lots.append((lot, ouverture, cloture, membres))
    # The lots open on the 15th of each month, to give a contract to a company with a lot open at its start.
    ouverts_par_mois = {}
    for lot in lots:
        mois = lot[1].replace(day=15) if lot[1].day <= 15 else plus_mois(lot[1].replace(day=15), 1)
        while mois <= lot[2]:
            ouverts_par_mois.setdefault((mois.year, mois.month), []).append(lot)
            mois = plus_mois(mois, 1)

    releves = {}  # (entreprise, mois) → id
    mois_moyens = echelle.lignes_par_an / echelle.contrats_par_an
    # Contracts until the lines reach their number (those that start late are cut at the end of the data).
    n, lignes, objectif = 0, 0, echelle.lignes_par_an * echelle.annees
    while lignes < objectif:
        n += 1
        entree = debut + timedelta(days=rng.randint(0, jours - 1))
        ouverts = ouverts_par_mois.get((entree.year, entree.month))
        lot = rng.choice(ouverts) if ouverts else rng.choice(lots)
        entreprise = rng.choice(lot[3])
        personne = tables["beneficiaire"].ajouter(
            guichet_id=g,
            nom=f"Personne{n}",
            prenom="Camille",
            date_naissance=date(1970, 1, 1) + timedelta(days=rng.randint(0, 14000)),
            sexe=rng.choice("FM"),
            niveau_qualification="infra_3",
            date_entree=entree,
        )
        if rng.random() < 0.95:
            validation = entree - timedelta(days=rng.randint(0, 300))
            tables["eligibilite"].ajouter(
                guichet_id=g,
                beneficiaire_id=personne,
                criteres=["deld"],
                date_validation=validation,
                valide_jusqu_au=plus_mois(validation, 24),
            )
        duree = max(1, round(rng.uniform(0.2, 1.8) * mois_moyens))
        sortie = min(plus_mois(entree, duree) - timedelta(days=1), fin)
        explicite = lot[0] if rng.random() < 0.1 else None
        contrat = tables["contrat"].ajouter(
            guichet_id=g,
            beneficiaire_id=personne,
            entreprise_id=entreprise,
            modalite="embauche_directe",
            type_contrat="cdi" if rng.random() < 0.1 else "cdd",
            date_debut=entree,
            date_fin=sortie,
            lot_id=explicite,
        )
        mois = entree.replace(day=1)
        while mois <= sortie:
            du, au = max(mois, entree), min(plus_mois(mois, 1) - timedelta(days=1), sortie)
            cle = (entreprise, mois)
            if cle not in releves:
                releves[cle] = tables["releve"].ajouter(
                    guichet_id=g, entreprise_id=entreprise, periode=mois, statut="valide"
                )
            tirage = rng.random()
            statut = "valide" if tirage < 0.9 else "en_attente" if tirage < 0.97 else "rejete"
            ligne = {
                "guichet_id": g,
                "releve_id": releves[cle],
                "date_debut": du,
                "date_fin": au,
                "statut": statut,
                "motif_rejet": "Heures non justifiées" if statut == "rejete" else "",
            }
            if rng.random() < 0.03 and inclusives:
                ligne.update(sous_traitant_id=rng.choice(inclusives), montant_ht=Decimal(rng.randint(2000, 20000)))
                ligne["lot_id"] = lot[0]
            else:
                part = Decimal((au - du).days + 1) / ((plus_mois(mois, 1) - mois).days)
                heures = (Decimal(rng.randint(6000, 15167)) / 100 * part).quantize(Decimal("0.01"))
                ligne.update(contrat_id=contrat, heures=heures, lot_id=lot[0] if rng.random() < 0.05 else None)
            tables["lignereleve"].ajouter(**ligne)
            lignes += 1
            mois = plus_mois(mois, 1)
    for table in tables.values():
        table.ecrire()


def generer(nom_echelle, guichets=None):
    from django.db import connection, transaction

    from acheteurs.models import Acheteur
    from entreprises.models import Entreprise, LigneReleve, Releve
    from guichet.models import Guichet
    from guichet.tenancy import guichet_scope
    from marches.models import Attribution, Consideration, Lot, Marche
    from publics.models import Beneficiaire, Contrat, Eligibilite

    echelle = ECHELLES[nom_echelle]
    models = [Acheteur, Entreprise, Marche, Lot, Consideration, Attribution, Beneficiaire, Eligibilite, Contrat]
    models += [Releve, LigneReleve]
    tables = {model._meta.model_name: Table(model) for model in models}
    debut = time.monotonic()
    for rang in range(guichets or echelle.guichets):
        if Guichet.objects.filter(slug=slug(nom_echelle, rang)).exists():
            continue
        with transaction.atomic(), guichet_scope(None):
            generer_guichet(echelle, nom_echelle, rang, tables)
        if rang % 10 == 9:
            print(f"  {nom_echelle} : {rang + 1} guichets ({time.monotonic() - debut:.0f} s)", flush=True)
    for table in tables.values():
        table.recaler()
    # Fresh statistics, as autovacuum would leave them: without them the planner misjudges the joins.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with guichet_scope(None):
        lignes = LigneReleve.objects.model._base_manager.filter(guichet__slug__startswith=f"bench-{nom_echelle}-")
        print(f"{nom_echelle} : {lignes.count()} lignes de relevé ({time.monotonic() - debut:.0f} s)", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("echelles", nargs="*", help=f"parmi {', '.join(ECHELLES)} (toutes par défaut)")
    parser.add_argument("--guichets", type=int, help="nombre de guichets du réseau national à générer (tous : 370)")
    arguments = parser.parse_args()
    inconnues = set(arguments.echelles) - set(ECHELLES)
    if inconnues:
        parser.error(f"échelle inconnue : {', '.join(sorted(inconnues))}")
    preparer_django()
    for nom in arguments.echelles or list(ECHELLES):
        generer(nom, arguments.guichets if nom == "national" else None)


if __name__ == "__main__":
    main()
