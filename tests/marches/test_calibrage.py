"""Calibration of a clause's hours (domain.md §3): the pure module ``marches.calibrage``.

No database and no Django fixture: the published cases of domain.md, every rule of §3 one by one, the French
messages and explanation, the avenant history, then hypothesis properties.
"""

import subprocess
import sys
from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marches.calibrage import (
    COUT_PACT,
    ESPACE_MILLIERS,
    ESPACE_UNITE,
    TAUX_MAIN_OEUVRE_DEFAUT,
    Defauts,
    Entrees,
    ErreurCalibrage,
    HistoriqueHeures,
    ModeArrondi,
    ModeCalcul,
    Origine,
    Pact,
    Revision,
    Tranche,
    calibrer,
    formater_euros,
    formater_heures,
    formater_nombre,
    formater_taux,
)


@pytest.fixture(autouse=True)
def _vider_cache():
    """The suite-wide autouse fixture cleans Redis; these tests touch neither the cache nor the database, so they
    run without any service (and under ``-p no:django``)."""
    yield


def simple(texte):
    """The explanation with plain spaces, to compare with readable literals."""
    return texte.replace(ESPACE_MILLIERS, " ").replace(ESPACE_UNITE, " ")


def formule(**kwargs):
    return Entrees(mode=ModeCalcul.FORMULE, **kwargs)


def pact(montant_periode, duree_mois, heures_reprises_mois, taux_pact=None, **kwargs):
    donnees = Pact(montant_periode, duree_mois, heures_reprises_mois, taux_pact)
    return Entrees(mode=ModeCalcul.PACT_PROPRETE, pact=donnees, **kwargs)


def tranche(montant_facture, montant_tranche=D(2000), seuil=D(2_700_000), **kwargs):
    donnees = Tranche(montant_tranche=montant_tranche, seuil_declenchement=seuil, montant_facture=montant_facture)
    return Entrees(mode=ModeCalcul.TRANCHE_FACTUREE, tranche=donnees, **kwargs)


# ----------------------------------------------------------------------------------------------------------
# Published cases (domain.md §3)
# ----------------------------------------------------------------------------------------------------------


def test_formule_published_case_833_hours():
    """domain.md §3, mode 1: 1 000 000 € × 50 % × 5 % ÷ 30 €/h = 833.33 → 833 h."""
    resultat = calibrer(
        formule(montant_lot=D(1_000_000), taux_main_oeuvre=D("0.50"), taux_insertion=D("0.05"), cout_horaire=D(30))
    )
    assert resultat.heures_dues == D(833)
    assert resultat.heures_dues_brutes == D("833.33")
    assert not resultat.sous_seuil
    assert not resultat.pas_de_clause
    assert simple(resultat.explication) == "1 000 000 € × 50 % × 5 % ÷ 30 €/h = 833,33 h → 833 h"


def test_formule_published_case_with_the_sector_table_and_guichet_rate():
    """Same case, the 50 % coming from the sector table (btp_gros_oeuvre) and the 5 % from the guichet."""
    resultat = calibrer(formule(secteur="btp_gros_oeuvre", montant_lot=D(1_000_000), cout_horaire=D(30)))
    assert (resultat.heures_dues, resultat.heures_dues_brutes) == (D(833), D("833.33"))
    assert resultat.parametres["taux_main_oeuvre"].origine == Origine.SECTEUR
    assert resultat.parametres["taux_insertion"].origine == Origine.DEFAUT_GUICHET


def test_pact_proprete_published_case_p_064_and_640_hours():
    """domain.md §3, mode 3: A = 500 000, N = 24, S = 300, T = 5 % → P = 0.64 → 640 h."""
    resultat = calibrer(pact(D(500_000), D(24), D(300), D("0.05")))
    assert resultat.part_ouverte == D("0.64")
    assert resultat.heures_dues == D(640)
    assert resultat.heures_dues_brutes == D("640.00")
    assert not resultat.pas_de_clause
    assert simple(resultat.explication) == (
        "P = 1 − (300 h × 25 €/h) ÷ (500 000 € ÷ 24 mois) = 0,64 ; 0,64 × 500 000 € ÷ 25 €/h × 5 % = 640 h"
    )
    assert resultat.parametres["cout_pact"].valeur == D(25) == COUT_PACT
    assert resultat.parametres["cout_pact"].origine == Origine.CONSTANTE


def test_tranche_facturee_published_rule_worked_by_hand():
    """domain.md §3, mode 4: 1 h per 2 000 € invoiced above a 2.7 M€ trigger. By hand: 3 105 500 € invoiced →
    405 500 € above the trigger → 202.75 tranches → 202 complete tranches → 202 h."""
    resultat = calibrer(tranche(D(3_105_500)))
    assert resultat.heures_dues == D(202)
    assert resultat.heures_dues_brutes == D("202.75")
    assert simple(resultat.explication) == "(3 105 500 € − 2 700 000 €) ÷ 2 000 € = 202,75 tranches → 202 h"
    assert "tranche commencée n'est pas encore due" in resultat.remarques[0]


@pytest.mark.parametrize(
    ("facture", "heures"),
    [
        (None, 0),  # nothing invoiced yet
        (D(0), 0),
        (D(2_500_000), 0),
        (D(2_700_000), 0),  # the trigger itself: nothing above it yet
        (D("2701999.99"), 0),  # one cent short of the first complete tranche
        (D(2_702_000), 1),
        (D(2_703_999), 1),
        (D(2_704_000), 2),
        (D(4_700_000), 1000),
    ],
)
def test_tranche_facturee_counts_complete_tranches_above_the_trigger(facture, heures):
    resultat = calibrer(tranche(facture))
    assert resultat.heures_dues == D(heures)
    assert resultat.heures_dues_brutes <= resultat.heures_dues + 1
    assert resultat.heures_dues_brutes >= resultat.heures_dues


def test_tranche_facturee_raw_value_is_truncated_never_rounded_up():
    resultat = calibrer(tranche(D("2701999.99")))  # 0.999995 tranche
    assert resultat.heures_dues_brutes == D("0.99")
    assert resultat.heures_dues == 0


@pytest.mark.parametrize("arrondi", list(ModeArrondi))
def test_tranche_facturee_ignores_the_guichet_rounding(arrondi):
    assert calibrer(tranche(D(2_703_999)), Defauts(arrondi=arrondi)).heures_dues == 1


def test_tranche_facturee_below_the_trigger_explains_it():
    resultat = calibrer(tranche(D(2_500_000)))
    assert simple(resultat.explication) == (
        "2 500 000 € facturés, seuil de déclenchement de 2 700 000 € non dépassé : 0 h"
    )


def test_tranche_facturee_from_a_mapping_with_default_trigger():
    entrees = Entrees(mode="tranche_facturee", tranche={"montant_tranche": "1000", "montant_facture": "5500"})
    assert calibrer(entrees).heures_dues == 5


# ----------------------------------------------------------------------------------------------------------
# Rounding, raw value, threshold
# ----------------------------------------------------------------------------------------------------------

# 17 250 € × 80 % × 5 % ÷ 20 €/h = 34.5 h exactly: the half-hour case.
DEMIE = {"montant_lot": D(17_250), "taux_main_oeuvre": D("0.80"), "cout_horaire": D(20)}


@pytest.mark.parametrize(
    ("entrees", "arrondi", "attendu"),
    [
        (DEMIE, ModeArrondi.NEAREST, 35),  # half up, not banker's rounding (which would give 34)
        (DEMIE, ModeArrondi.FLOOR, 34),
        (DEMIE, ModeArrondi.CEIL, 35),
        ({"montant_lot": D(35_250), "taux_main_oeuvre": D("0.80"), "cout_horaire": D(20)}, "nearest", 71),  # 70.5
        ({"montant_lot": D(1_000_000), "taux_main_oeuvre": D("0.5"), "cout_horaire": D(30)}, "nearest", 833),
        ({"montant_lot": D(1_000_000), "taux_main_oeuvre": D("0.5"), "cout_horaire": D(30)}, "floor", 833),
        ({"montant_lot": D(1_000_000), "taux_main_oeuvre": D("0.5"), "cout_horaire": D(30)}, "ceil", 834),
        ({"montant_lot": D(1_000_000), "taux_main_oeuvre": D("0.5"), "cout_horaire": D(25)}, "ceil", 1000),  # exact
        ({"montant_lot": D(1_000_000), "taux_main_oeuvre": D("0.5"), "cout_horaire": D(25)}, "floor", 1000),
    ],
)
def test_each_rounding_mode(entrees, arrondi, attendu):
    resultat = calibrer(formule(**entrees), Defauts(arrondi=arrondi))
    assert resultat.heures_dues == D(attendu)
    assert resultat.heures_dues == resultat.heures_dues.to_integral_value()


def test_raw_value_is_kept_at_the_hundredth():
    resultat = calibrer(formule(montant_lot=D(100_000), taux_main_oeuvre=D("0.7"), cout_horaire=D(30)))
    assert resultat.heures_dues_brutes == D("116.67")  # 116.666…
    assert resultat.heures_dues == D(117)


def test_rounding_is_applied_to_the_displayed_raw_value():
    """Documented choice: 34.4999 h is shown 34,50 h and rounds (nearest) to 35 h, so the explanation checks by hand."""
    resultat = calibrer(formule(montant_lot=D("17249.99"), taux_main_oeuvre=D("0.8"), cout_horaire=D(20)))
    assert resultat.heures_dues_brutes == D("34.50")
    assert resultat.heures_dues == D(35)


def test_rounding_note_only_when_rounding_changed_something():
    arrondi = calibrer(formule(**DEMIE), Defauts(arrondi="floor"))
    assert "Arrondi à l'heure inférieure." in arrondi.remarques
    exact = calibrer(formule(montant_lot=D(1_000_000), taux_main_oeuvre=D("0.5")))
    assert not any(r.startswith("Arrondi") for r in exact.remarques)
    assert simple(exact.explication).endswith("= 1 000 h")


@pytest.mark.parametrize(
    ("arrondi", "heures", "sous_seuil"),
    [("nearest", 35, False), ("ceil", 35, False), ("floor", 34, True)],
)
def test_sous_seuil_at_the_35_hour_boundary_uses_rounded_hours(arrondi, heures, sous_seuil):
    resultat = calibrer(formule(**DEMIE), Defauts(arrondi=arrondi))
    assert (resultat.heures_dues, resultat.sous_seuil) == (heures, sous_seuil)


@pytest.mark.parametrize(("forfait", "sous_seuil"), [(D(34), True), (D(35), False), (D(36), False), (D(0), True)])
def test_sous_seuil_is_strictly_below_the_threshold(forfait, sous_seuil):
    resultat = calibrer(Entrees(mode="forfait", heures_forfait=forfait))
    assert resultat.sous_seuil is sous_seuil


def test_sous_seuil_advises_without_blocking():
    resultat = calibrer(Entrees(mode="forfait", heures_forfait=D(20)))
    assert resultat.heures_dues == 20
    assert any("sous le seuil minimum du guichet (35 h)" in simple(r) for r in resultat.remarques)
    assert any("autre considération sociale" in r for r in resultat.remarques)


def test_sous_seuil_follows_the_guichet_setting():
    defauts = Defauts(seuil_minimum_heures=D(70))
    assert calibrer(Entrees(mode="forfait", heures_forfait=D(69)), defauts).sous_seuil
    assert not calibrer(Entrees(mode="forfait", heures_forfait=D(70)), defauts).sous_seuil
    assert not calibrer(Entrees(mode="forfait", heures_forfait=D(0)), Defauts(seuil_minimum_heures=0)).sous_seuil


# ----------------------------------------------------------------------------------------------------------
# Sector table, guichet defaults, explicit overrides
# ----------------------------------------------------------------------------------------------------------

# 1 000 000 € × share × 5 % ÷ 25 €/h = 2 000 h × share (domain.md §3 table, default guichet)
HEURES_PAR_SECTEUR = {
    "btp_gros_oeuvre": 1000,
    "btp_second_oeuvre": 1200,
    "btp_travaux_publics": 600,
    "btp_charpente_metallique": 400,
    "espaces_verts": 1200,
    "proprete": 1600,
    "collecte_dechets": 1100,
    "services": 1400,
    "prestations_intellectuelles": 1600,
    "fournitures": 200,
    "autre": 1000,
}


@pytest.mark.parametrize(("secteur", "heures"), HEURES_PAR_SECTEUR.items())
def test_sector_table_of_domain_md(secteur, heures):
    resultat = calibrer(formule(secteur=secteur, montant_lot=D(1_000_000)))
    assert resultat.heures_dues == heures
    origines = {nom: p.origine for nom, p in resultat.parametres.items()}
    assert origines == {
        "montant_ht": Origine.LOT,
        "taux_main_oeuvre": Origine.SECTEUR,
        "taux_insertion": Origine.DEFAUT_GUICHET,
        "cout_horaire": Origine.DEFAUT_GUICHET,
    }


def test_default_table_is_the_domain_table():
    assert set(TAUX_MAIN_OEUVRE_DEFAUT) == set(HEURES_PAR_SECTEUR)
    assert Defauts().taux_main_oeuvre == TAUX_MAIN_OEUVRE_DEFAUT
    defauts = Defauts()
    assert (defauts.cout_horaire, defauts.taux_insertion, defauts.seuil_minimum_heures) == (25, D("0.05"), 35)
    assert defauts.arrondi == ModeArrondi.NEAREST
    assert defauts.recalcul_sur_montant_attribue is True


def test_the_guichet_table_and_defaults_replace_the_domain_ones():
    defauts = Defauts.depuis(
        {"taux_main_oeuvre": {"btp_gros_oeuvre": "0.40"}, "taux_insertion": D("0.07"), "cout_horaire": D(28)}
    )
    resultat = calibrer(formule(secteur="btp_gros_oeuvre", montant_lot=D(1_000_000)), defauts)
    assert resultat.heures_dues == 1000  # 1 000 000 × 40 % × 7 % ÷ 28
    assert resultat.parametres["taux_main_oeuvre"].valeur == D("0.40")


def test_explicit_parameters_override_everything():
    resultat = calibrer(
        formule(
            secteur="proprete",
            montant_lot=D(1_000_000),
            montant_ht=D(400_000),
            taux_main_oeuvre=D("0.30"),
            taux_insertion=D("0.10"),
            cout_horaire=D(24),
        ),
        Defauts(cout_horaire=D(30), taux_insertion=D("0.02")),
    )
    assert resultat.heures_dues == 500  # 400 000 × 30 % × 10 % ÷ 24
    assert {p.origine for p in resultat.parametres.values()} == {Origine.EXPLICITE}


@pytest.mark.parametrize("nom", ["taux_main_oeuvre", "taux_insertion", "cout_horaire"])
def test_each_override_alone(nom):
    base = {"secteur": "btp_gros_oeuvre", "montant_lot": D(1_000_000)}
    valeur = {"taux_main_oeuvre": D("0.25"), "taux_insertion": D("0.025"), "cout_horaire": D(50)}[nom]
    resultat = calibrer(formule(**base, **{nom: valeur}))
    assert resultat.heures_dues == 500  # each halves the 1 000 h of the default calibration
    assert resultat.parametres[nom].valeur == valeur
    assert resultat.parametres[nom].origine == Origine.EXPLICITE


def test_an_explicit_labour_rate_does_not_need_a_sector():
    assert calibrer(formule(montant_lot=D(100_000), taux_main_oeuvre=D("0.5"))).heures_dues == 100


# ----------------------------------------------------------------------------------------------------------
# Recomputation on the titulaire's awarded amount
# ----------------------------------------------------------------------------------------------------------

LOT = {"secteur": "btp_gros_oeuvre", "montant_lot": D(1_000_000)}


def test_formule_is_recomputed_on_the_awarded_amount():
    resultat = calibrer(formule(**LOT, montant_attribue=D(800_000)))
    assert resultat.heures_dues == 800
    assert resultat.parametres["montant_ht"].valeur == D(800_000)
    assert resultat.parametres["montant_ht"].origine == Origine.MONTANT_ATTRIBUE
    assert "Calcul sur le montant attribué au titulaire (800 000 €) et non sur le montant du lot (1 000 000 €)." in [
        simple(r) for r in resultat.remarques
    ]


def test_awarded_amount_without_a_lot_amount():
    resultat = calibrer(formule(secteur="services", montant_attribue=D(250_000)))
    assert resultat.heures_dues == 350
    assert resultat.parametres["montant_ht"].origine == Origine.MONTANT_ATTRIBUE


def test_no_recomputation_when_the_setting_is_off():
    resultat = calibrer(formule(**LOT, montant_attribue=D(800_000)), Defauts(recalcul_sur_montant_attribue=False))
    assert resultat.heures_dues == 1000
    assert resultat.parametres["montant_ht"].origine == Origine.LOT
    assert any("ne recalcule pas" in r for r in resultat.remarques)


def test_no_recomputation_when_the_amount_was_given_on_the_clause():
    resultat = calibrer(formule(**LOT, montant_ht=D(600_000), montant_attribue=D(800_000)))
    assert resultat.heures_dues == 600
    assert resultat.parametres["montant_ht"].origine == Origine.EXPLICITE


@pytest.mark.parametrize("recalcul", [True, False])
def test_forfait_never_changes_by_itself(recalcul):
    defauts = Defauts(recalcul_sur_montant_attribue=recalcul)
    sans = calibrer(Entrees(mode="forfait", heures_forfait=D(150), **LOT), defauts)
    avec = calibrer(Entrees(mode="forfait", heures_forfait=D(150), montant_attribue=D(5_000_000), **LOT), defauts)
    assert sans.heures_dues == avec.heures_dues == sans.heures_dues_brutes == 150
    assert list(avec.parametres) == ["heures_forfait"]
    assert simple(avec.explication) == "Forfait fixé par l'acheteur : 150 h"


def test_forfait_as_written_is_the_raw_value_and_rounded_hours_are_whole():
    resultat = calibrer(Entrees(mode="forfait", heures_forfait=D("150.5")), Defauts(arrondi="floor"))
    assert (resultat.heures_dues_brutes, resultat.heures_dues) == (D("150.5"), D(150))


def test_pact_and_tranches_ignore_the_awarded_amount():
    assert calibrer(pact(D(500_000), D(24), D(300), montant_attribue=D(1))).heures_dues == 640
    assert calibrer(tranche(D(3_105_500), montant_attribue=D(1))).heures_dues == 202


# ----------------------------------------------------------------------------------------------------------
# PACT propreté
# ----------------------------------------------------------------------------------------------------------


def test_pact_rate_defaults_to_the_clause_then_to_the_guichet():
    assert calibrer(pact(D(500_000), D(24), D(300)), Defauts(taux_insertion=D("0.10"))).heures_dues == 1280
    par_clause = calibrer(pact(D(500_000), D(24), D(300), taux_insertion=D("0.10")))
    assert par_clause.heures_dues == 1280
    assert par_clause.parametres["taux_insertion"].origine == Origine.EXPLICITE
    du_pact = calibrer(pact(D(500_000), D(24), D(300), D("0.05"), taux_insertion=D("0.10")))
    assert du_pact.heures_dues == 640


@pytest.mark.parametrize(("reprises", "part"), [(D(1000), D("-0.2")), (D("833.34"), D(0))])
def test_pact_without_open_share_means_no_clause(reprises, part):
    """P ≤ 0: the staff taken over covers the whole labour, no clause (0 h), flagged, and sous le seuil."""
    resultat = calibrer(pact(D(500_000), D(24), reprises, D("0.05")))
    assert resultat.pas_de_clause
    assert resultat.heures_dues == resultat.heures_dues_brutes == 0
    assert resultat.part_ouverte == part
    assert resultat.sous_seuil
    assert "pas de clause (0 h)" in simple(resultat.explication)
    assert any("pas de clause d'heures" in r for r in resultat.remarques)


def test_pact_tiny_open_share_is_still_a_clause():
    # 833,33 h × 25 €/h × 24 mois = 499 998 € < 500 000 €: P = 0,000004 > 0, a (tiny) clause of 0 h
    resultat = calibrer(pact(D(500_000), D(24), D("833.33")))
    assert not resultat.pas_de_clause
    assert resultat.heures_dues == 0
    assert resultat.sous_seuil


def test_pact_exactly_zero_open_share():
    # S × C × N = A: 1 000 h × 25 × 20 = 500 000
    resultat = calibrer(pact(D(500_000), D(20), D(1000)))
    assert resultat.part_ouverte == 0
    assert resultat.pas_de_clause


def test_pact_inexact_share_is_shown_approximately_and_named_p():
    resultat = calibrer(pact(D(500_000), D(7), D(123)))
    texte = simple(resultat.explication)
    assert "≈ 0,957 ;" in texte
    assert "; P × 500 000 € ÷ 25 €/h × 5 % = 956,95 h → 957 h" in texte


def test_pact_from_the_api_mapping():
    donnees = {"montant_periode": "500000", "duree_mois": 24, "heures_reprises_mois": "300", "taux_insertion": "0.05"}
    assert calibrer(Entrees(mode="pact_proprete", pact=donnees)).heures_dues == 640


# ----------------------------------------------------------------------------------------------------------
# Invalid inputs: clear French messages, naming the field
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fabrique", "champ", "message"),
    [
        (lambda: formule(montant_lot=D(-1)), "montant_lot", "Le montant HT du lot ne peut pas être négatif."),
        (lambda: formule(montant_ht=D("-0.01")), "montant_ht", "Le montant HT de la clause ne peut pas être négatif."),
        (
            lambda: formule(montant_attribue=D(-5)),
            "montant_attribue",
            "Le montant attribué au titulaire ne peut pas être négatif.",
        ),
        (
            lambda: formule(taux_main_oeuvre=D("1.2")),
            "taux_main_oeuvre",
            "Le taux de main-d'œuvre doit être compris entre 0 et 1 (entre 0 % et 100 %).",
        ),
        (
            lambda: formule(taux_insertion=D("-0.05")),
            "taux_insertion",
            "Le taux d'insertion doit être compris entre 0 et 1 (entre 0 % et 100 %).",
        ),
        (lambda: formule(cout_horaire=D(0)), "cout_horaire", "Le coût horaire doit être strictement positif."),
        (lambda: formule(montant_lot="beaucoup"), "montant_lot", "Le montant HT du lot doit être un nombre"),
        (lambda: formule(montant_lot=D("NaN")), "montant_lot", "Le montant HT du lot doit être un nombre fini."),
        (lambda: formule(montant_lot=True), "montant_lot", "Le montant HT du lot doit être un nombre."),
        (lambda: Entrees(mode="au_doigt_mouille"), "mode_calcul", "Mode de calcul inconnu : « au_doigt_mouille »"),
        (
            lambda: calibrer(formule(secteur="spatial", montant_lot=D(1))),
            "secteur",
            "Secteur inconnu : « spatial »",
        ),
        (
            lambda: calibrer(formule(montant_lot=D(1))),
            "secteur",
            "Indiquez le secteur du lot ou un taux de main-d'œuvre.",
        ),
        (
            lambda: calibrer(formule(secteur="services")),
            "montant_ht",
            "Indiquez le montant HT du lot ou de la clause.",
        ),
        (
            lambda: calibrer(
                formule(secteur="services", montant_attribue=D(1)), Defauts(recalcul_sur_montant_attribue=False)
            ),
            "montant_ht",
            "Indiquez le montant HT du lot ou de la clause.",
        ),
        (
            lambda: calibrer(Entrees(mode="forfait")),
            "heures_forfait",
            "Indiquez le nombre d'heures du forfait.",
        ),
        (
            lambda: Entrees(mode="forfait", heures_forfait=D(-3)),
            "heures_forfait",
            "Le nombre d'heures du forfait ne peut pas être négatif.",
        ),
        (
            lambda: pact(D(500_000), D(0), D(300)),
            "pact.duree_mois",
            "La durée de la période en mois (PACT propreté) doit être strictement positive.",
        ),
        (
            lambda: pact(D(0), D(24), D(300)),
            "pact.montant_periode",
            "Le montant sur la période (PACT propreté) doit être strictement positif.",
        ),
        (
            lambda: pact(D(500_000), D(24), D(-1)),
            "pact.heures_reprises_mois",
            "Les heures reprises par mois (PACT propreté) ne peuvent pas être négatives.",
        ),
        (
            lambda: calibrer(Entrees(mode="pact_proprete")),
            "pact.montant_periode",
            "Indiquez le montant sur la période (PACT propreté).",
        ),
        (
            lambda: calibrer(Entrees(mode="pact_proprete", pact={"montant_periode": 1, "duree_mois": 2})),
            "pact.heures_reprises_mois",
            "Indiquez les heures reprises par mois (0 si aucun personnel n'est repris ; PACT propreté).",
        ),
        (
            lambda: Entrees(mode="pact_proprete", pact="500000"),
            "pact",
            "Les données du mode PACT propreté doivent être un dictionnaire.",
        ),
        (
            lambda: calibrer(Entrees(mode="tranche_facturee")),
            "tranche.montant_tranche",
            "Indiquez le montant d'une tranche.",
        ),
        (
            lambda: tranche(D(1), montant_tranche=D(0)),
            "tranche.montant_tranche",
            "Le montant d'une tranche doit être strictement positif.",
        ),
        (
            lambda: tranche(D(-1)),
            "tranche.montant_facture",
            "Le montant facturé ne peut pas être négatif.",
        ),
    ],
)
def test_invalid_inputs_have_clear_french_messages(fabrique, champ, message):
    with pytest.raises(ErreurCalibrage) as erreur:
        fabrique()
    assert str(erreur.value).startswith(message)
    assert erreur.value.champ == champ
    assert isinstance(erreur.value, ValueError)


def test_unknown_sector_lists_the_known_ones():
    with pytest.raises(ErreurCalibrage, match="secteurs de la table du guichet : btp_gros_oeuvre, "):
        calibrer(formule(secteur="spatial", montant_lot=D(1)))


@pytest.mark.parametrize(
    ("parametres", "message"),
    [
        ({"cout_horaire": 0}, "Le coût horaire doit être strictement positif."),
        ({"taux_insertion": "1.5"}, "Le taux d'insertion doit être compris entre 0 et 1"),
        ({"arrondi": "bancaire"}, "Arrondi inconnu : « bancaire » (attendu : nearest, floor, ceil)."),
        ({"seuil_minimum_heures": -1}, "Le seuil minimum d'heures ne peut pas être négatif."),
        ({"taux_main_oeuvre": {"proprete": "80"}}, "Le taux de main-d'œuvre du secteur « proprete » doit être compris"),
        (
            {"taux_main_oeuvre": ["proprete"]},
            "La table des taux de main-d'œuvre doit associer un taux à chaque secteur.",
        ),
        ({"recalcul_sur_montant_attribue": "oui"}, "Le recalcul sur le montant attribué doit valoir vrai ou faux."),
    ],
)
def test_invalid_guichet_settings(parametres, message):
    with pytest.raises(ErreurCalibrage) as erreur:
        Defauts.depuis(parametres)
    assert str(erreur.value).startswith(message)


# ----------------------------------------------------------------------------------------------------------
# Building the defaults from the guichet's settings
# ----------------------------------------------------------------------------------------------------------


def test_defaults_from_an_object_with_attributes_like_parametres():
    parametres = SimpleNamespace(
        cout_horaire=D("30.00"),
        taux_insertion=D("0.0500"),
        taux_main_oeuvre={"btp_gros_oeuvre": "0.5", "proprete": "0.8"},  # JSON strings, as stored
        arrondi="ceil",
        seuil_minimum_heures=D("70.00"),
        recalcul_sur_montant_attribue=False,
        heures_etp=D(1607),  # other settings are ignored
    )
    defauts = Defauts.depuis(parametres)
    assert defauts == Defauts(
        D(30), D("0.05"), {"btp_gros_oeuvre": D("0.5"), "proprete": D("0.8")}, "ceil", D(70), False
    )
    assert defauts.arrondi is ModeArrondi.CEIL
    resultat = calibrer(formule(secteur="btp_gros_oeuvre", montant_lot=D(1_000_000), montant_attribue=D(1)), defauts)
    assert resultat.heures_dues == 834  # lot amount (no recomputation), ceil of 833.33


def test_defaults_from_a_partial_mapping_fall_back_to_domain_md():
    defauts = Defauts.depuis({"arrondi": "floor", "cout_horaire": None})
    assert defauts == Defauts(arrondi=ModeArrondi.FLOOR)


def test_defaults_are_immutable_and_hashable():
    defauts = Defauts()
    with pytest.raises(AttributeError):
        defauts.cout_horaire = D(1)
    with pytest.raises(TypeError):
        defauts.taux_main_oeuvre["proprete"] = D(0)
    assert hash(defauts) == hash(Defauts())


def test_floats_are_read_by_their_shortest_decimal_representation():
    assert Defauts(taux_insertion=0.05).taux_insertion == D("0.05")


def test_same_values_as_the_django_enums():
    from guichet.enums import Arrondi, Secteur

    assert {m.value for m in ModeArrondi} == set(Arrondi.values)
    assert set(TAUX_MAIN_OEUVRE_DEFAUT) == set(Secteur.values)
    assert calibrer(formule(secteur=Secteur.PROPRETE, montant_lot=D(100)), Defauts(arrondi=Arrondi.FLOOR))


def test_same_sector_table_as_the_guichet_model_default():
    from django.apps import apps

    if not apps.ready:
        pytest.skip("Django n'est pas chargé (-p no:django)")
    from guichet.models import taux_main_oeuvre_defaut

    assert Defauts.depuis({"taux_main_oeuvre": taux_main_oeuvre_defaut()}) == Defauts()


# ----------------------------------------------------------------------------------------------------------
# French formatting of the explanation
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valeur", "decimales", "texte"),
    [
        (D(0), None, "0"),
        (D(999), None, "999"),
        (D(1000), None, "1\u202f000"),
        (D("1234567.891"), 2, "1\u202f234\u202f567,89"),
        (D("833.3333"), 2, "833,33"),
        (D("0.5"), None, "0,5"),
        (D("640.00"), None, "640"),
        (D("1E+6"), None, "1\u202f000\u202f000"),
        (D("-1500.5"), None, "\u22121\u202f500,5"),
        (D("0.125"), 2, "0,13"),
    ],
)
def test_formater_nombre(valeur, decimales, texte):
    assert formater_nombre(valeur, decimales) == texte


def test_units_are_separated_by_a_no_break_space():
    assert formater_euros(D(1_000_000)) == "1\u202f000\u202f000\u00a0€"
    assert formater_euros(D("1234.5")) == "1\u202f234,50\u00a0€"
    assert formater_taux(D("0.05")) == "5\u00a0%"
    assert formater_taux(D("0.075")) == "7,5\u00a0%"
    assert formater_heures(D("833.33")) == "833,33\u00a0h"


def test_explanation_uses_only_french_typography():
    resultat = calibrer(formule(montant_lot=D("1234567.80"), secteur="proprete"))
    assert resultat.explication == (
        "1\u202f234\u202f567,80\u00a0€ × 80\u00a0% × 5\u00a0% ÷ 25\u00a0€/h = 1\u202f975,31\u00a0h → 1\u202f975\u00a0h"
    )
    assert "." not in resultat.explication


def test_explication_complete_joins_the_calculation_and_the_notes():
    resultat = calibrer(formule(**LOT, montant_attribue=D(20_000)))
    lignes = simple(resultat.explication_complete).splitlines()
    assert lignes == [
        "20 000 € × 50 % × 5 % ÷ 25 €/h = 20 h",
        "Calcul sur le montant attribué au titulaire (20 000 €) et non sur le montant du lot (1 000 000 €).",
        "20 h : sous le seuil minimum du guichet (35 h). Une clause d'heures est peu adaptée : envisager une autre "
        "considération sociale (action sociale, marché réservé…) ou pas de clause.",
    ]


def test_tranches_are_flagged_below_threshold_without_the_advice():
    resultat = calibrer(tranche(D(2_710_000)))
    assert resultat.heures_dues == 5
    assert resultat.sous_seuil
    assert not any("autre considération sociale" in r for r in resultat.remarques)


# ----------------------------------------------------------------------------------------------------------
# History of hours due (avenants)
# ----------------------------------------------------------------------------------------------------------


def historique():
    return HistoriqueHeures(
        [
            (date(2024, 1, 15), D(1000), "Calibration initiale"),
            (date(2025, 1, 1), D(900), "Avenant 2 : réduction du périmètre"),
            (date(2024, 6, 1), D(1200), "Avenant 1 : tranche optionnelle affermie"),  # given out of order
        ]
    )


@pytest.mark.parametrize(
    ("jour", "heures"),
    [
        (date(2024, 1, 14), None),  # before the initial calibration nothing was due
        (date(2024, 1, 15), D(1000)),  # effective date included
        (date(2024, 5, 31), D(1000)),
        (date(2024, 6, 1), D(1200)),
        (date(2024, 12, 31), D(1200)),
        (date(2025, 1, 1), D(900)),
        (date(2031, 7, 14), D(900)),
    ],
)
def test_heures_dues_au(jour, heures):
    assert historique().heures_dues_au(jour) == heures


def test_history_is_ordered_by_effective_date_and_keeps_every_revision():
    h = historique()
    assert [r.heures_dues for r in h.revisions] == [1000, 1200, 900]
    assert h.initiale.motif == "Calibration initiale"
    assert h.heures_dues_actuelles == 900
    assert h.revision_au(date(2024, 7, 1)).motif.startswith("Avenant 1")


def test_a_single_revision_is_the_initial_calibration():
    h = HistoriqueHeures([Revision(date(2024, 1, 15), D(640))])
    assert h.heures_dues_actuelles == 640
    assert h.initiale is h.derniere


def test_avec_avenant_returns_a_new_history():
    h = historique()
    suite = h.avec_avenant(date(2025, 6, 1), D(950), "Avenant 3")
    assert suite.heures_dues_actuelles == 950
    assert h.heures_dues_actuelles == 900
    assert len(suite.revisions) == 4


def test_two_revisions_on_the_same_date_are_refused():
    with pytest.raises(
        ErreurCalibrage, match=r"Deux révisions des heures dues prennent effet le même jour \(01/06/2024\)"
    ):
        historique().avec_avenant(date(2024, 6, 1), D(10), "Doublon")


def test_the_initial_calibration_date_cannot_be_reused():
    with pytest.raises(ErreurCalibrage, match="même jour"):
        historique().avec_avenant(date(2024, 1, 15), D(10))


def test_a_revision_before_the_initial_one_is_refused():
    with pytest.raises(ErreurCalibrage) as erreur:
        historique().avec_avenant(date(2023, 12, 1), D(10), "Avenant rétroactif")
    assert str(erreur.value) == (
        "L'avenant « Avenant rétroactif » prend effet le 01/12/2023, avant la calibration initiale du 15/01/2024."
    )
    with pytest.raises(ErreurCalibrage, match=r"^Un avenant prend effet le 01/12/2023"):
        historique().avec_avenant(date(2023, 12, 1), D(10))


@pytest.mark.parametrize(
    ("revisions", "message"),
    [
        ([], "L'historique des heures dues doit commencer par la calibration initiale."),
        ([(date(2024, 1, 1), D(-1))], "Les heures dues ne peuvent pas être négatives."),
        ([("2024-01-01", D(1))], "La date d'effet doit être une date"),
    ],
)
def test_invalid_histories(revisions, message):
    with pytest.raises(ErreurCalibrage) as erreur:
        HistoriqueHeures(revisions)
    assert str(erreur.value).startswith(message)


# ----------------------------------------------------------------------------------------------------------
# Properties (hypothesis)
# ----------------------------------------------------------------------------------------------------------

montants = st.decimals(min_value=0, max_value=D("1e10"), places=2, allow_nan=False, allow_infinity=False)
montants_positifs = st.decimals(
    min_value=D("0.01"), max_value=D("1e10"), places=2, allow_nan=False, allow_infinity=False
)
taux = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)
couts = st.decimals(min_value=D("0.01"), max_value=D(500), places=2, allow_nan=False, allow_infinity=False)
durees = st.integers(min_value=1, max_value=120).map(D)
heures_reprises = st.decimals(min_value=0, max_value=D(100_000), places=2, allow_nan=False, allow_infinity=False)
arrondis = st.sampled_from(list(ModeArrondi))
secteurs = st.sampled_from(sorted(TAUX_MAIN_OEUVRE_DEFAUT))


def croissants(strategie):
    return st.tuples(strategie, strategie).map(sorted)


def assert_non_decroissant(petit, grand):
    assert petit.heures_dues_brutes <= grand.heures_dues_brutes
    assert petit.heures_dues <= grand.heures_dues


@given(croissants(montants), taux, taux, couts, arrondis)
def test_formule_is_monotonic_in_amount(paire, tmo, ti, cout, arrondi):
    defauts = Defauts(arrondi=arrondi)
    petit, grand = (
        calibrer(formule(montant_lot=m, taux_main_oeuvre=tmo, taux_insertion=ti, cout_horaire=cout), defauts)
        for m in paire
    )
    assert_non_decroissant(petit, grand)


@given(croissants(taux), montants, secteurs, couts, arrondis)
def test_formule_is_monotonic_in_insertion_rate(paire, montant, secteur, cout, arrondi):
    defauts = Defauts(arrondi=arrondi, cout_horaire=cout)
    petit, grand = (calibrer(formule(montant_lot=montant, secteur=secteur, taux_insertion=ti), defauts) for ti in paire)
    assert_non_decroissant(petit, grand)


@given(croissants(taux), montants, taux, couts)
def test_formule_is_monotonic_in_labour_rate(paire, montant, ti, cout):
    petit, grand = (
        calibrer(formule(montant_lot=montant, taux_main_oeuvre=tmo, taux_insertion=ti, cout_horaire=cout))
        for tmo in paire
    )
    assert_non_decroissant(petit, grand)


@given(croissants(montants_positifs), durees, heures_reprises, taux, arrondis)
def test_pact_is_monotonic_in_amount(paire, n, s, t, arrondi):
    petit, grand = (calibrer(pact(a, n, s, t), Defauts(arrondi=arrondi)) for a in paire)
    assert_non_decroissant(petit, grand)


@given(croissants(taux), montants_positifs, durees, heures_reprises)
def test_pact_is_monotonic_in_insertion_rate(paire, a, n, s):
    petit, grand = (calibrer(pact(a, n, s, t)) for t in paire)
    assert_non_decroissant(petit, grand)


@given(croissants(heures_reprises), montants_positifs, durees, taux)
def test_pact_decreases_with_the_staff_taken_over(paire, a, n, t):
    moins, plus = (calibrer(pact(a, n, s, t)) for s in paire)
    assert_non_decroissant(plus, moins)


@given(montants_positifs, taux, arrondis)
def test_pact_without_staff_taken_over_equals_the_formule_at_80_percent_and_20_euros(a, t, arrondi):
    """domain.md §3: C = 25 is 80 % labour at 20 €/h, so with S = 0 (P = 1) the PACT is the formule."""
    defauts = Defauts(arrondi=arrondi)
    par_pact = calibrer(pact(a, D(12), D(0), t), defauts)
    par_formule = calibrer(
        formule(montant_lot=a, taux_main_oeuvre=D("0.80"), cout_horaire=D(20), taux_insertion=t), defauts
    )
    assert par_pact.part_ouverte == 1
    assert par_pact.heures_dues_brutes == par_formule.heures_dues_brutes
    assert par_pact.heures_dues == par_formule.heures_dues


@given(croissants(montants), montants_positifs, montants)
def test_tranches_are_monotonic_in_invoiced_amount(paire, x, seuil):
    petit, grand = (calibrer(tranche(f, montant_tranche=x, seuil=seuil)) for f in paire)
    assert_non_decroissant(petit, grand)


entrees_valides = st.one_of(
    st.builds(formule, montant_lot=montants, secteur=secteurs, taux_insertion=taux, cout_horaire=couts),
    st.builds(formule, montant_lot=montants, taux_main_oeuvre=taux, montant_attribue=st.none() | montants),
    st.builds(lambda h: Entrees(mode="forfait", heures_forfait=h), montants),
    st.builds(pact, montants_positifs, durees, heures_reprises, taux),
    st.builds(tranche, montants, montants_positifs, montants),
)


@given(entrees_valides, arrondis, st.booleans())
def test_never_negative_and_whole_hours_within_one_hour_of_the_raw_value(entrees, arrondi, recalcul):
    resultat = calibrer(entrees, Defauts(arrondi=arrondi, recalcul_sur_montant_attribue=recalcul))
    assert resultat.heures_dues >= 0
    assert resultat.heures_dues_brutes >= 0
    assert resultat.heures_dues == resultat.heures_dues.to_integral_value()
    assert abs(resultat.heures_dues - resultat.heures_dues_brutes) < 1
    assert resultat.sous_seuil is (resultat.heures_dues < 35)
    assert resultat.explication


def test_the_module_is_pure_it_imports_no_django():
    code = "import sys, marches.calibrage; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    sortie = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30)
    assert sortie.stdout.strip() == "False"
