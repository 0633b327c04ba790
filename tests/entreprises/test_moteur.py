"""The hours engine (domain.md §4 counting, §5 pooling and ventilation): one worked example per rule.

Each example is a few small tables (see ``tableaux.py``): the company's lots, its contracts, its lines, then
the expected ledger. No database and no Django fixture.
"""

import subprocess
import sys
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from entreprises.moteur import (
    ErreurEntree,
    LigneEntree,
    LotEntree,
    Modalite,
    Motif,
    ParametresMoteur,
    Regle,
    calculer,
)

from . import tableaux as t


@pytest.fixture(autouse=True)
def _vider_cache():
    """The suite-wide autouse fixture cleans Redis; the engine touches neither the cache nor the database."""
    yield


def calcul(lots, lignes, contrats="contrat modalite type debut", **parametres):
    return calculer(
        lots=t.lots(lots),
        contrats=t.contrats(contrats),
        lignes=t.lignes(lignes),
        parametres=ParametresMoteur(**parametres),
    )


def assert_allocations(resultat, attendu):
    obtenu, voulu = t.allocations(resultat, attendu)
    assert obtenu == voulu


def assert_exclusions(resultat, attendu):
    obtenu, voulu = t.exclusions(resultat, attendu)
    assert obtenu == voulu


UN_LOT_2024 = """
    lot  debut       fin         dues
    1    2024-01-01  2024-12-31  1000
"""
UN_CDD = """
    contrat  modalite          type  debut
    1        embauche_directe  cdd   2024-01-01
"""


# --------------------------------------------------------------------------------------------------------
# §4 Which hours count
# --------------------------------------------------------------------------------------------------------


def test_only_validated_lines_count_the_others_are_kept_with_their_reason():
    resultat = calcul(
        UN_LOT_2024,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures  statut
            1      1        2024-01-01  2024-01-31  151.67  valide
            2      1        2024-02-01  2024-02-29  140     en_attente
            3      1        2024-03-01  2024-03-31  150     rejete
        """,
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures  regle
        1      1    151.67  echeance
        """,
    )
    assert_exclusions(
        resultat,
        """
        ligne  heures  motif
        2      140     ligne_en_attente
        3      150     ligne_rejetee
        """,
    )
    assert resultat.lots[1].heures_realisees == D("151.67")


def test_lines_of_a_contract_without_eligibility_at_its_start_are_excluded_with_the_callers_reason():
    resultat = calcul(
        UN_LOT_2024,
        contrats="""
            contrat  modalite          type  debut       eligible  motif
            1        embauche_directe  cdd   2024-01-01  oui       -
            2        embauche_directe  cdd   2024-01-01  non       eligibilite_expiree
        """,
        lignes="""
            ligne  contrat  debut       fin         heures
            1      1        2024-01-01  2024-01-31  100
            2      2        2024-01-01  2024-01-31  80
        """,
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures
        1      1    100
        """,
    )
    assert_exclusions(
        resultat,
        """
        ligne  heures  motif         modalite
        2      80      non_eligible  embauche_directe
        """,
    )
    assert resultat.exclusions[0].detail == "eligibilite expiree"
    assert Motif.NON_ELIGIBLE.libelle == "Personne sans éligibilité valide au début du contrat"


def test_direct_hires_and_placements_count_as_declared_whatever_the_contract_type():
    resultat = calcul(
        UN_LOT_2024,
        contrats="""
            contrat  modalite            type           debut
            1        embauche_directe    cdi            2024-01-01
            2        embauche_directe    contrat_pro    2024-01-01
            3        mise_a_disposition  interim        2024-01-01
        """,
        lignes="""
            ligne  contrat  debut       fin         heures
            1      1        2024-01-01  2024-01-31  151.67
            2      2        2024-01-01  2024-01-31  120.50
            3      3        2024-01-01  2024-01-31  70
        """,
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures  modalite
        1      1    151.67  embauche_directe
        2      1    120.50  embauche_directe
        3      1    70      mise_a_disposition
        """,
    )
    assert dict(resultat.lots[1].par_modalite) == {
        Modalite.EMBAUCHE_DIRECTE: D("272.17"),
        Modalite.MISE_A_DISPOSITION: D("70.00"),
    }


FORMATION = """
    contrat  modalite   type       debut
    1        formation  formation  2024-01-01
    2        embauche_directe  cdd  2024-01-01
"""


def test_training_counts_only_when_the_guichet_counts_it():
    lignes = """
        ligne  contrat  debut       fin         heures
        1      1        2024-01-08  2024-01-19  70
    """
    comptee = calcul(UN_LOT_2024, lignes, FORMATION, formation_comptee=True)
    assert_allocations(
        comptee,
        """
        ligne  lot  heures  modalite
        1      1    70      formation
        """,
    )
    pas_comptee = calcul(UN_LOT_2024, lignes, FORMATION, formation_comptee=False)
    assert pas_comptee.allocations == ()
    assert_exclusions(
        pas_comptee,
        """
        ligne  heures  motif
        1      70      formation_non_comptee
        """,
    )


def test_training_is_capped_per_lot_at_a_share_of_its_hours_due():
    # 10 % of 200 h due: at most 20 h of training on the lot; work hours are not capped.
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-01-01  2024-12-31  200
        """,
        contrats=FORMATION,
        lignes="""
            ligne  contrat  debut       fin         heures
            1      1        2024-01-01  2024-01-31  15
            2      1        2024-02-01  2024-02-29  10
            3      2        2024-03-01  2024-03-31  100
        """,
        plafond_formation_pct="0.10",
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures  regle
        1      1    15      echeance
        2      1    5       echeance
        3      1    100     echeance
        """,
    )
    assert_exclusions(
        resultat,
        """
        ligne  lot  heures  motif
        2      -    5       plafond_formation
        """,
    )


def test_the_training_cap_is_per_lot_and_also_bounds_training_counted_as_overrun():
    # Caps: lot 1 = 50 % × 100 = 50 h, lot 2 = 50 % × 40 = 20 h.
    # Line 1 fills lot 1 with work (ends first); line 2, training, goes to lot 2 up to its cap then, lot 1
    # being full, as overrun on lot 1 up to lot 1's cap; the rest is over every cap.
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-01-01  2024-06-30  100
        2    2024-01-01  2024-12-31  40
        """,
        contrats=FORMATION,
        lignes="""
            ligne  contrat  debut       fin         heures
            1      2        2024-01-01  2024-01-31  100
            2      1        2024-02-01  2024-02-29  80
        """,
        plafond_formation_pct="0.5",
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures  regle        modalite
        1      1    100     echeance     embauche_directe
        2      2    20      echeance     formation
        2      1    50      depassement  formation
        """,
    )
    assert_exclusions(
        resultat,
        """
        ligne  lot  heures  motif
        2      -    10      plafond_formation
        """,
    )


def test_an_explicit_training_line_is_capped_on_its_lot():
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-01-01  2024-12-31  100
        """,
        contrats=FORMATION,
        lignes="""
            ligne  contrat  debut       fin         heures  lot
            1      1        2024-01-01  2024-01-31  30      1
        """,
        plafond_formation_pct="0.2",
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures  regle
        1      1    20      explicite
        """,
    )
    assert_exclusions(
        resultat,
        """
        ligne  lot  heures  motif
        1      1    10      plafond_formation
        """,
    )


LOT_SOUS_TRAITANCE = """
    lot  debut       fin         dues  taux_mo  cout
    1    2024-01-01  2024-12-31  1000  0.5      25
"""
LIGNE_SOUS_TRAITANCE = """
    ligne  st  debut       fin         montant  heures  lot
    1      7   2024-03-01  2024-03-31  10000    300     1
"""


@pytest.mark.parametrize(
    ("conversion", "taux_forfaitaire", "heures"),
    [
        # conversion         €/h   hours
        ("montant_mo", None, "200"),  # 10 000 € × 50 % ÷ 25 €/h (the lot's own rates)
        ("taux_forfaitaire", "40", "250"),  # 10 000 € ÷ 40 €/h (the guichet's flat rate)
        ("heures_declarees", None, "300"),  # the structure's declared hours
    ],
)
def test_subcontracting_with_a_structure_inclusive_is_converted_into_hours(conversion, taux_forfaitaire, heures):
    resultat = calcul(
        LOT_SOUS_TRAITANCE,
        LIGNE_SOUS_TRAITANCE,
        conversion_sous_traitance=conversion,
        taux_horaire_forfaitaire=taux_forfaitaire,
    )
    assert_allocations(
        resultat,
        f"""
        ligne  lot  heures    regle      modalite
        1      1    {heures}  explicite  sous_traitance
        """,
    )
    assert resultat.heures_lignes == {1: D(heures)}


def test_subcontracting_lines_that_cannot_count_say_why():
    resultat = calcul(
        LOT_SOUS_TRAITANCE,
        """
        ligne  st  debut       fin         montant  lot  inclusive
        1      7   2024-03-01  2024-03-31  10000    -    oui
        2      7   2024-03-01  2024-03-31  10000    1    non
        3      7   2024-03-01  2024-03-31  -        1    oui
        """,
        conversion_sous_traitance="taux_forfaitaire",
        taux_horaire_forfaitaire="40",
    )
    assert resultat.allocations == ()
    assert_exclusions(
        resultat,
        """
        ligne  lot  heures  motif
        1      -    250     sous_traitance_sans_lot
        2      1    250     structure_non_inclusive
        3      1    0       conversion_impossible
        """,
    )


def test_a_missing_conversion_setting_excludes_the_line_with_zero_hours_and_its_reason():
    sans_taux = calcul(LOT_SOUS_TRAITANCE, LIGNE_SOUS_TRAITANCE, conversion_sous_traitance="taux_forfaitaire")
    lot_sans_taux = calcul(
        """
        lot  debut       fin         dues
        1    2024-01-01  2024-12-31  1000
        """,
        LIGNE_SOUS_TRAITANCE,
    )
    for resultat in (sans_taux, lot_sans_taux):
        assert_exclusions(
            resultat,
            """
            ligne  lot  heures  motif
            1      1    0       conversion_impossible
            """,
        )


CDI_ET_AUTRES = """
    contrat  modalite            type  debut       eligible
    1        embauche_directe    cdi   2024-03-15  oui
    2        embauche_directe    cdd   2024-03-15  oui
    3        embauche_directe    cdi   2024-03-15  non
    4        embauche_directe    cdi   2024-03-15  oui
    5        mise_a_disposition  cdi   2024-03-15  oui
"""
LIGNES_CDI = """
    ligne  contrat  debut       fin         heures  statut
    1      1        2024-04-01  2024-04-30  150     valide
    2      2        2024-04-01  2024-04-30  150     valide
    3      3        2024-04-01  2024-04-30  150     valide
    4      4        2024-04-01  2024-04-30  150     en_attente
    5      5        2024-04-01  2024-04-30  150     valide
"""


def test_cdi_bonus_flat_hours_once_per_eligible_direct_cdi_dated_at_its_start():
    # Only contract 1 qualifies: a CDI, a direct hire, eligible, with at least one validated line.
    resultat = calcul(UN_LOT_2024, LIGNES_CDI, CDI_ET_AUTRES, bonus_cdi="heures_forfaitaires", bonus_cdi_heures="150")
    assert_allocations(
        resultat,
        """
        ligne  lot  debut       fin         heures  regle     modalite
        1      1    2024-04-01  2024-04-30  150     echeance  embauche_directe
        2      1    2024-04-01  2024-04-30  150     echeance  embauche_directe
        5      1    2024-04-01  2024-04-30  150     echeance  mise_a_disposition
        cdi1   1    2024-03-15  2024-03-15  150     echeance  bonus_cdi
        """,
    )
    assert resultat.bonus_cdi == {1: D("150")}
    aucun = calcul(UN_LOT_2024, LIGNES_CDI, CDI_ET_AUTRES, bonus_cdi="aucun", bonus_cdi_heures="150")
    assert aucun.bonus_cdi == {}


def test_a_cdi_bonus_is_allocated_like_a_line_so_it_can_fall_outside_every_window():
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-04-01  2024-12-31  1000
        """,
        LIGNES_CDI,
        CDI_ET_AUTRES,
        bonus_cdi="heures_forfaitaires",
        bonus_cdi_heures="150",
    )
    assert_exclusions(
        resultat,
        """
        ligne  heures  motif         modalite
        cdi1   150     hors_fenetre  bonus_cdi
        3      150     non_eligible  embauche_directe
        4      150     ligne_en_attente  embauche_directe
        """,
    )


@pytest.mark.parametrize(
    ("fin_lot", "fin_contrat", "annees_max", "jours", "bonus"),
    [
        # lot ends   CDI ends     max years  valued days  bonus = 1607 h × days ÷ 365 − 151.67 h worked in July
        ("2024-12-31", None, None, 184, "658.43"),  # up to the end of the lot's window
        ("2026-12-31", None, 1, 365, "1455.33"),  # capped at one year
        ("2024-12-31", "2024-08-31", None, 62, "121.30"),  # the CDI was broken off on 31 August
    ],
)
def test_cdi_bonus_remaining_duration_tops_the_cdi_up_to_a_full_time_equivalent(
    fin_lot, fin_contrat, annees_max, jours, bonus
):
    resultat = calcul(
        f"""
        lot  debut       fin        dues
        1    2024-01-01  {fin_lot}  5000
        """,
        contrats=f"""
            contrat  modalite          type  debut       fin
            1        embauche_directe  cdi   2024-07-01  {fin_contrat or "-"}
        """,
        lignes="""
            ligne  contrat  debut       fin         heures
            1      1        2024-07-01  2024-07-31  151.67
        """,
        bonus_cdi="duree_restante",
        bonus_cdi_annees_max=annees_max,
    )
    assert resultat.bonus_cdi == {1: D(bonus)}
    assert D(bonus) == (D(1607) * jours / 365 - D("151.67")).quantize(D("0.01"))
    assert_allocations(
        resultat,
        f"""
        ligne  lot  heures   modalite
        1      1    151.67   embauche_directe
        cdi1   1    {bonus}  bonus_cdi
        """,
    )


def test_cdi_bonus_remaining_duration_without_any_window_on_the_start_day_is_zero_and_not_written():
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-09-01  2024-12-31  500
        """,
        contrats="""
            contrat  modalite          type  debut
            1        embauche_directe  cdi   2024-07-01
        """,
        lignes="""
            ligne  contrat  debut       fin         heures
            1      1        2024-09-01  2024-09-30  151.67
        """,
        bonus_cdi="duree_restante",
    )
    assert resultat.bonus_cdi == {}
    assert [a.modalite for a in resultat.allocations] == [Modalite.EMBAUCHE_DIRECTE]


# --------------------------------------------------------------------------------------------------------
# §4 Counting windows and day-prorating
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grace", "dans", "hors"),
    [
        # grace days  counted  outside (31 days of July at 2 h a day; the lot ends on 30 June)
        (0, None, "62"),
        (15, "30", "32"),  # window until 15 July: 15 days counted
        (40, "62", None),
    ],
)
def test_grace_days_extend_the_window_and_a_straddling_period_is_prorated_by_calendar_days(grace, dans, hors):
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-01-01  2024-06-30  1000
        """,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures
            1      1        2024-07-01  2024-07-31  62
        """,
        delai_grace_jours=grace,
    )
    assert [a.heures for a in resultat.allocations] == ([D(dans)] if dans else [])
    assert [(e.heures, e.motif) for e in resultat.exclusions] == ([(D(hors), Motif.HORS_FENETRE)] if hors else [])


def test_a_period_straddling_window_edges_is_split_into_day_slices_with_exact_cents():
    # 100 h over 3 days, one day per lot: 33.33 + 33.34 + 33.33 (cumulative rounding, the sum is exact).
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-01-01  2024-06-30  1000
        2    2024-07-01  2024-07-01  1000
        3    2024-07-02  2024-12-31  1000
        """,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures
            1      1        2024-06-30  2024-07-02  100
            2      1        2024-06-21  2024-07-10  100
        """,
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  debut       fin         heures
        1      1    2024-06-30  2024-06-30  33.33
        1      2    2024-07-01  2024-07-01  33.34
        1      3    2024-07-02  2024-07-02  33.33
        2      1    2024-06-21  2024-06-30  50
        2      2    2024-07-01  2024-07-01  5
        2      3    2024-07-02  2024-07-10  45
        """,
    )


def test_pooling_only_reaches_lots_that_allow_it_the_others_need_an_explicit_line():
    resultat = calcul(
        """
        lot  debut       fin         dues  mutualise
        1    2024-01-01  2024-12-31  500   non
        2    2024-01-01  2024-06-30  500   oui
        """,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures  lot
            1      1        2024-03-01  2024-03-31  100     -
            2      1        2024-09-01  2024-09-30  100     -
            3      1        2024-09-01  2024-09-30  100     1
            4      1        2025-01-01  2025-01-31  100     -
        """,
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures  regle
        1      2    100     echeance
        3      1    100     explicite
        """,
    )
    assert_exclusions(
        resultat,
        """
        ligne  lot  heures  motif
        2      -    100     mutualisation_refusee
        4      -    100     hors_fenetre
        """,
    )


def test_only_lots_held_as_titulaire_or_cotraitant_with_an_hours_clause_are_candidates():
    resultat = calcul(
        """
        lot  debut       fin         dues  role           clause
        1    2024-01-01  2024-12-31  100   cotraitant     oui
        2    2024-01-01  2024-06-30  100   sous_traitant  oui
        3    2024-01-01  2024-06-30  100   titulaire      non
        """,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures
            1      1        2024-03-01  2024-03-31  100
        """,
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures
        1      1    100
        """,
    )
    assert set(resultat.lots) == {1}


# --------------------------------------------------------------------------------------------------------
# §5.2 Explicit lines
# --------------------------------------------------------------------------------------------------------


def test_the_lines_own_lot_wins_over_its_contracts_lot():
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-01-01  2024-06-30  1000
        2    2024-01-01  2024-12-31  1000
        """,
        contrats="""
            contrat  modalite          type  debut       lot
            1        embauche_directe  cdd   2024-01-01  2
        """,
        lignes="""
            ligne  contrat  debut       fin         heures  lot
            1      1        2024-03-01  2024-03-31  100     -
            2      1        2024-04-01  2024-04-30  100     1
        """,
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures  regle
        1      2    100     explicite
        2      1    100     explicite
        """,
    )


def test_explicit_lines_are_applied_before_earlier_pooled_lines():
    # Line 2 (May, explicit) is applied first: lot 1 keeps 40 h for the January line, which overflows to lot 2.
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-01-01  2024-06-30  100
        2    2024-01-01  2024-12-31  100
        """,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures  lot
            1      1        2024-01-01  2024-01-31  100     -
            2      1        2024-05-01  2024-05-31  60      1
        """,
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures  regle
        2      1    60      explicite
        1      1    40      echeance
        1      2    60      echeance
        """,
    )


def test_an_explicit_line_beyond_its_lots_remaining_hours_counts_there_as_overrun():
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-01-01  2024-12-31  50
        2    2024-01-01  2024-12-31  1000
        """,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures  lot
            1      1        2024-03-01  2024-03-31  80      1
        """,
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures  regle
        1      1    50      explicite
        1      1    30      depassement
        """,
    )
    lot = resultat.lots[1]
    assert (lot.heures_realisees, lot.depassement) == (D("80"), D("30"))


def test_an_explicit_line_counts_only_inside_its_lots_window_never_on_another_lot():
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-01-01  2024-06-30  1000
        2    2024-07-01  2024-12-31  1000
        """,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures  lot
            1      1        2024-06-21  2024-07-10  100     1
        """,
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  debut       fin         heures  regle
        1      1    2024-06-21  2024-06-30  50      explicite
        """,
    )
    assert_exclusions(
        resultat,
        """
        ligne  lot  debut       fin         heures  motif
        1      1    2024-07-01  2024-07-10  50      lot_explicite_hors_fenetre
        """,
    )


def test_an_explicit_line_to_a_lot_that_owes_nothing_to_this_company_is_excluded():
    resultat = calcul(
        """
        lot  debut       fin         dues  role           clause
        3    2024-01-01  2024-12-31  100   sous_traitant  oui
        4    2024-01-01  2024-12-31  100   titulaire      non
        5    -           -           100   titulaire      oui
        """,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures  lot
            1      1        2024-03-01  2024-03-31  10      99
            2      1        2024-03-01  2024-03-31  20      3
            3      1        2024-03-01  2024-03-31  30      4
            4      1        2024-03-01  2024-03-31  40      5
        """,
    )
    assert resultat.allocations == ()
    assert_exclusions(
        resultat,
        """
        ligne  lot  heures  motif
        1      99   10      lot_autre_entreprise
        2      3    20      lot_sous_traitant
        3      4    30      lot_non_clause
        4      5    40      lot_sans_dates
        """,
    )
    assert set(resultat.lots) == {5}


# --------------------------------------------------------------------------------------------------------
# §5.3 Ventilation of the other lines
# --------------------------------------------------------------------------------------------------------

TROIS_LOTS = """
    lot  debut       fin         dues
    1    2024-01-01  2024-06-30  100
    2    2024-01-01  2024-12-31  100
    3    2024-01-01  2024-12-31  100
"""


def test_echeance_fills_the_lot_that_ends_first_then_the_next_ties_by_lot_id():
    resultat = calcul(
        TROIS_LOTS,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures
            1      1        2024-03-01  2024-03-31  250
        """,
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures  regle
        1      1    100     echeance
        1      2    100     echeance
        1      3    50      echeance
        """,
    )


def test_when_every_candidate_is_full_the_rest_is_overrun_on_the_lot_that_ends_first():
    for regle in ("echeance", "prorata"):
        resultat = calcul(
            TROIS_LOTS,
            contrats=UN_CDD,
            lignes="""
                ligne  contrat  debut       fin         heures
                1      1        2024-03-01  2024-03-31  350
            """,
            regle_ventilation=regle,
        )
        assert_allocations(
            resultat,
            f"""
            ligne  lot  heures  regle
            1      1    100     {regle}
            1      2    100     {regle}
            1      3    100     {regle}
            1      1    50      depassement
            """,
        )
        assert [resultat.lots[i].depassement for i in (1, 2, 3)] == [D(50), D(0), D(0)]


def test_prorata_splits_in_proportion_to_the_remaining_hours_due():
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-01-01  2024-06-30  100
        2    2024-01-01  2024-12-31  300
        """,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures
            1      1        2024-03-01  2024-03-31  100
            2      1        2024-04-01  2024-04-30  150
        """,
        regle_ventilation="prorata",
    )
    # line 1: 100 × 100/400 and 100 × 300/400; line 2: remaining 75 and 225 → 150 × 75/300 and 150 × 225/300.
    assert_allocations(
        resultat,
        """
        ligne  lot  heures  regle
        1      1    25      prorata
        1      2    75      prorata
        2      1    37.50   prorata
        2      2    112.50  prorata
        """,
    )


def test_prorata_gives_the_rounding_cents_by_largest_remainder_ties_to_the_lot_that_ends_first():
    resultat = calcul(
        """
        lot  debut       fin         dues
        7    2024-01-01  2024-12-31  1
        8    2024-01-01  2024-06-30  1
        9    2024-01-01  2024-09-30  1
        """,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures
            1      1        2024-03-01  2024-03-01  1
        """,
        regle_ventilation="prorata",
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures
        1      8    0.34
        1      9    0.33
        1      7    0.33
        """,
    )


def test_other_lines_are_taken_chronologically_then_by_id():
    # Same day for lines 3 and 5: line 3 first; line 2 is a month later despite its smaller id.
    resultat = calcul(
        """
        lot  debut       fin         dues
        1    2024-01-01  2024-06-30  100
        2    2024-01-01  2024-12-31  1000
        """,
        contrats=UN_CDD,
        lignes="""
            ligne  contrat  debut       fin         heures
            5      1        2024-03-01  2024-03-31  60
            2      1        2024-04-01  2024-04-30  60
            3      1        2024-03-01  2024-03-31  60
        """,
    )
    assert_allocations(
        resultat,
        """
        ligne  lot  heures
        3      1    60
        5      1    40
        5      2    20
        2      2    60
        """,
    )
    assert [(a.ligne_id, a.lot_id) for a in resultat.allocations] == [(3, 1), (5, 1), (5, 2), (2, 2)]


# --------------------------------------------------------------------------------------------------------
# Inputs, settings, purity
# --------------------------------------------------------------------------------------------------------


def test_settings_are_read_from_the_guichets_parametres_object_or_a_dict():
    modele = SimpleNamespace(
        conversion_sous_traitance="taux_forfaitaire",
        taux_horaire_forfaitaire=D("40.00"),
        formation_comptee=False,
        plafond_formation_pct=None,
        delai_grace_jours=15,
        bonus_cdi="duree_restante",
        bonus_cdi_heures=None,
        bonus_cdi_annees_max=2,
        regle_ventilation="prorata",
        heures_etp=D("1607.00"),
        cout_horaire=D("25"),  # not an engine setting: ignored
    )
    parametres = ParametresMoteur.depuis(modele)
    assert parametres.regle_ventilation == "prorata"
    assert parametres.delai_grace_jours == 15
    assert parametres.bonus_cdi_annees_max == 2
    assert ParametresMoteur.depuis({"delai_grace_jours": 3}) == ParametresMoteur(delai_grace_jours=3)
    assert ParametresMoteur.depuis({}) == ParametresMoteur()


@pytest.mark.parametrize(
    ("parametres", "champ"),
    [
        ({"regle_ventilation": "au_hasard"}, "regle_ventilation"),
        ({"plafond_formation_pct": "1.5"}, "plafond_formation_pct"),
        ({"delai_grace_jours": -1}, "delai_grace_jours"),
        ({"bonus_cdi_annees_max": 0}, "bonus_cdi_annees_max"),
        ({"heures_etp": "beaucoup"}, "heures_etp"),
    ],
)
def test_invalid_settings_are_refused(parametres, champ):
    with pytest.raises(ErreurEntree) as erreur:
        ParametresMoteur(**parametres)
    assert erreur.value.champ == champ


JOUR = date(2024, 3, 1)


@pytest.mark.parametrize(
    ("lots", "lignes"),
    [
        ([LotEntree(1, JOUR, JOUR, D(1)), LotEntree(1, JOUR, JOUR, D(1))], []),
        ([LotEntree(1, JOUR, date(2024, 2, 1), D(1))], []),
        ([LotEntree(1, JOUR, JOUR, D(-1))], []),
        ([], [LigneEntree(1, JOUR, JOUR, D(1), contrat_id=1), LigneEntree(1, JOUR, JOUR, D(1), contrat_id=1)]),
        ([], [LigneEntree(1, JOUR, date(2024, 2, 1), D(1), contrat_id=1)]),
        ([], [LigneEntree(1, JOUR, JOUR, D(1), contrat_id=42)]),
        ([], [LigneEntree(1, JOUR, JOUR, D(1))]),
        ([], [LigneEntree(1, JOUR, JOUR, D(1), contrat_id=1, sous_traitant_id=7)]),
        ([], [LigneEntree(1, JOUR, JOUR, D(-5), contrat_id=1)]),
        ([], [LigneEntree(1, JOUR, JOUR, D(1), contrat_id=1, statut="brouillon")]),
    ],
)
def test_inconsistent_inputs_raise_instead_of_being_counted(lots, lignes):
    contrats = t.contrats(UN_CDD)
    with pytest.raises(ErreurEntree):
        calculer(lots=lots, contrats=contrats, lignes=lignes)


def test_hours_are_rounded_to_the_cent_on_entry_and_the_ledger_is_in_hours_with_two_decimals():
    resultat = calculer(
        lots=t.lots(UN_LOT_2024),
        contrats=t.contrats(UN_CDD),
        lignes=[LigneEntree(1, JOUR, JOUR, D("7.005"), contrat_id=1)],
    )
    assert resultat.heures_lignes == {1: D("7.01")}
    assert [(str(a.heures), a.regle) for a in resultat.allocations] == [("7.01", Regle.ECHEANCE)]


def test_every_reason_has_a_french_label():
    assert all(motif.libelle for motif in Motif)


def test_the_module_is_pure_it_imports_no_django():
    code = "import sys, entreprises.moteur; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    sortie = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30)
    assert sortie.stdout.strip() == "False"
