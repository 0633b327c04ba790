"""Services of the marchés app: the calibration kept up to date, avenants, attributions, Loi Climat, PNAD."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from guichet.enums import Role
from guichet.models import JournalAudit
from guichet.services import parametres_update
from marches import selectors, services
from marches.models import Consideration, Marche

from ..factories import (
    AchatPrevuFactory,
    AcheteurFactory,
    AttributionFactory,
    EntrepriseFactory,
    LotFactory,
    MarcheFactory,
)


def clause(territoire, lot, **data):
    return services.consideration_create(
        guichet=territoire.guichet, acting_user=None, lot=lot, type="clause_heures", **data
    )


def recharger(consideration):
    return Consideration.objects.get(pk=consideration.pk)


def test_a_clause_is_calibrated_when_created_and_audited(guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet, secteur="btp_gros_oeuvre", montant_ht=1_000_000)
        c = clause(guichet_a, lot, cout_horaire=Decimal("30"))
        assert (c.heures_dues, c.heures_dues_brutes, c.sous_seuil) == (833, Decimal("833.33"), False)
        assert c.explication.startswith("1\u202f000\u202f000\u00a0€ × 50\u00a0% × 5\u00a0% ÷ 30\u00a0€/h")
        assert (c.taux_main_oeuvre_retenu, c.cout_horaire_retenu, c.montant_retenu) == (
            Decimal("0.5"),
            Decimal("30"),
            Decimal("1000000"),
        )
        entry = JournalAudit.objects.get(action="consideration.create")
        assert entry.details == {"lot": lot.pk, "heures_dues": "833"}


def test_the_lot_amount_and_sector_recompute_the_clause(guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet, secteur="btp_gros_oeuvre", montant_ht=1_000_000)
        c = clause(guichet_a, lot)
        assert c.heures_dues == 1000
        services.lot_update(lot=lot, acting_user=None, montant_ht=Decimal("500000"))
        assert recharger(c).heures_dues == 500
        services.lot_update(lot=lot, acting_user=None, secteur="proprete")
        assert recharger(c).heures_dues == 800
        recalculs = JournalAudit.objects.filter(action="consideration.recalcul").order_by("id")
        assert [e.details["heures_dues"] for e in recalculs] == [["1000", "500"], ["500", "800"]]


def test_a_lot_change_that_breaks_its_clause_is_refused(guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet, montant_ht=1_000_000)
        c = clause(guichet_a, lot)
        with pytest.raises(ValidationError) as error:
            services.lot_update(lot=lot, acting_user=None, montant_ht=None)
        assert "ne peut plus être calculée : Indiquez le montant HT" in error.value.message_dict["montant_ht"][0]
        assert recharger(c).heures_dues == 1000


def test_guichet_settings_recompute_every_clause_and_forfait_never_moves(guichet_a):
    with guichet_a.scope():
        formule = clause(guichet_a, LotFactory(guichet=guichet_a.guichet, montant_ht=1_000_000))
        forfait = clause(
            guichet_a, LotFactory(guichet=guichet_a.guichet), mode_calcul="forfait", heures_forfait=Decimal("350")
        )
        parametres_update(guichet=guichet_a.guichet, acting_user=None, cout_horaire=Decimal("20"))
        assert recharger(formule).heures_dues == 1250 and recharger(forfait).heures_dues == 350
        table = {**guichet_a.guichet.parametres.taux_main_oeuvre, "btp_gros_oeuvre": "0.40"}
        parametres_update(guichet=guichet_a.guichet, acting_user=None, taux_main_oeuvre=table, arrondi="floor")
        assert recharger(formule).heures_dues == 1000
        parametres_update(guichet=guichet_a.guichet, acting_user=None, seuil_minimum_heures=Decimal("2000"))
        assert recharger(formule).sous_seuil and recharger(forfait).sous_seuil
        # A setting the calibration does not read recomputes nothing.
        avant = recharger(formule).calcule_le
        parametres_update(guichet=guichet_a.guichet, acting_user=None, delai_grace_jours=30)
        assert recharger(formule).calcule_le == avant


def test_the_titulaire_awarded_amount_recomputes_unless_the_setting_is_off(guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet, montant_ht=1_000_000)
        c = clause(guichet_a, lot)
        attribution = services.attribution_create(
            guichet=guichet_a.guichet,
            acting_user=None,
            lot=lot,
            entreprise=EntrepriseFactory(guichet=guichet_a.guichet),
            montant_ht=Decimal("800000"),
        )
        assert recharger(c).heures_dues == 800
        services.attribution_update(attribution=attribution, acting_user=None, montant_ht=Decimal("900000"))
        assert recharger(c).heures_dues == 900
        parametres_update(guichet=guichet_a.guichet, acting_user=None, recalcul_sur_montant_attribue=False)
        assert recharger(c).heures_dues == 1000
        parametres_update(guichet=guichet_a.guichet, acting_user=None, recalcul_sur_montant_attribue=True)
        services.attribution_delete(attribution=attribution, acting_user=None)
        assert recharger(c).heures_dues == 1000


def test_an_explicit_amount_or_a_co_contractor_does_not_recompute(guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet, montant_ht=1_000_000)
        explicite = clause(guichet_a, lot, montant_ht=Decimal("600000"))
        services.attribution_create(
            guichet=guichet_a.guichet,
            acting_user=None,
            lot=lot,
            entreprise=EntrepriseFactory(guichet=guichet_a.guichet),
            role="cotraitant",
            montant_ht=Decimal("100000"),
        )
        AttributionFactory(guichet=guichet_a.guichet, lot=lot, montant_ht=Decimal("700000"))
        services.consideration_update(consideration=explicite, acting_user=None, description="Saisi à la main")
        assert recharger(explicite).heures_dues == 600


def test_every_type_gets_its_defaults_and_refuses_the_fields_of_others(guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet)
        siae = services.consideration_create(guichet=guichet_a.guichet, acting_user=None, lot=lot, type="reserve_siae")
        assert siae.structures_visees == ["ei", "etti", "ai", "aci", "eiti"] and siae.heures_dues is None
        actions = services.consideration_create(
            guichet=guichet_a.guichet, acting_user=None, lot=lot, type="clause_actions"
        )
        assert [i["nom"] for i in actions.indicateurs] == ["Actions réalisées", "Participants", "Heures de tutorat"]
        with pytest.raises(ValidationError) as error:
            services.consideration_create(
                guichet=guichet_a.guichet, acting_user=None, lot=lot, type="plan_progres", ponderation=Decimal("0.1")
            )
        assert error.value.message_dict == {"ponderation": ["Sans objet pour une considération de ce type."]}
        with pytest.raises(ValidationError) as error:
            services.consideration_create(guichet=guichet_a.guichet, acting_user=None, lot=lot, type="reserve_siae")
        assert error.value.messages == ["Ce lot porte déjà une considération de ce type."]


@pytest.mark.parametrize(
    ("indicateurs", "message"),
    [
        ([{"unite": "h"}], "Indicateur n°1 : indiquez son nom."),
        ([{"nom": "Visites", "cible": "beaucoup"}], "Indicateur « Visites » : la cible doit être un nombre positif."),
        ([{"nom": "Visites", "realise": -1}], "Indicateur « Visites » : le réalisé doit être un nombre positif."),
        ("visites", "Les indicateurs sont une liste de {nom, unite, cible, realise}."),
    ],
)
def test_invalid_indicators_are_refused_in_french(guichet_a, indicateurs, message):
    with guichet_a.scope(), pytest.raises(ValidationError) as error:
        services.consideration_create(
            guichet=guichet_a.guichet,
            acting_user=None,
            lot=LotFactory(guichet=guichet_a.guichet),
            type="clause_egalite",
            indicateurs=indicateurs,
        )
    assert error.value.message_dict == {"indicateurs": [message]}


def test_avenants_keep_the_history_and_the_hours_in_force_at_a_date_are_selectable(guichet_a):
    with guichet_a.scope():
        marche = MarcheFactory(guichet=guichet_a.guichet, notifie=True)  # execution from 2026-04-01
        c = clause(guichet_a, LotFactory(guichet=guichet_a.guichet, marche=marche, montant_ht=1_000_000))
        for jour, heures in [(date(2027, 1, 1), 1300), (date(2026, 9, 1), 1100)]:
            services.avenant_create(
                guichet=guichet_a.guichet, acting_user=None, consideration=c, date_effet=jour, heures_dues=heures
            )
        en_vigueur = lambda jour: (  # noqa: E731
            Consideration.objects.avec_heures_en_vigueur(jour).get(pk=c.pk).heures_en_vigueur
        )
        assert en_vigueur(date(2026, 5, 1)) == 1000
        assert en_vigueur(date(2026, 9, 1)) == 1100
        assert en_vigueur(date(2027, 6, 30)) == 1300
        historique = services.historique(c, c.avenants.all())
        assert historique.heures_dues_au(date(2026, 3, 31)) is None  # before the lot starts, nothing is due
        assert [r.heures_dues for r in historique.revisions] == [1000, 1100, 1300]
        assert JournalAudit.objects.filter(action="avenant.create").count() == 2


@pytest.mark.parametrize(
    ("jour", "message"),
    [
        (date(2026, 9, 1), "Deux révisions des heures dues prennent effet le même jour (01/09/2026)"),
        (date(2026, 1, 15), "prend effet le 15/01/2026, avant la calibration initiale du 01/04/2026"),
    ],
)
def test_inconsistent_avenants_are_refused(guichet_a, jour, message):
    with guichet_a.scope():
        marche = MarcheFactory(guichet=guichet_a.guichet, notifie=True)
        c = clause(guichet_a, LotFactory(guichet=guichet_a.guichet, marche=marche))
        services.avenant_create(
            guichet=guichet_a.guichet, acting_user=None, consideration=c, date_effet=date(2026, 9, 1), heures_dues=1
        )
        with pytest.raises(ValidationError) as error:
            services.avenant_create(
                guichet=guichet_a.guichet, acting_user=None, consideration=c, date_effet=jour, heures_dues=2
            )
        assert message in error.value.message_dict["date_effet"][0]
        autre = services.consideration_create(
            guichet=guichet_a.guichet, acting_user=None, lot=c.lot, type="clause_actions"
        )
        with pytest.raises(ValidationError, match="ne porte que sur une clause d'heures"):
            services.avenant_create(
                guichet=guichet_a.guichet, acting_user=None, consideration=autre, date_effet=jour, heures_dues=2
            )


def test_objects_of_two_guichets_cannot_be_linked(deux_guichets):
    a, b = deux_guichets
    with b.scope():
        lot_b = LotFactory(guichet=b.guichet)
        entreprise_b = EntrepriseFactory(guichet=b.guichet)
        acheteur_b = AcheteurFactory(guichet=b.guichet)
    with a.scope():
        lot_a = LotFactory(guichet=a.guichet)
        for service, kwargs in [
            (services.marche_create, {"acheteur": acheteur_b, "reference": "X", "objet": "X"}),
            (services.lot_create, {"marche": lot_b.marche, "numero": 1, "intitule": "X"}),
            (services.consideration_create, {"lot": lot_b, "type": "clause_actions"}),
            (services.attribution_create, {"lot": lot_a, "entreprise": entreprise_b}),
        ]:
            with pytest.raises(ValidationError, match="n'appartient pas à ce guichet"):
                service(guichet=a.guichet, acting_user=None, **kwargs)
        assert not lot_a.attributions.exists()


def test_a_planned_purchase_becomes_a_marche_in_programme_and_keeps_the_link(guichet_a):
    with guichet_a.scope():
        achat = AchatPrevuFactory(guichet=guichet_a.guichet, objet="Réfection de la toiture", montant_estime_ht=90000)
        marche = services.marche_depuis_achat_prevu(achat=achat, acting_user=None, reference="2026-TOIT")
        achat.refresh_from_db()
        assert achat.marche == marche and marche.statut == "programme"
        assert (marche.objet, marche.montant_estime_ht, marche.acheteur) == (
            "Réfection de la toiture",
            90000,
            achat.programmation.acheteur,
        )
        with pytest.raises(ValidationError, match="déjà été transformé"):
            services.marche_depuis_achat_prevu(achat=achat, acting_user=None, reference="2026-TOIT-BIS")


# --- Loi Climat -------------------------------------------------------------------------------------------


def _climat(territoire, **data):
    marche = MarcheFactory(guichet=territoire.guichet, **data)
    return Marche.objects.avec_climat(territoire.guichet.parametres).get(pk=marche.pk).statut_climat


@pytest.mark.parametrize(
    ("data", "statut"),
    [
        # supplies and services: 216 000 € for most buyers
        ({"nature": "services", "montant_estime_ht": 216_000}, "non_conforme"),
        ({"nature": "services", "montant_estime_ht": 215_999}, "non_concerne"),
        # State buyers: 140 000 €
        ({"nature": "fournitures", "montant_estime_ht": 150_000, "acheteur__type": "etat"}, "non_conforme"),
        ({"nature": "fournitures", "montant_estime_ht": 150_000}, "non_concerne"),
        # works: 5 404 000 €
        ({"nature": "travaux", "montant_estime_ht": 5_000_000}, "non_concerne"),
        ({"nature": "travaux", "montant_estime_ht": 5_404_000}, "non_conforme"),
        # nature unknown: the lowest threshold, to ask rather than miss an obligation
        ({"nature": "", "montant_estime_ht": 300_000}, "non_conforme"),
        # launched before the obligation applies, or not launched yet
        ({"nature": "services", "montant_estime_ht": 300_000, "date_lancement": date(2026, 8, 20)}, "non_concerne"),
        ({"nature": "services", "montant_estime_ht": 300_000, "date_lancement": None}, "non_concerne"),
        # a motive recorded
        (
            {"nature": "services", "montant_estime_ht": 300_000, "motif_derogation_climat": "Pas de public."},
            "derogation",
        ),
        # a private order
        ({"nature": "services", "montant_estime_ht": 300_000, "type_contrat": "commande_privee"}, "non_concerne"),
    ],
)
def test_loi_climat_status(guichet_a, data, statut):
    with guichet_a.scope():
        assert _climat(guichet_a, **{"date_lancement": date(2026, 9, 1), **data}) == statut


def test_a_social_consideration_makes_the_marche_compliant_and_the_amount_can_come_from_the_lots(guichet_a):
    with guichet_a.scope():
        lot = LotFactory(
            guichet=guichet_a.guichet,
            montant_ht=250_000,
            marche__nature="services",
            marche__montant_estime_ht=None,
            marche__date_lancement=date(2026, 9, 1),
        )
        marche = Marche.objects.avec_climat(guichet_a.guichet.parametres)
        assert marche.get(pk=lot.marche_id).statut_climat == "non_conforme"
        membre = guichet_a.membres[Role.FACILITATEUR]
        assert list(selectors.marches_non_conformes_climat(guichet=guichet_a.guichet, membre=membre)) == [lot.marche]
        services.consideration_create(guichet=guichet_a.guichet, acting_user=None, lot=lot, type="clause_actions")
        assert marche.get(pk=lot.marche_id).statut_climat == "conforme"


def test_dated_thresholds_apply_by_launch_date_and_the_obligation_date_is_a_setting(guichet_a):
    with guichet_a.scope():
        seuils = [
            *guichet_a.guichet.parametres.seuils_europeens,
            {
                "date_effet": "2028-01-01",
                "fournitures_services_etat": 150000,
                "fournitures_services": 230000,
                "travaux": 5800000,
            },
        ]
        parametres_update(guichet=guichet_a.guichet, acting_user=None, seuils_europeens=seuils)
        parametres = guichet_a.guichet.parametres
        parametres.refresh_from_db()
        assert parametres.seuils_europeens[1]["fournitures_services"] == "230000"
        assert parametres.seuils_au(date(2027, 12, 31))["fournitures_services"] == 216000
        assert _climat(guichet_a, nature="services", montant_estime_ht=220_000, date_lancement=date(2027, 6, 1)) == (
            "non_conforme"
        )
        assert _climat(guichet_a, nature="services", montant_estime_ht=220_000, date_lancement=date(2028, 2, 1)) == (
            "non_concerne"
        )
        parametres_update(guichet=guichet_a.guichet, acting_user=None, date_obligation_climat=date(2027, 1, 1))
        guichet_a.guichet.parametres.refresh_from_db()
        assert _climat(guichet_a, nature="services", montant_estime_ht=300_000, date_lancement=date(2026, 9, 1)) == (
            "non_concerne"
        )


@pytest.mark.parametrize(
    ("seuils", "message"),
    [
        ([], "Ce champ ne peut pas être vide."),
        ([{"date_effet": "01/01/2026"}], "s'écrit AAAA-MM-JJ"),
        (
            [{"date_effet": "2026-01-01", "fournitures_services_etat": 1, "fournitures_services": 0, "travaux": 1}],
            "positif",
        ),
    ],
)
def test_invalid_thresholds_are_refused(guichet_a, seuils, message):
    with guichet_a.scope(), pytest.raises(ValidationError) as error:
        parametres_update(guichet=guichet_a.guichet, acting_user=None, seuils_europeens=seuils)
    assert message in error.value.message_dict["seuils_europeens"][0]


# --- PNAD --------------------------------------------------------------------------------------------------


def test_pnad_share_of_notified_marches_with_a_social_consideration(guichet_a):
    with guichet_a.scope():
        acheteur, autre = AcheteurFactory(guichet=guichet_a.guichet), AcheteurFactory(guichet=guichet_a.guichet)
        for n, (qui, notifie, avec) in enumerate(
            [
                (acheteur, date(2026, 3, 1), True),
                (acheteur, date(2026, 5, 1), False),
                (acheteur, date(2026, 6, 1), False),
                (acheteur, date(2025, 6, 1), True),
                (acheteur, None, True),
                (autre, date(2026, 2, 1), True),
            ]
        ):
            lot = LotFactory(guichet=guichet_a.guichet, marche__acheteur=qui, marche__date_notification=notifie)
            if avec:
                services.consideration_create(guichet=guichet_a.guichet, acting_user=None, lot=lot, type="reserve_ess")
            LotFactory(guichet=guichet_a.guichet, marche=lot.marche, numero=100 + n)  # a second lot changes nothing
        assert selectors.pnad(guichet=guichet_a.guichet, annee=2026, acheteur=acheteur) == {
            "marches_notifies": 3,
            "marches_avec_consideration_sociale": 1,
            "part_consideration_sociale": Decimal("0.3333"),
        }
        assert selectors.pnad(guichet=guichet_a.guichet, annee=2026)["part_consideration_sociale"] == Decimal("0.5")
        assert selectors.pnad(guichet=guichet_a.guichet, annee=2024)["part_consideration_sociale"] is None
        lignes = selectors.pnad_par_acheteur(guichet=guichet_a.guichet, annee=2026)
        assert {(ligne["acheteur"], ligne["part_consideration_sociale"]) for ligne in lignes} == {
            (acheteur, Decimal("0.3333")),
            (autre, Decimal("1")),
        }


def test_an_avenant_is_updated_with_its_history_checked_and_audited(guichet_a):
    with guichet_a.scope():
        marche = MarcheFactory(guichet=guichet_a.guichet, notifie=True)
        c = clause(guichet_a, LotFactory(guichet=guichet_a.guichet, marche=marche))
        premier, second = (
            services.avenant_create(
                guichet=guichet_a.guichet, acting_user=None, consideration=c, date_effet=jour, heures_dues=heures
            )
            for jour, heures in [(date(2026, 9, 1), 1100), (date(2027, 1, 1), 1200)]
        )
        services.avenant_update(avenant=premier, acting_user=None, heures_dues=1150)
        entry = JournalAudit.objects.get(action="avenant.update")
        assert entry.details["changements"] == {"heures_dues": ["1100", "1150"]}
        with pytest.raises(ValidationError, match="même jour"):
            services.avenant_update(avenant=premier, acting_user=None, date_effet=date(2027, 1, 1))
        premier.refresh_from_db()
        assert premier.date_effet == date(2026, 9, 1) and second.heures_dues == 1200
