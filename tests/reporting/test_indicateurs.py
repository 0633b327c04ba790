"""The indicators on a territory computed by hand (``jeux.py``), the other guichet populated alike."""

from dataclasses import asdict
from decimal import Decimal as D

import pytest

from reporting import indicateurs
from reporting.indicateurs import Portee, masquer_petites_cellules

from .jeux import ANNEE, ATTENDU, ATTENDU_V, REALISEES_PAR_MOIS, RYTHME_DU, territoire_calcule


@pytest.fixture
def jeu(deux_guichets):
    a, b = deux_guichets
    territoire_calcule(b)  # the same data next door must change nothing
    return a, territoire_calcule(a)


def _valeurs(repartition):
    return {ligne.cle: ligne.valeurs for ligne in repartition.lignes}


def test_key_figures_of_the_year(jeu):
    a, _ = jeu
    with a.scope():
        assert asdict(indicateurs.chiffres_cles(Portee(a.guichet, ANNEE))) == ATTENDU


def test_key_figures_of_one_buyer(jeu):
    a, t = jeu
    with a.scope():
        assert asdict(indicateurs.chiffres_cles(Portee(a.guichet, ANNEE, acheteur_id=t.v.pk))) == ATTENDU_V


def test_key_figures_of_one_company_count_its_ledger_and_the_lots_it_owes(jeu):
    a, t = jeu
    with a.scope():
        chiffres = indicateurs.chiffres_cles(Portee(a.guichet, ANNEE, entreprise_id=t.e1.pk))
    # E1 has no attribution in the data set: nothing due; its ledger: 120 + 80 + 20 + 50 + 10 + 40.
    assert (chiffres.heures_dues, chiffres.heures_realisees, chiffres.taux_realisation) == (0, 320, None)
    assert (chiffres.beneficiaires, chiffres.contrats_travail, chiffres.marches_notifies) == (2, 2, None)


def test_an_empty_year_has_zeros_and_no_rate(jeu):
    a, _ = jeu
    with a.scope():
        chiffres = indicateurs.chiffres_cles(Portee(a.guichet, 2019))
    assert chiffres.heures_dues == chiffres.heures_realisees == chiffres.etp == 0
    assert chiffres.taux_realisation is None and chiffres.part_consideration_sociale is None


def test_an_avenant_changes_the_hours_due_from_its_date(jeu):
    from datetime import date

    from tests.factories import AvenantFactory

    a, t = jeu
    with a.scope():
        clause = t.l1.considerations.get(type="clause_heures")
        AvenantFactory(guichet=a.guichet, consideration=clause, date_effet=date(2026, 10, 1), heures_dues=700)
        AvenantFactory(guichet=a.guichet, consideration=clause, date_effet=date(2027, 1, 1), heures_dues=900)
        assert indicateurs.chiffres_cles(Portee(a.guichet, ANNEE)).heures_dues == 1670 - 640 + 700


def test_hours_per_month_due_pace_and_done(jeu):
    a, _ = jeu
    with a.scope():
        mois = indicateurs.heures_par_mois(Portee(a.guichet, ANNEE))
    assert [ligne.valeurs[0] for ligne in mois.lignes] == RYTHME_DU
    assert [ligne.valeurs[1] for ligne in mois.lignes] == REALISEES_PAR_MOIS
    assert mois.lignes[0].libelle == "janv." and mois.lignes[11].libelle == "déc."
    assert sum(REALISEES_PAR_MOIS) == ATTENDU["heures_realisees"]


def test_due_pace_is_prorated_by_days_in_a_month(guichet_a):
    from datetime import date

    from tests.factories import ConsiderationFactory, LotFactory

    with guichet_a.scope():
        lot = LotFactory(
            guichet=guichet_a.guichet,
            marche__date_notification=date(2026, 1, 1),
            date_debut_execution=date(2026, 1, 16),
            date_fin_execution=date(2026, 2, 14),
        )
        ConsiderationFactory(guichet=guichet_a.guichet, lot=lot, type="clause_heures", heures_dues=100)
        mois = indicateurs.heures_par_mois(Portee(guichet_a.guichet, 2026))
    # 30 days: 16 in January, 14 in February.
    assert [ligne.valeurs[0] for ligne in mois.lignes[:3]] == [D("53.33"), D("46.67"), 0]


def test_hours_by_sector_buyer_type_and_modality(jeu):
    a, _ = jeu
    with a.scope():
        portee = Portee(a.guichet, ANNEE)
        secteurs = indicateurs.heures_par_secteur(portee)
        acheteurs = indicateurs.heures_par_acheteur(portee)
        types = indicateurs.heures_par_type(portee)
        modalites = indicateurs.heures_par_modalite(portee)
    assert _valeurs(secteurs) == {"btp_gros_oeuvre": (640, 220), "proprete": (300, 100), "espaces_verts": (730, 85)}
    assert [ligne.libelle for ligne in secteurs.lignes] == ["BTP – gros œuvre", "Espaces verts", "Propreté"]
    assert [(ligne.libelle, ligne.valeurs) for ligne in acheteurs.lignes] == [
        ("Ville", (940, 320)),
        ("Département", (730, 85)),
    ]
    assert _valeurs(types) == {"clause_heures": (2, 405), "reserve_siae": (1, 100)}
    assert _valeurs(modalites) == {"embauche_directe": (345,), "formation": (20,), "sous_traitance": (40,)}


def test_people_by_profile(jeu):
    a, _ = jeu
    with a.scope():
        profils = indicateurs.personnes_par_profil(Portee(a.guichet, ANNEE))
        contrats = indicateurs.contrats_par_type(Portee(a.guichet, ANNEE))
    assert _valeurs(profils["sexe"]) == {"sexe_F": (2,), "sexe_M": (1,)}
    # Ages at the first counted contract: P1 35, P2 24, P3 55.
    assert _valeurs(profils["age"]) == {"age_moins_26": (1,), "age_26_49": (1,), "age_50_plus": (1,)}
    assert _valeurs(profils["niveau"]) == {
        "niveau_infra_3": (1,),
        "niveau_3": (1,),
        "niveau_4": (1,),
        "niveau_5_plus": (0,),
    }
    assert _valeurs(profils["qpv"]) == {"qpv_oui": (1,), "qpv_non": (2,)}
    assert _valeurs(profils["critere"]) == {
        "deld": (1,),
        "jeune_peu_qualifie": (1,),
        "rqth": (1,),
        "senior": (1,),
        "qpv": (1,),
    }
    assert _valeurs(contrats) == {"cdd": (2,), "cdi": (1,), "interim": (1,), "formation": (1,)}


def test_people_of_one_buyer(jeu):
    a, t = jeu
    with a.scope():
        profils = indicateurs.personnes_par_profil(Portee(a.guichet, ANNEE, acheteur_id=t.d.pk))
    assert _valeurs(profils["sexe"]) == {"sexe_F": (2,), "sexe_M": (0,)}  # P3 (L3) and P1 (C5 on L3)


def test_small_cells_are_hidden_for_readers_without_personal_data(jeu):
    a, _ = jeu
    with a.scope():
        profils = indicateurs.personnes_par_profil(Portee(a.guichet, ANNEE), seuil=2)
    # F 2 stays, M 1 is hidden, then F too: the total (3) would give M away.
    assert _valeurs(profils["sexe"]) == {"sexe_F": (None,), "sexe_M": (None,)}
    assert _valeurs(profils["qpv"]) == {"qpv_oui": (None,), "qpv_non": (None,)}
    # Criteria are not additive (one person, several criteria): no secondary suppression.
    assert set(_valeurs(profils["critere"]).values()) == {(None,)}


@pytest.mark.parametrize(
    ("valeurs", "seuil", "attendu"),
    [
        ([10, 7, 6], 5, [10, 7, 6]),
        ([10, 3, 6], 5, [10, None, None]),  # 3 hidden, then the smallest other
        ([10, 3, 2], 5, [10, None, None]),  # two hidden: enough
        ([3, 0], 5, [None, None]),  # a lone hidden cell beside a zero: the zero goes too
        ([0, 0, 12], 5, [0, 0, 12]),
        ([4, 1, 2], None, [4, 1, 2]),  # no threshold: facilitators see everything
    ],
)
def test_small_cell_suppression(valeurs, seuil, attendu):
    assert masquer_petites_cellules(valeurs, seuil) == attendu


def test_non_additive_suppression_hides_only_small_cells():
    assert masquer_petites_cellules([10, 3, 6], 5, additive=False) == [10, None, 6]


def test_each_selector_answers_in_a_constant_number_of_queries(jeu, sans_cache, django_assert_num_queries):
    a, _ = jeu
    with a.scope():
        portee = Portee(a.guichet, ANNEE)
        portee.parametres  # noqa: B018 (read once)
        for fonction, requetes in [
            (indicateurs.chiffres_cles, 4),
            (indicateurs.heures_par_mois, 2),
            (indicateurs.heures_par_secteur, 2),
            (indicateurs.heures_par_acheteur, 3),
            (indicateurs.heures_par_type, 2),
            (indicateurs.heures_par_modalite, 1),
            (indicateurs.personnes_par_profil, 3),
            (indicateurs.contrats_par_type, 1),
        ]:
            with django_assert_num_queries(requetes):
                fonction(portee)


def test_figures_are_kept_until_the_data_changes(jeu, django_assert_num_queries):
    from guichet.services import parametres_update
    from tests.factories import SuiviLotFactory

    a, t = jeu
    with a.scope():
        assert indicateurs.chiffres_cles(Portee(a.guichet, ANNEE)).etp == D("0.25")
        with django_assert_num_queries(1):  # the fingerprint only
            assert indicateurs.chiffres_cles(Portee(a.guichet, ANNEE)).etp == D("0.25")
        # Every service write leaves an audit entry: new fingerprint, figures computed again.
        parametres_update(guichet=a.guichet, acting_user=None, heures_etp=D("1500"))
        assert indicateurs.chiffres_cles(Portee(a.guichet, ANNEE)).etp == D("0.27")  # 405 / 1500
        # A recompute rewrites the lots' progress: new fingerprint too.
        empreinte = Portee(a.guichet, ANNEE).empreinte
        SuiviLotFactory(guichet=a.guichet, lot=t.l1)
        assert Portee(a.guichet, ANNEE).empreinte != empreinte
