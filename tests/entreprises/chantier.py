"""A small building site for the recorded counting's tests: lots with an hours clause, eligible contracts,
statement lines; and the ledger read back without what changes from one run to the next."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.db import connections

from entreprises.models import Allocation, Exclusion

from ..factories import (
    AcheteurFactory,
    AttributionFactory,
    ConsiderationFactory,
    ContratFactory,
    EligibiliteFactory,
    EntrepriseFactory,
    LigneReleveFactory,
    LotFactory,
    MarcheFactory,
    ReleveFactory,
)

D = Decimal


def lot_clause(territoire, *, heures, debut, fin, mutualisation=True, penalite=None, **lot):
    """A lot with its own execution dates and an hours clause of ``heures`` hours (a forfait, already calibrated)."""
    acheteur = AcheteurFactory(guichet=territoire.guichet, mutualisation_autorisee=mutualisation)
    lot = LotFactory(
        guichet=territoire.guichet,
        marche=MarcheFactory(guichet=territoire.guichet, acheteur=acheteur),
        date_debut_execution=debut,
        date_fin_execution=fin,
        **lot,
    )
    ConsiderationFactory(
        guichet=territoire.guichet,
        lot=lot,
        type="clause_heures",
        mode_calcul="forfait",
        heures_forfait=heures,
        heures_dues=heures,
        taux_main_oeuvre_retenu=D("0.5"),
        cout_horaire_retenu=D("25"),
        penalite_par_heure=penalite,
    )
    return lot


def contrat_eligible(territoire, entreprise, **kwargs):
    contrat = ContratFactory(guichet=territoire.guichet, entreprise=entreprise, **kwargs)
    EligibiliteFactory(guichet=territoire.guichet, beneficiaire=contrat.beneficiaire)
    return contrat


def ligne(territoire, contrat, debut, fin, heures, **kwargs):
    releve = ReleveFactory(guichet=territoire.guichet, entreprise=contrat.entreprise, periode=debut.replace(day=1))
    kwargs.setdefault("valide", True)
    return LigneReleveFactory(
        guichet=territoire.guichet,
        releve=releve,
        contrat=contrat,
        date_debut=debut,
        date_fin=fin,
        heures=heures,
        **kwargs,
    )


CHAMPS_GRAND_LIVRE = (
    "entreprise_id",
    "ligne_id",
    "contrat_id",
    "lot_id",
    "debut",
    "fin",
    "heures",
    "regle",
    "modalite",
)


def grand_livre(*champs, **filtre):
    """The ledger (sorted rows of ``champs``) without what changes from one run to the next (ids, ``calcule_le``)."""
    return sorted(Allocation.objects.filter(**filtre).values_list(*(champs or CHAMPS_GRAND_LIVRE)))


def exclusions(**filtre):
    return sorted(
        Exclusion.objects.filter(**filtre).values_list("entreprise_id", "ligne_id", "lot_id", "heures", "motif")
    )


def chantier(guichet_a):
    """A company holding two lots: A (April–December 2026, 500 h, 60 € per missing hour) and B (January–June 2026,
    100 h), one eligible person's contract, three validated months and one line awaiting validation."""
    with guichet_a.scope():
        entreprise = EntrepriseFactory(guichet=guichet_a.guichet)
        lot_a = lot_clause(guichet_a, heures=500, debut=date(2026, 4, 1), fin=date(2026, 12, 31), penalite=D("60"))
        lot_b = lot_clause(guichet_a, heures=100, debut=date(2026, 1, 1), fin=date(2026, 6, 30))
        for lot in (lot_a, lot_b):
            AttributionFactory(guichet=guichet_a.guichet, lot=lot, entreprise=entreprise)
        contrat = contrat_eligible(guichet_a, entreprise, date_debut=date(2026, 2, 1), date_fin=date(2026, 12, 31))
        lignes = [
            ligne(guichet_a, contrat, date(2026, 3, 1), date(2026, 3, 31), 80),
            ligne(guichet_a, contrat, date(2026, 4, 1), date(2026, 4, 30), 120),
            ligne(guichet_a, contrat, date(2026, 5, 1), date(2026, 5, 31), 150),
            ligne(guichet_a, contrat, date(2026, 6, 1), date(2026, 6, 30), 100, valide=False),
        ]
    return guichet_a, entreprise, lot_a, lot_b, contrat, lignes


@contextmanager
def recalcul_concurrent(territoire, entreprise):
    """Another connection runs a recompute of the company: it holds the locks a recompute takes, until the block
    ends (rolled back)."""
    tiers = connections.create_connection("default")
    try:
        with tiers.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [territoire.guichet.pk])
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [territoire.guichet.pk, entreprise.pk])
            yield
            cursor.execute("ROLLBACK")
    finally:
        tiers.close()
