"""Properties of the hours engine (hypothesis): random companies, with every kind of line and setting.

Conservation, windows, explicit lines, determinism under permutation, idempotence, capacity, pooling
permission, training cap; and a large company run once (20 000 lines × 50 lots) to keep the engine fast.
"""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entreprises.moteur import (
    ContratEntree,
    LigneEntree,
    LotEntree,
    Modalite,
    ParametresMoteur,
    Regle,
    StatutLigne,
    calculer,
)


@pytest.fixture(autouse=True)
def _vider_cache():
    """The suite-wide autouse fixture cleans Redis; the engine touches neither the cache nor the database."""
    yield


JOUR_0 = date(2024, 1, 1)
PROPRIETE = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def jour(n: int) -> date:
    return JOUR_0 + timedelta(days=n)


# Cheap strategies: hypothesis spends most of its time per draw, so each item is one tuple of small integers
# decoded in plain Python. Code 0 is the common case (hypothesis shrinks towards 0): a dated clause lot held as
# titulaire and open to pooling, a validated pooled line of an eligible contract. Rare cases use the middle
# code ``RARE`` of ``rare`` (hypothesis also favours the bounds, which would make them frequent).
HEURES_MAX = 30_000  # in cents
ROLES = ["titulaire", "cotraitant", "titulaire", "sous_traitant"]
MODALITES = ["embauche_directe", "mise_a_disposition", "formation", "embauche_directe"]
TYPES = ["cdd", "cdi", "interim", "formation"]
STATUTS = ["valide"] * 6 + ["en_attente", "rejete"]
TAUX = [D("0.5"), D("0.2"), D("0.8"), None]
COUTS = [D("25"), D("30"), None]
RARE = 7

n = st.integers
rare = n(0, 15)
# debut, duration, hours due, flags: no dates, no clause, closed to pooling; role, rates
lot_brut = st.tuples(n(0, 100), n(0, 500), n(0, HEURES_MAX), rare, rare, rare, n(0, 3), n(0, 3), n(0, 2))
# debut, duration (-1: open-ended), modality, type, explicit lot, not eligible
contrat_brut = st.tuples(n(-30, 300), n(-1, 400), n(0, 3), n(0, 3), n(0, 12), rare)
# debut, duration, status, subcontracting, hours, explicit lot, amount, flags: no hours or amount, not inclusive
ligne_brute = st.tuples(
    n(-10, 450), n(0, 62), n(0, 7), n(0, 4), n(0, HEURES_MAX), n(0, 12), n(0, 50_000), rare, rare, n(0, 3)
)


def _cents(valeur):
    return D(valeur).scaleb(-2)


def _designe(code, n_lots):
    """Codes 1..n_lots + 1 → one of the company's lots or one it does not hold; other codes → no explicit lot."""
    return code if 1 <= code <= n_lots + 1 else None


@st.composite
def entrees(draw):
    lots = [
        LotEntree(
            id=i,
            debut=None if sans_dates == RARE else jour(debut),
            fin=None if sans_dates == RARE else jour(debut + duree),
            heures_dues=_cents(dues),
            clause_heures=sans_clause != RARE,
            role=ROLES[role],
            mutualisation_autorisee=ferme != RARE,
            taux_main_oeuvre=TAUX[taux],
            cout_horaire=COUTS[cout],
        )
        for i, (debut, duree, dues, sans_dates, sans_clause, ferme, role, taux, cout) in enumerate(
            draw(st.lists(lot_brut, min_size=1, max_size=5)), start=1
        )
    ]
    contrats = [
        ContratEntree(
            id=i,
            modalite=MODALITES[modalite],
            type_contrat=TYPES[type_contrat],
            debut=jour(debut),
            fin=None if duree < 0 else jour(debut + duree),
            lot_id=_designe(lot, len(lots)),
            eligible=non_eligible != RARE,
            motif_ineligibilite="expirée",
        )
        for i, (debut, duree, modalite, type_contrat, lot, non_eligible) in enumerate(
            draw(st.lists(contrat_brut, min_size=1, max_size=4)), start=1
        )
    ]
    lignes = []
    for i, (debut, duree, statut, sorte, heures, lot, montant, sans_heures, non_inclusive, contrat) in enumerate(
        draw(st.lists(ligne_brute, min_size=2, max_size=25)), start=1
    ):
        commun = {
            "id": i,
            "debut": jour(debut),
            "fin": jour(debut + duree),
            "statut": STATUTS[statut],
            "heures": None if sans_heures == RARE else _cents(heures),
        }
        if sorte != 4:
            contrat_id = contrat % len(contrats) + 1
            lignes.append(LigneEntree(**commun, contrat_id=contrat_id, lot_id=_designe(lot, len(lots))))
        else:
            lignes.append(
                LigneEntree(
                    **commun,
                    sous_traitant_id=99,
                    lot_id=None if lot == 12 else lot % (len(lots) + 1) + 1,
                    montant_ht=None if sans_heures == RARE + 1 else D(montant),
                    structure_inclusive=non_inclusive != RARE,
                )
            )
    parametres = draw(
        st.builds(
            ParametresMoteur,
            conversion_sous_traitance=st.sampled_from(["montant_mo", "taux_forfaitaire", "heures_declarees"]),
            taux_horaire_forfaitaire=st.sampled_from([D("30"), D("45.50"), None]),
            formation_comptee=st.booleans().map(lambda x: not x),
            plafond_formation_pct=st.sampled_from([None, D("0.1"), D("0.333"), D("0")]),
            delai_grace_jours=st.sampled_from([0, 10, 60]),
            bonus_cdi=st.sampled_from(["aucun", "heures_forfaitaires", "duree_restante"]),
            bonus_cdi_heures=st.sampled_from([D("100"), D("35.5"), None]),
            bonus_cdi_annees_max=st.sampled_from([None, 1, 3]),
            regle_ventilation=st.sampled_from(["echeance", "prorata"]),
            heures_etp=st.sampled_from([D("1607"), D("1820.5")]),
        )
    )
    return lots, contrats, lignes, parametres


def executer(donnees):
    lots, contrats, lignes, parametres = donnees
    return calculer(lots=lots, contrats=contrats, lignes=lignes, parametres=parametres)


def lot_explicite(ligne, contrats):
    """The lot a line is explicitly assigned to (domain.md §5.2), ``None`` for a pooled line."""
    if ligne.lot_id is not None or ligne.sous_traitant_id is not None:
        return ligne.lot_id
    return contrats[ligne.contrat_id].lot_id


@PROPRIETE
@given(entrees())
def test_conservation_allocated_plus_excluded_equals_declared_converted_hours_to_the_cent(donnees):
    lignes = donnees[2]
    resultat = executer(donnees)
    par_ligne, par_bonus = defaultdict(D), defaultdict(D)
    for ecriture in resultat.allocations + resultat.exclusions:
        assert ecriture.heures >= 0
        assert ecriture.heures.as_tuple().exponent == -2
        if ecriture.ligne_id is None:
            par_bonus[ecriture.contrat_id] += ecriture.heures
        else:
            par_ligne[ecriture.ligne_id] += ecriture.heures
    assert set(resultat.heures_lignes) == {ligne.id for ligne in lignes}
    for ligne in lignes:
        assert par_ligne[ligne.id] == resultat.heures_lignes[ligne.id]
        if ligne.contrat_id is not None and ligne.heures is not None:
            assert resultat.heures_lignes[ligne.id] == ligne.heures.quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert set(par_bonus) == set(resultat.bonus_cdi)
    for contrat_id, bonus in resultat.bonus_cdi.items():
        assert bonus > 0
        assert par_bonus[contrat_id] == bonus
    # Every written allocation or exclusion is explained (a rule or a reason), never silently dropped.
    assert all(a.heures > 0 for a in resultat.allocations)


@PROPRIETE
@given(entrees())
def test_nothing_is_allocated_outside_its_lots_window_nor_outside_the_lines_period(donnees):
    lots, _, lignes, parametres = donnees
    lots_par_id = {lot.id: lot for lot in lots}
    lignes_par_id = {ligne.id: ligne for ligne in lignes}
    grace = timedelta(days=parametres.delai_grace_jours)
    for allocation in executer(donnees).allocations:
        lot = lots_par_id[allocation.lot_id]
        assert lot.debut <= allocation.debut <= allocation.fin <= lot.fin + grace
        if allocation.ligne_id is not None:
            ligne = lignes_par_id[allocation.ligne_id]
            assert ligne.debut <= allocation.debut <= allocation.fin <= ligne.fin


@PROPRIETE
@given(entrees())
def test_explicit_lines_always_land_on_their_lot_and_non_pooling_lots_receive_only_explicit_lines(donnees):
    lots, contrats, lignes, _ = donnees
    contrats_par_id = {contrat.id: contrat for contrat in contrats}
    lots_par_id = {lot.id: lot for lot in lots}
    lignes_par_id = {ligne.id: ligne for ligne in lignes}
    for allocation in executer(donnees).allocations:
        if allocation.ligne_id is not None:
            explicite = lot_explicite(lignes_par_id[allocation.ligne_id], contrats_par_id)
        else:
            explicite = contrats_par_id[allocation.contrat_id].lot_id
        if explicite is not None:
            assert allocation.lot_id == explicite
            assert allocation.regle in {Regle.EXPLICITE, Regle.DEPASSEMENT}
        else:
            assert allocation.regle is not Regle.EXPLICITE
            assert lots_par_id[allocation.lot_id].mutualisation_autorisee


@PROPRIETE
@given(entrees())
def test_only_validated_lines_of_eligible_contracts_on_clause_lots_held_by_the_company_are_allocated(donnees):
    lots, contrats, lignes, parametres = donnees
    contrats_par_id = {contrat.id: contrat for contrat in contrats}
    lots_par_id = {lot.id: lot for lot in lots}
    lignes_par_id = {ligne.id: ligne for ligne in lignes}
    for allocation in executer(donnees).allocations:
        lot = lots_par_id[allocation.lot_id]
        assert lot.clause_heures and lot.role in {"titulaire", "cotraitant"}
        if allocation.ligne_id is None:
            assert allocation.modalite is Modalite.BONUS_CDI
            continue
        ligne = lignes_par_id[allocation.ligne_id]
        assert ligne.statut == StatutLigne.VALIDE
        if ligne.contrat_id is not None:
            contrat = contrats_par_id[ligne.contrat_id]
            assert contrat.eligible
            assert contrat.modalite != "formation" or parametres.formation_comptee
        else:
            assert ligne.structure_inclusive


@PROPRIETE
@given(entrees())
def test_a_lot_never_receives_more_than_its_hours_due_except_as_overrun_which_only_falls_on_full_lots(donnees):
    lots, _, _, parametres = donnees
    resultat = executer(donnees)
    normales, depassements, formation, totales = defaultdict(D), defaultdict(D), defaultdict(D), defaultdict(D)
    for allocation in resultat.allocations:
        totales[allocation.lot_id] += allocation.heures
        if allocation.regle is Regle.DEPASSEMENT:
            depassements[allocation.lot_id] += allocation.heures
        else:
            normales[allocation.lot_id] += allocation.heures
        if allocation.modalite is Modalite.FORMATION:
            formation[allocation.lot_id] += allocation.heures
    for lot in lots:
        # The engine rounds to the cent half up (hours due and training cap alike): so does the check.
        dues = lot.heures_dues.quantize(D("0.01"), rounding=ROUND_HALF_UP)
        assert normales[lot.id] <= dues
        if depassements[lot.id]:
            assert normales[lot.id] == dues
        if parametres.plafond_formation_pct is not None:
            plafond = (lot.heures_dues * parametres.plafond_formation_pct).quantize(D("0.01"), rounding=ROUND_HALF_UP)
            assert formation[lot.id] <= plafond
        if lot.id in resultat.lots:
            suivi = resultat.lots[lot.id]
            assert suivi.heures_realisees == totales[lot.id] == sum(suivi.par_modalite.values(), D(0))
            assert suivi.depassement == depassements[lot.id] == max(D(0), suivi.heures_realisees - dues)
        else:
            assert totales[lot.id] == 0


@PROPRIETE
@given(entrees(), st.randoms(use_true_random=False))
def test_determinism_the_ledger_does_not_depend_on_the_order_of_the_inputs(donnees, aleas):
    lots, contrats, lignes, parametres = donnees
    melanges = [list(lots), list(contrats), list(lignes)]
    for liste in melanges:
        aleas.shuffle(liste)
    assert executer(donnees) == calculer(
        lots=melanges[0], contrats=melanges[1], lignes=melanges[2], parametres=parametres
    )


@PROPRIETE
@given(entrees())
def test_idempotence_running_again_gives_the_same_ledger_whatever_ran_in_between(donnees):
    lots, contrats, lignes, _ = donnees
    premier = executer(donnees)
    calculer(lots=lots[1:], contrats=contrats, lignes=lignes[::2], parametres=ParametresMoteur())
    assert executer(donnees) == premier
    assert executer(donnees).allocations == premier.allocations


def entreprise_nationale(n_lignes=20_000, n_lots=50, graine=1):
    """A large company over ten years: 50 lots, 2 000 contracts, ``n_lignes`` lines of up to a month."""
    aleas = random.Random(graine)
    lots = []
    for i in range(1, n_lots + 1):
        debut = jour(aleas.randrange(0, 3300))
        lots.append(
            LotEntree(
                i,
                debut,
                debut + timedelta(days=aleas.randrange(180, 1100)),
                D(aleas.randrange(100, 5000)),
                mutualisation_autorisee=aleas.random() > 0.1,
                taux_main_oeuvre=D("0.5"),
                cout_horaire=D("25"),
            )
        )
    contrats = [
        ContratEntree(
            i,
            aleas.choice(["embauche_directe", "embauche_directe", "mise_a_disposition", "formation"]),
            aleas.choice(["cdi", "cdd", "interim"]),
            jour(aleas.randrange(0, 3600)),
            lot_id=aleas.randrange(1, n_lots + 1) if aleas.random() < 0.05 else None,
            eligible=aleas.random() > 0.05,
        )
        for i in range(1, 2001)
    ]
    lignes = []
    for i in range(1, n_lignes + 1):
        debut = jour(aleas.randrange(0, 3650))
        fin = debut + timedelta(days=aleas.randrange(0, 31))
        if aleas.random() < 0.1:
            lot = aleas.randrange(1, n_lots + 1)
            lignes.append(
                LigneEntree(i, debut, fin, sous_traitant_id=7, lot_id=lot, montant_ht=D(aleas.randrange(1000, 20000)))
            )
        else:
            lot = aleas.randrange(1, n_lots + 1) if aleas.random() < 0.05 else None
            heures = D(aleas.randrange(1, 15000)).scaleb(-2)
            lignes.append(LigneEntree(i, debut, fin, heures, contrat_id=aleas.randrange(1, 2001), lot_id=lot))
    return lots, contrats, lignes


def test_a_large_company_runs_in_one_pass_and_conserves_every_hour():
    """Sanity run (no timing assertion): 20 000 lines × 50 lots; about 0.3 s on a laptop core."""
    lots, contrats, lignes = entreprise_nationale()
    parametres = ParametresMoteur(plafond_formation_pct=D("0.2"), bonus_cdi="duree_restante", bonus_cdi_annees_max=2)
    resultat = calculer(lots=lots, contrats=contrats, lignes=lignes, parametres=parametres)
    total = sum((e.heures for e in resultat.allocations + resultat.exclusions), D(0))
    assert total == sum(resultat.heures_lignes.values(), D(0)) + sum(resultat.bonus_cdi.values(), D(0))
    assert sum(r.heures_realisees for r in resultat.lots.values()) == sum(
        (a.heures for a in resultat.allocations), D(0)
    )
    assert len(resultat.lots) == 50
