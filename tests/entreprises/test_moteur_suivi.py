"""Progress figures of a lot (``lots/<id>/suivi/``): small pure functions of the hours engine, by worked tables."""

from datetime import date
from decimal import Decimal as D

import pytest

from entreprises.moteur import (
    ErreurEntree,
    LotEntree,
    Seuils,
    StatutRisque,
    depassement,
    penalite_theorique,
    projection_fin,
    reste_a_realiser,
    statut_risque,
    suivi,
    taux_realisation,
)

from .tableaux import lire


@pytest.fixture(autouse=True)
def _vider_cache():
    """The suite-wide autouse fixture cleans Redis; these functions touch neither the cache nor the database."""
    yield


def decimal_ou_rien(valeur):
    return None if valeur is None else D(valeur)


def jour(valeur):
    return None if valeur is None else date.fromisoformat(valeur)


RATIOS = lire("""
    dues  realisees  taux    reste   depassement
    833   0          0.0000  833     0
    833   416.50     0.5000  416.50  0
    833   833        1.0000  0       0
    1000  1200       1.2000  0       200
    300   100        0.3333  200     0
    0     10         -       0       10
""")


@pytest.mark.parametrize("cas", RATIOS, ids=lambda cas: f"{cas['realisees']}/{cas['dues']}")
def test_rate_rest_and_overrun(cas):
    dues, realisees = D(cas["dues"]), D(cas["realisees"])
    assert taux_realisation(realisees, dues) == decimal_ou_rien(cas["taux"])
    assert reste_a_realiser(realisees, dues) == D(cas["reste"])
    assert depassement(realisees, dues) == D(cas["depassement"])


# Window 2024-01-01 .. 2024-12-31 (366 days): at linear pace, done ÷ elapsed days × 366.
PROJECTIONS = lire("""
    au          realisees  projection
    2023-12-31  0          -
    2024-01-01  10         3660.00
    2024-07-01  500        1000.00
    2024-03-31  100        402.20
    2024-12-31  800        800.00
    2025-03-01  800        800.00
""")


@pytest.mark.parametrize("cas", PROJECTIONS, ids=lambda cas: cas["au"])
def test_projection_at_the_end_of_the_window_at_linear_pace(cas):
    projection = projection_fin(D(cas["realisees"]), date(2024, 1, 1), date(2024, 12, 31), jour(cas["au"]))
    assert projection == decimal_ou_rien(cas["projection"])


# 1 000 h due over 2024; on 1 July 183 of 366 days have passed, so the projection is twice the hours done.
STATUTS = lire("""
    au          realisees  statut       seuil_vert  seuil_orange
    2023-12-31  0          non_demarre  1           0.8
    2024-07-01  500        vert         1           0.8
    2024-07-01  450        orange       1           0.8
    2024-07-01  400        orange       1           0.8
    2024-07-01  399.99     rouge        1           0.8
    2024-07-01  450        vert         0.9         0.5
    2024-07-01  200        rouge        0.9         0.5
    2025-01-01  0          termine      1           0.8
""")


@pytest.mark.parametrize("cas", STATUTS, ids=lambda cas: f"{cas['au']}-{cas['realisees']}")
def test_risk_status_compares_the_projection_with_thresholds(cas):
    debut, fin, au = date(2024, 1, 1), date(2024, 12, 31), jour(cas["au"])
    projection = projection_fin(D(cas["realisees"]), debut, fin, au)
    seuils = Seuils(vert=D(cas["seuil_vert"]), orange=D(cas["seuil_orange"]))
    assert statut_risque(D(1000), projection, debut, fin, au, seuils) == cas["statut"]


def test_default_thresholds_are_100_and_80_percent_and_must_be_ordered():
    assert (Seuils().vert, Seuils().orange) == (D(1), D("0.8"))
    with pytest.raises(ErreurEntree):
        Seuils(vert=D("0.5"), orange=D("0.8"))


def test_a_lot_without_hours_due_or_without_dates():
    assert statut_risque(D(0), D(0), date(2024, 1, 1), date(2024, 12, 31), date(2024, 6, 1)) == StatutRisque.VERT
    assert statut_risque(D(100), None, None, None, date(2024, 6, 1)) == StatutRisque.NON_DEMARRE


PENALITES = lire("""
    manquantes  par_heure  plafond  penalite
    200         60         -        12000.00
    200         60         5000     5000.00
    0           200        -        0.00
    12.5        60         -        750.00
    200         -          -        -
""")


@pytest.mark.parametrize("cas", PENALITES, ids=lambda cas: f"{cas['manquantes']}h×{cas['par_heure']}")
def test_theoretical_penalty_per_missing_hour_optionally_capped(cas):
    penalite = penalite_theorique(
        D(cas["manquantes"]), decimal_ou_rien(cas["par_heure"]), decimal_ou_rien(cas["plafond"])
    )
    assert penalite == decimal_ou_rien(cas["penalite"])


LOT = LotEntree(1, date(2024, 1, 1), date(2024, 12, 31), D(1000))

# The whole suivi of one lot of 1 000 h over 2024 at 60 €/h, on several dates. The pace is measured over the
# execution; during the grace days (last row) nothing more is projected but the lot is not closed yet.
SUIVIS = lire("""
    au          grace  realisees  taux    reste  projection  statut       penalites
    2023-12-01  0      0          0.0000  1000   -           non_demarre  -
    2024-07-01  0      450        0.4500  550    900.00      orange       6000.00
    2024-07-01  0      600        0.6000  400    1200.00     vert         0.00
    2025-01-15  0      800        0.8000  200    800.00      termine      12000.00
    2025-01-15  31     800        0.8000  200    800.00      orange       12000.00
""")


@pytest.mark.parametrize("cas", SUIVIS, ids=lambda cas: f"{cas['au']}+{cas['grace']}-{cas['realisees']}")
def test_suivi_of_a_lot(cas):
    resultat = suivi(
        LOT, D(cas["realisees"]), jour(cas["au"]), delai_grace_jours=int(cas["grace"]), penalite_par_heure=D(60)
    )
    assert resultat.heures_dues == D(1000)
    assert resultat.taux_realisation == D(cas["taux"])
    assert resultat.reste_a_realiser == D(cas["reste"])
    assert resultat.projection_fin == decimal_ou_rien(cas["projection"])
    assert resultat.statut_risque == cas["statut"]
    assert resultat.penalites_estimees == decimal_ou_rien(cas["penalites"])


def test_suivi_shows_overrun_and_caps_penalties():
    termine = suivi(LOT, D(1250), date(2025, 2, 1), penalite_par_heure=D(200), plafond_penalites=D(10_000))
    assert (termine.depassement, termine.reste_a_realiser, termine.penalites_estimees) == (D(250), D(0), D(0))
    en_retard = suivi(LOT, D(100), date(2025, 2, 1), penalite_par_heure=D(200), plafond_penalites=D(10_000))
    assert en_retard.penalites_estimees == D(10_000)
    assert suivi(LOT, D(100), date(2025, 2, 1)).penalites_estimees is None
