"""Le décompte enregistré : relit les entrées du moteur d'heures en base, appelle ``moteur.calculer`` et réécrit le
grand livre (``Allocation``, ``Exclusion``) et le suivi des lots (``SuiviLot``) (domain.md §4 et §5, api.md
``lots/<id>/suivi/``, ``allocations/``).

* :func:`entreprise_recalculer` : une entreprise, après un changement de ses lignes, lots, contrats ou dates ;
* :func:`lots_recalculer` : les entreprises d'un lot (et son suivi) après un changement du lot ou de sa clause ;
* :func:`guichet_recalculer` : tout le guichet (la nuit, ou à la demande : ``recalculs/``) ;
* :func:`suivis_calculer` : les chiffres du suivi de lots à partir du grand livre (écrits, ou lus à la volée) ;
* :func:`recalcul_demander`, :func:`recalcul_lots_demander`, :func:`recalcul_guichet_demander` : le recalcul envoyé
  au worker après le commit (les services les appellent ; :func:`declencheurs_suspendus` les fait taire pendant un
  chargement en masse).

Règles de l'écriture :

* **une transaction** par recalcul : le grand livre de l'entreprise est supprimé puis réécrit (``COPY``), avec un
  seul ``calcule_le`` ; un lecteur voit l'ancien grand livre ou le nouveau, jamais un mélange ;
* **un verrou** de base (``pg_advisory_xact_lock``) : deux recalculs d'une même entreprise ne tournent jamais en
  même temps ; le recalcul d'un guichet prend le verrou du guichet en exclusif, celui d'une entreprise le prend
  en partagé (puis celui de l'entreprise) : l'un attend l'autre. Au-delà de ``DECOMPTE_ATTENTE_VERROU`` secondes,
  l'attente échoue (``OperationalError``) et la tâche Celery recommence plus tard ;
* **même résultat après une reprise** : le moteur est pur et déterministe, tout est relu en base à chaque essai ;
* le **suivi** d'un lot additionne le grand livre de *toutes* ses entreprises (groupement) : après avoir écrit le
  sien, un recalcul verrouille les lots touchés (leur ancien et leur nouveau grand livre, leurs attributions)
  avant de les additionner, si bien qu'un second recalcul concurrent sur le même lot additionne après le commit
  du premier ;
* dans un groupement, chaque membre reçoit les heures dues de la clause entières (aucune part n'est enregistrée
  sur l'attribution) ; le suivi du lot, lui, compare la somme de tous les membres aux heures dues.

Les heures dues sont celles **en vigueur ce jour** (dernier avenant ayant pris effet, domain.md §3), la date du
suivi est ce jour (``timezone.localdate()``).
"""

import hashlib
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import fields
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from guichet.rls import rls_active
from guichet.selectors import parametres_of
from guichet.services import envoyer_apres_commit
from marches.models import Attribution, Consideration, Lot
from publics.models import Contrat

from .enums import STRUCTURES_INCLUSIVES
from .models import Allocation, EmpreinteDecompte, Exclusion, LigneReleve, Releve, SuiviLot
from .moteur import LigneEntree, LotEntree, ParametresMoteur, Seuils, calculer, suivi

ZERO = Decimal(0)

# The advisory-lock key of a whole guichet: (guichet_id, 0); entreprise ids start at 1.
_TOUT_LE_GUICHET = 0

# The columns written by ``COPY`` (binary format: column → PostgreSQL type): the ledger's common ones, then each
# table's own.
_COLONNES = {
    "guichet_id": "int8",
    "entreprise_id": "int8",
    "ligne_id": "int8",
    "contrat_id": "int8",
    "lot_id": "int8",
    "debut": "date",
    "fin": "date",
    "heures": "numeric",
}
COLONNES_ALLOCATION = {**_COLONNES, "regle": "varchar", "modalite": "varchar", "calcule_le": "timestamptz"}
COLONNES_EXCLUSION = {
    **_COLONNES,
    "motif": "varchar",
    "modalite": "varchar",
    "detail": "varchar",
    "calcule_le": "timestamptz",
}
# The guichet's settings the counting and the progress read: changing one recomputes the guichet.
PARAMETRES_DECOMPTE = {champ.name for champ in fields(ParametresMoteur)} | {"seuil_risque_vert", "seuil_risque_orange"}
CHAMPS_SUIVI = [
    "heures_dues",
    "heures_realisees",
    "taux_realisation",
    "reste_a_realiser",
    "depassement",
    "projection_fin",
    "statut_risque",
    "penalites_estimees",
    "calcule_le",
]


# --------------------------------------------------------------------------------------------------------
# Verrous
# --------------------------------------------------------------------------------------------------------


def _regler_transaction():
    """Settings of the recompute's transaction.

    * ``lock_timeout`` bounds the wait for a lock, so a worker never hangs behind a long recompute: the task is
      retried instead;
    * the ledger is derived data: after a crash, losing the last recompute (redone by the next trigger or night)
      is harmless and the database stays consistent, so the commit need not wait for the disk;
    * no JIT: its compilation costs more than it saves on these short indexed queries (a tenth of a second on
      the eligibility of a large guichet's contracts).
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{int(settings.DECOMPTE_ATTENTE_VERROU * 1000)}ms'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL jit = off")


def _verrouiller(guichet_id, entreprise_id=None):
    """Advisory locks held until the end of the transaction (see the module's docstring)."""
    with connection.cursor() as cursor:
        if entreprise_id is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [guichet_id, _TOUT_LE_GUICHET])
        else:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [guichet_id, _TOUT_LE_GUICHET])
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [guichet_id, entreprise_id])


# --------------------------------------------------------------------------------------------------------
# Lecture des entrées (quelques requêtes values_list, jamais une par ligne)
# --------------------------------------------------------------------------------------------------------


def _clauses(guichet, jour, lots=None):
    """``{lot_id: (heures dues en vigueur, taux de main-d'œuvre, coût horaire, pénalité par heure, plafond,
    mutualisation)}`` des clauses d'heures ; ``lots`` : un filtre (ids ou sous-requête). La mutualisation est celle
    de la clause, à défaut celle de l'acheteur (domain.md §5.1)."""
    clauses = Consideration.objects.filter(guichet=guichet).clauses_heures().avec_heures_en_vigueur(jour)
    if lots is not None:
        clauses = clauses.filter(lot__in=lots)
    rows = clauses.values_list(
        "lot_id",
        "heures_en_vigueur",
        "taux_main_oeuvre_retenu",
        "cout_horaire_retenu",
        "penalite_par_heure",
        "penalite_plafond",
        Coalesce("mutualisation_autorisee", "lot__marche__acheteur__mutualisation_autorisee"),
    )
    return {lot_id: rest for lot_id, *rest in rows}


def _lots_par_entreprise(guichet, clauses, entreprises=None):
    """The engine's ``LotEntree`` of each company: every lot it holds (all roles), with its effective dates (the
    marché's when the lot has none), the clause's hours due in force, conversion rates and pooling."""
    # The joins filtered on the guichet too, so that the planner reads only its lots and marchés (see below).
    attributions = Attribution.objects.filter(guichet=guichet, lot__guichet=guichet, lot__marche__guichet=guichet)
    if entreprises is not None:
        attributions = attributions.filter(entreprise__in=entreprises)
    rows = attributions.values_list(
        "entreprise_id",
        "lot_id",
        "role",
        Coalesce("lot__date_debut_execution", "lot__marche__date_debut_execution"),
        Coalesce("lot__date_fin_execution", "lot__marche__date_fin_execution"),
    )
    lots = defaultdict(list)
    for entreprise_id, lot_id, role, debut, fin in rows:
        clause = clauses.get(lot_id)
        lots[entreprise_id].append(
            LotEntree(
                id=lot_id,
                debut=debut,
                fin=fin,
                heures_dues=(clause[0] or ZERO) if clause else ZERO,
                clause_heures=clause is not None,
                role=role,
                mutualisation_autorisee=clause[5] if clause else True,
                taux_main_oeuvre=clause[1] if clause else None,
                cout_horaire=clause[2] if clause else None,
            )
        )
    return lots


def _valeurs_lignes(guichet, entreprises=None):
    """The rows of every line of the companies' statements in force, whatever its status, company first: lines not
    validated are shown among the excluded hours with their reason (domain.md §4). A relevé replaced by a validated
    correction is left out: the correction carries the month's lines again, which would otherwise count twice."""
    # ``releve__guichet`` adds nothing to the rows, but lets the planner join only the guichet's relevés instead of
    # reading every relevé of the instance (half a second per guichet at the national scale).
    lignes = LigneReleve.objects.filter(
        guichet=guichet, releve__guichet=guichet, releve__in=Releve.objects.filter(guichet=guichet).en_vigueur()
    )
    if entreprises is not None:
        lignes = lignes.filter(releve__entreprise__in=entreprises)
    return lignes.order_by().values_list(
        "releve__entreprise_id",
        "id",
        "date_debut",
        "date_fin",
        "heures",
        "contrat_id",
        "sous_traitant_id",
        "lot_id",
        "montant_ht",
        "statut",
        "sous_traitant__type_structure",
    )


def _lignes_par_entreprise(valeurs):
    """``{entreprise_id: [LigneEntree]}`` from :func:`_valeurs_lignes`."""
    inclusives = set(STRUCTURES_INCLUSIVES)
    par_entreprise = defaultdict(list)
    for entreprise_id, *ligne, type_structure in valeurs:
        par_entreprise[entreprise_id].append(
            LigneEntree(*ligne, type_structure is None or type_structure in inclusives)
        )
    return par_entreprise


# --------------------------------------------------------------------------------------------------------
# Empreintes : ce dont le grand livre d'une entreprise a été calculé
# --------------------------------------------------------------------------------------------------------


def _version_du_calcul():
    """A digest of the code that turns inputs into a ledger (the engine and this module): a new version of either
    makes every stored fingerprint stale, so the next recompute rewrites every ledger."""
    dossier = Path(__file__).resolve().parent
    code = hashlib.md5(usedforsecurity=False)  # a change detector, not a secret
    for fichier in sorted([*dossier.joinpath("moteur").glob("*.py"), dossier / "decompte.py"]):
        code.update(fichier.read_bytes())
    return code.hexdigest()


VERSION_DU_CALCUL = _version_du_calcul()


def _empreintes_sql(valeurs):
    """``{entreprise_id: (rows, digest)}`` of the rows of a ``values_list`` queryset whose first column is the
    company, computed by PostgreSQL so that the rows never travel to Python: each row's 64-bit hash
    (``hash_record_extended``, PostgreSQL 14+), combined by XOR, which does not depend on the order of the rows
    (each row carries its own id, so no two rows are alike)."""
    try:
        sql, params = valeurs.query.sql_with_params()
    except EmptyResultSet:  # ``entreprise__in=[]``: Django knows there is no row without asking
        return {}
    with connection.cursor() as cursor:
        # ``sql`` is Django's own compilation of the queryset, its values still passed as parameters.
        cursor.execute(
            f"SELECT s.cle, count(*), bit_xor(hash_record_extended(s, 0)) FROM ({sql}) AS s(cle) GROUP BY s.cle",  # noqa: S608
            params,
        )
        return {cle: (n, empreinte) for cle, n, empreinte in cursor.fetchall()}


def _empreintes(moteur, lots, lignes, contrats):
    """``{entreprise_id: md5}`` of everything :func:`moteur.calculer` reads for each company that holds a lot or
    has statement lines (see ``EmpreinteDecompte``). ``lots``: :func:`_lots_par_entreprise`; ``lignes`` and
    ``contrats``: the ``values_list`` querysets the engine's inputs are built from."""
    des_lignes, des_contrats = _empreintes_sql(lignes), _empreintes_sql(contrats)
    commun = f"{VERSION_DU_CALCUL}|{moteur!r}"
    empreintes = {}
    for entreprise_id in set(lots) | set(des_lignes):
        tenus = sorted(lots.get(entreprise_id, ()), key=lambda lot: (lot.id, lot.role))
        texte = f"{commun}|{tenus!r}|{des_lignes.get(entreprise_id)}|{des_contrats.get(entreprise_id)}"
        empreintes[entreprise_id] = hashlib.md5(texte.encode(), usedforsecurity=False).hexdigest()
    return empreintes


def _grand_livre_par_entreprise(guichet):
    """``{entreprise_id: (rows, hours)}`` of the guichet's ledger as it stands: a ledger that no longer matches what
    was written (rows deleted by hand, a recompute lost) is rewritten even when its inputs did not change."""
    totaux = defaultdict(lambda: (0, ZERO))
    for model in (Allocation, Exclusion):
        rows = (
            model.objects.filter(guichet=guichet)
            .order_by()
            .values("entreprise_id")
            .annotate(n=Count("id"), h=Sum("heures"))
            .values_list("entreprise_id", "n", "h")
        )
        for entreprise_id, n, heures in rows:
            lignes, total = totaux[entreprise_id]
            totaux[entreprise_id] = (lignes + n, total + heures)
    return totaux


# --------------------------------------------------------------------------------------------------------
# Écriture
# --------------------------------------------------------------------------------------------------------


def _copier(model, colonnes, rangees):
    """``COPY … FROM STDIN`` in binary (psycopg 3) in the current transaction: a guichet's ledger is written in one
    stream, tens of times faster than INSERTs."""
    if not rangees:
        return
    table = model._meta.db_table
    liste = ", ".join(colonnes)
    # PostgreSQL refuses COPY FROM into a table whose row-level security applies to the current role (the
    # application's, guichet/rls.py): the rows go through a temporary table (no policy, no WAL), then one
    # INSERT … SELECT into the ledger, checked by the policy. The owner (tests, benches) copies directly.
    directe = not rls_active(connection, table)
    cible = table if directe else f"copie_{table}"
    with connection.cursor() as cursor:
        if not directe:
            types = ", ".join(f"{nom} {type_}" for nom, type_ in colonnes.items())
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {cible} ({types})")
        with cursor.cursor.copy(f"COPY {cible} ({liste}) FROM STDIN (FORMAT BINARY)") as copie:
            copie.set_types(list(colonnes.values()))
            for rangee in rangees:
                copie.write_row(rangee)
        if not directe:
            cursor.execute(f"INSERT INTO {table} ({liste}) SELECT {liste} FROM {cible}")  # noqa: S608 (our names)
            cursor.execute(f"TRUNCATE {cible}")


def suivis_calculer(guichet, lot_ids, *, parametres, jour, calcule_le=None, sans_clause=False):
    """``{lot_id: SuiviLot}`` (not saved) of ``lot_ids`` (``None``: every lot of the guichet) from the ledger of every
    company of each lot, on ``jour``. Only the lots with an hours clause, unless ``sans_clause`` (nothing due)."""
    lots = Lot.objects.filter(guichet=guichet, marche__guichet=guichet)
    if lot_ids is not None:
        lots = lots.filter(pk__in=lot_ids)
    dates = {pk: (debut, fin) for pk, debut, fin in lots.avec_dates().values_list("pk", "debut", "fin")}
    clauses = _clauses(guichet, jour, lots=list(dates))
    suivis = list(dates) if sans_clause else list(clauses)
    realisees = dict(
        Allocation.objects.filter(guichet=guichet, lot__in=suivis)
        .values("lot_id")
        .annotate(total=Sum("heures"))
        .values_list("lot_id", "total")
    )
    seuils = Seuils(parametres.seuil_risque_vert, parametres.seuil_risque_orange)
    resultat = {}
    for lot_id in suivis:
        heures_dues, _taux, _cout, penalite, plafond, _mutualisation = clauses.get(lot_id) or (ZERO, *[None] * 5)
        debut, fin = dates[lot_id]
        chiffres = suivi(
            LotEntree(id=lot_id, debut=debut, fin=fin, heures_dues=heures_dues or ZERO),
            realisees.get(lot_id, ZERO),
            jour,
            delai_grace_jours=parametres.delai_grace_jours,
            seuils=seuils,
            penalite_par_heure=penalite,
            plafond_penalites=plafond,
        )
        resultat[lot_id] = SuiviLot(guichet=guichet, lot_id=lot_id, calcule_le=calcule_le, **vars(chiffres))
    return resultat


def _suivis_ecrire(guichet, lot_ids, *, parametres, jour, calcule_le):
    """Rewrite the ``SuiviLot`` of ``lot_ids`` (``None``: every lot of the guichet). A lot without an hours clause
    has no progress to follow: its row goes."""
    suivis = suivis_calculer(guichet, lot_ids, parametres=parametres, jour=jour, calcule_le=calcule_le)
    anciens = SuiviLot.objects.filter(guichet=guichet)
    if lot_ids is not None:
        anciens = anciens.filter(lot__in=lot_ids)
    anciens.exclude(lot__in=list(suivis)).delete()
    # Only the rows whose figures changed are written: ``calcule_le`` then says when they last changed, and the
    # dashboards' caches, keyed on it (``reporting.indicateurs.empreinte``), outlive a night that changed nothing.
    chiffres = CHAMPS_SUIVI[:-1]
    inchanges = set(anciens.filter(lot__in=list(suivis)).values_list("lot_id", *chiffres))
    a_ecrire = [
        suivi
        for suivi in suivis.values()
        if (suivi.lot_id, *(getattr(suivi, champ) for champ in chiffres)) not in inchanges
    ]
    SuiviLot.objects.bulk_create(
        a_ecrire, batch_size=2000, update_conflicts=True, unique_fields=["lot"], update_fields=CHAMPS_SUIVI
    )
    return len(suivis)


# --------------------------------------------------------------------------------------------------------
# Recalculs
# --------------------------------------------------------------------------------------------------------


def _calculer(guichet_id, ids, *, lots, contrats, lignes, parametres, calcule_le, signaler):
    """Run the engine company by company: the rows of the new ledger, ready for ``COPY``, and the size of each
    company's ledger ``{entreprise_id: (rows, hours)}``."""
    moteur = ParametresMoteur.depuis(parametres)
    allocations, exclusions, tailles = [], [], {}
    for rang, entreprise_id in enumerate(ids, start=1):
        resultat = calculer(
            lots=lots.get(entreprise_id, ()),
            contrats=contrats.get(entreprise_id, ()),
            lignes=lignes.get(entreprise_id, ()),
            parametres=moteur,
        )
        allocations.extend(
            (
                guichet_id,
                entreprise_id,
                a.ligne_id,
                a.contrat_id,
                a.lot_id,
                a.debut,
                a.fin,
                a.heures,
                a.regle,
                a.modalite,
                calcule_le,
            )
            for a in resultat.allocations
        )
        exclusions.extend(
            (
                guichet_id,
                entreprise_id,
                e.ligne_id,
                e.contrat_id,
                e.lot_id,
                e.debut,
                e.fin,
                e.heures,
                e.motif,
                e.modalite,
                e.detail[:255],
                calcule_le,
            )
            for e in resultat.exclusions
        )
        ecrites = [*resultat.allocations, *resultat.exclusions]
        tailles[entreprise_id] = (len(ecrites), sum((ligne.heures for ligne in ecrites), ZERO))
        if rang % 50 == 0:
            signaler(10 + 70 * rang // len(ids))
    return allocations, exclusions, tailles


def _recalculer(guichet, entreprise_ids=None, *, lot_ids=(), progression=None, forcer=True) -> dict:
    """Recompute the companies ``entreprise_ids`` (``None``: every company of the guichet that holds a lot or has
    statement lines) in one transaction, replace their ledger, then rewrite the progress of the lots touched: those
    of their old ledger, those they hold, and ``lot_ids`` (every lot for the whole guichet).

    Unless ``forcer``, a company whose inputs and ledger are those of its last recompute (``EmpreinteDecompte``)
    keeps its ledger: the same inputs would give the same rows.

    A constant number of queries whatever the size: the inputs are read in a few ``values_list`` queries (the lines
    and contracts of the companies to recompute only), the ledger written with two ``COPY``."""
    signaler = progression or (lambda pct: None)
    tout = entreprise_ids is None
    ids = None if tout else sorted(set(entreprise_ids))
    jour, calcule_le = timezone.localdate(), timezone.now()
    with transaction.atomic():
        _regler_transaction()
        # Company locks in id order: two recomputes of overlapping sets never deadlock.
        for entreprise_id in [None] if tout else ids:
            _verrouiller(guichet.pk, entreprise_id)
        parametres = parametres_of(guichet=guichet)
        moteur = ParametresMoteur.depuis(parametres)
        leurs_lots = None if tout else Attribution.objects.filter(entreprise__in=ids).values("lot")
        clauses = _clauses(guichet, jour, lots=leurs_lots)
        lots = _lots_par_entreprise(guichet, clauses, entreprises=ids)
        contrats = Contrat.objects.filter(guichet=guichet)
        if not tout:
            contrats = contrats.filter(entreprise__in=ids)
        empreintes = _empreintes(moteur, lots, _valeurs_lignes(guichet, ids), contrats.valeurs_moteur())
        if tout:
            ids = sorted(empreintes)
        a_calculer, a_effacer = ids, ids
        if not forcer:
            anciennes_empreintes = EmpreinteDecompte.objects.filter(guichet=guichet).values_list(
                "entreprise_id", "empreinte", "lignes_grand_livre", "heures_grand_livre"
            )
            connues = {pk: (empreinte, (n, heures)) for pk, empreinte, n, heures in anciennes_empreintes}
            grand_livre = _grand_livre_par_entreprise(guichet)
            a_calculer = [pk for pk in ids if connues.get(pk) != (empreintes[pk], grand_livre.get(pk, (0, ZERO)))]
            # Also the ledger of the companies that no longer hold a lot nor have lines.
            a_effacer = sorted(set(a_calculer) | (set(grand_livre) - set(ids)))
        # Only the companies to recompute are read; all of them: no filter, the cheapest plan.
        filtre = None if tout and len(a_calculer) == len(ids) else a_calculer
        if filtre is not None:
            contrats = contrats.filter(entreprise__in=filtre)
        signaler(10)
        allocations, exclusions, tailles = _calculer(
            guichet.pk,
            a_calculer,
            lots=lots,
            contrats=contrats.entrees_moteur_par_entreprise(),
            lignes=_lignes_par_entreprise(_valeurs_lignes(guichet, filtre)),
            parametres=parametres,
            calcule_le=calcule_le,
            signaler=signaler,
        )
        # The old ledger of the companies recomputed (the whole guichet's when all are), and of those that no longer
        # hold a lot nor have lines.
        anciennes = Allocation.objects.filter(guichet=guichet)
        exclues = Exclusion.objects.filter(guichet=guichet)
        perimees = EmpreinteDecompte.objects.filter(guichet=guichet)
        if not (tout and forcer):
            anciennes, exclues = anciennes.filter(entreprise__in=a_effacer), exclues.filter(entreprise__in=a_effacer)
        if tout:
            perimees = perimees.exclude(entreprise__in=ids)
        else:
            perimees = perimees.filter(entreprise__in=ids).exclude(entreprise__in=list(empreintes))
        touches = None
        if not tout:
            touches = set(anciennes.values_list("lot_id", flat=True).distinct()) | set(lot_ids)
            touches.update(lot.id for tenus in lots.values() for lot in tenus)
        anciennes.delete()
        exclues.delete()
        perimees.delete()
        _copier(Allocation, COLONNES_ALLOCATION, allocations)
        _copier(Exclusion, COLONNES_EXCLUSION, exclusions)
        EmpreinteDecompte.objects.bulk_create(
            [
                EmpreinteDecompte(
                    guichet=guichet,
                    entreprise_id=pk,
                    empreinte=empreintes[pk],
                    lignes_grand_livre=tailles[pk][0],
                    heures_grand_livre=tailles[pk][1],
                    calcule_le=calcule_le,
                )
                for pk in a_calculer
                if pk in empreintes
            ],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["guichet", "entreprise"],
            update_fields=["empreinte", "lignes_grand_livre", "heures_grand_livre", "calcule_le"],
        )
        signaler(90)
        if touches is not None:
            # Lock the lots touched (in id order) before summing their ledger: see the module's docstring.
            lots_touches = Lot.objects.filter(guichet=guichet, pk__in=touches).order_by("pk")
            touches = list(lots_touches.select_for_update(no_key=True).values_list("pk", flat=True))
        n_lots = _suivis_ecrire(guichet, touches, parametres=parametres, jour=jour, calcule_le=calcule_le)
    return {
        "entreprises": len(ids),
        "recalculees": len(a_calculer),
        "allocations": len(allocations),
        "exclusions": len(exclusions),
        "lots": n_lots,
        "calcule_le": calcule_le.isoformat(),
    }


def entreprise_recalculer(*, guichet, entreprise_id) -> dict:
    """Recompute one company's counting and ventilation (domain.md §5.5: from scratch, same inputs, same ledger)."""
    return _recalculer(guichet, [entreprise_id])


def lots_recalculer(*, guichet, lot_ids) -> dict:
    """After a change of lots (dates, hours due, pooling, attributions): recompute every company that holds one of
    them or still has hours on one (its attribution may have just gone), then the lots' progress (a lot may have no
    company)."""
    entreprises = {
        pk
        for model in (Attribution, Allocation, Exclusion)
        for pk in model.objects.filter(guichet=guichet, lot__in=lot_ids).values_list("entreprise_id", flat=True)
    }
    return _recalculer(guichet, entreprises, lot_ids=lot_ids)


def guichet_recalculer(guichet, *, progression=None, forcer=True) -> dict:
    """The whole guichet, under the guichet's exclusive lock; ``progression(pct)`` reports progress. On demand
    (``recalculs/``) every ledger is rewritten; the nightly run passes ``forcer=False`` and rewrites only the
    companies whose inputs or ledger changed (``EmpreinteDecompte``)."""
    return _recalculer(guichet, progression=progression, forcer=forcer)


# --------------------------------------------------------------------------------------------------------
# Déclencheurs : le recalcul part au worker après le commit de ce qui l'a rendu nécessaire
# --------------------------------------------------------------------------------------------------------


# Set by ``declencheurs_suspendus``: the caller recomputes the whole guichet itself at the end.
_suspendus: ContextVar[bool] = ContextVar("declencheurs_suspendus", default=False)


@contextmanager
def declencheurs_suspendus():
    """Within this block the services send no recompute: for a bulk load (``seed_demo``) that recomputes the
    guichet once at the end instead of once per object."""
    jeton = _suspendus.set(True)
    try:
        yield
    finally:
        _suspendus.reset(jeton)


def _apres_commit(task, *args, libelle):
    if not _suspendus.get():
        # Kept as a ``Tache`` to send later if the broker is down (``guichet.services.envoyer_apres_commit``).
        envoyer_apres_commit(task, *args, libelle=libelle)


def recalcul_demander(*, guichet, entreprise_id) -> None:
    """Recompute a company once the current transaction commits (validation of a relevé, contract, eligibility):
    the task reads what was committed."""
    from .tasks import decompte_entreprise

    _apres_commit(decompte_entreprise, guichet.pk, entreprise_id, libelle="Recalcul des heures d'une entreprise")


def recalcul_lots_demander(*, guichet, lot_ids) -> None:
    """Recompute the companies of lots and their progress once the current transaction commits (dates, hours due,
    attributions, pooling of the buyer)."""
    from .tasks import decompte_lots

    ids = sorted(set(lot_ids))
    if ids:
        _apres_commit(decompte_lots, guichet.pk, ids, libelle="Recalcul des heures de lots")


def recalcul_guichet_demander(*, guichet) -> None:
    """Recompute the whole guichet once the current transaction commits (its counting settings changed)."""
    from .tasks import decompte_guichet

    _apres_commit(decompte_guichet, guichet.pk, libelle="Recalcul des heures du guichet")
