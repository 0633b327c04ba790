"""The API of the marchés app (api.md): the published calibration cases, the fields and filters, roles, 404s."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guichet.enums import Role
from marches.models import Attribution, Consideration, Lot, Marche

from ..clients import api, url
from ..factories import (
    AcheteurFactory,
    AttributionFactory,
    ConsiderationFactory,
    EntrepriseFactory,
    LotFactory,
    MarcheFactory,
)


def facilitateur(territoire):
    return api(territoire.membres[Role.FACILITATEUR])


def un_lot(territoire, **kwargs):
    with territoire.scope():
        return LotFactory(guichet=territoire.guichet, **kwargs)


def test_the_published_formule_case_gives_833_hours(guichet_a):
    """domain.md §3: 1 000 000 € × 50 % × 5 % ÷ 30 €/h = 833.33 → 833 h."""
    lot = un_lot(guichet_a, secteur="services", montant_ht=250_000)
    response = facilitateur(guichet_a).post(
        url("api:consideration-list", guichet_a),
        {
            "lot": lot.pk,
            "type": "clause_heures",
            "mode_calcul": "formule",
            "montant_ht": 1000000,
            "taux_main_oeuvre": 0.5,
            "taux_insertion": 0.05,
            "cout_horaire": 30,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["heures_dues"] == 833 and Decimal(str(body["heures_dues"])) == Decimal(833)
    assert body["heures_dues_brutes"] == "833.33" and body["sous_seuil"] is False
    assert "833,33\u00a0h → 833\u00a0h" in body["explication"]
    assert body["decp"] == "Clause sociale" and body["base_legale"].startswith("CCP L2112-2")
    again = facilitateur(guichet_a).get(url("api:consideration-detail", guichet_a, pk=body["id"])).json()
    assert again["heures_dues"] == 833 and again["heures_dues_brutes"] == "833.33"


def test_the_published_pact_case_gives_640_hours_with_decimal_strings(guichet_a):
    """domain.md §3: A = 500 000, N = 24, S = 300, T = 5 % → P = 0.64 → 640 h (decimals sent as strings)."""
    lot = un_lot(guichet_a, secteur="proprete")
    pact = {"montant_periode": "500000", "duree_mois": 24, "heures_reprises_mois": "300", "taux_insertion": "0.05"}
    response = facilitateur(guichet_a).post(
        url("api:consideration-list", guichet_a),
        {"lot": lot.pk, "type": "clause_heures", "mode_calcul": "pact_proprete", "pact": pact},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["heures_dues"], body["heures_dues_brutes"], body["sous_seuil"]) == (640, "640.00", False)
    assert {k: Decimal(str(v)) for k, v in body["pact"].items()} == {k: Decimal(str(v)) for k, v in pact.items()}
    assert body["tranche"] is None


def test_absent_inputs_come_from_the_lot_the_sector_table_and_the_guichet(guichet_a):
    lot = un_lot(guichet_a, secteur="btp_gros_oeuvre", montant_ht=1_000_000)
    response = facilitateur(guichet_a).post(
        url("api:consideration-list", guichet_a), {"lot": lot.pk, "type": "clause_heures"}, format="json"
    )
    body = response.json()
    # 1 000 000 € × 50 % (sector table) × 5 % ÷ 25 €/h (guichet defaults) = 1 000 h
    assert response.status_code == 201 and body["mode_calcul"] == "formule"
    assert body["heures_dues"] == 1000 and body["heures_dues_brutes"] == "1000.00"
    assert Decimal(body["taux_main_oeuvre_retenu"]) == Decimal("0.5") and Decimal(body["cout_horaire_retenu"]) == 25


def test_tranche_inputs_are_an_extra_object(guichet_a):
    lot = un_lot(guichet_a)
    tranche = {"montant_tranche": 2000, "seuil_declenchement": 2700000, "montant_facture": 3105500}
    client = facilitateur(guichet_a)
    response = client.post(
        url("api:consideration-list", guichet_a),
        {"lot": lot.pk, "type": "clause_heures", "mode_calcul": "tranche_facturee", "tranche": tranche},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["heures_dues"] == 202 and response.json()["heures_dues_brutes"] == "202.75"
    # The hours follow the invoicing.
    patch = client.patch(
        url("api:consideration-detail", guichet_a, pk=response.json()["id"]),
        {"tranche": {"montant_facture": "2900000"}},
        format="json",
    )
    assert patch.status_code == 200, patch.json()
    assert patch.json()["heures_dues"] == 100


@pytest.mark.parametrize(
    ("data", "champ", "message"),
    [
        ({"mode_calcul": "forfait"}, "heures_forfait", "Indiquez le nombre d'heures du forfait."),
        ({"mode_calcul": "pact_proprete", "pact": {"montant_periode": 500000}}, "pact", "Indiquez la durée"),
        ({"taux_insertion": 1.5}, "taux_insertion", "inférieure ou égale à 1"),
        ({"mode_calcul": "au_doigt_mouille"}, "mode_calcul", "n'est pas un choix valide"),
    ],
)
def test_an_invalid_clause_is_400_in_french_and_nothing_is_written(guichet_a, data, champ, message):
    lot = un_lot(guichet_a)
    response = facilitateur(guichet_a).post(
        url("api:consideration-list", guichet_a), {"lot": lot.pk, "type": "clause_heures", **data}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [champ] and message in response.json()[champ][0], response.json()
    with guichet_a.scope():
        assert not Consideration.objects.exists()


def test_a_lot_without_amount_or_sector_explains_what_is_missing(guichet_a):
    lot = un_lot(guichet_a, secteur="", montant_ht=None)
    response = facilitateur(guichet_a).post(
        url("api:consideration-list", guichet_a), {"lot": lot.pk, "type": "clause_heures"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"montant_ht": ["Indiquez le montant HT du lot ou de la clause."]}


@pytest.mark.parametrize(
    ("type_", "data", "attendu"),
    [
        ("critere_attribution", {"ponderation": "0.15"}, {"ponderation": "0.1500", "decp": "Critère social"}),
        ("reserve_siae", {}, {"structures_visees": ["ei", "etti", "ai", "aci", "eiti"], "decp": "Marché réservé"}),
        ("reserve_ea_esat", {"structures_visees": ["esat"]}, {"structures_visees": ["esat"]}),
        ("reserve_ess", {}, {"decp": "Marché réservé"}),
        ("plan_progres", {"axes": ["Recrutement local", "Formation"]}, {"axes": ["Recrutement local", "Formation"]}),
        ("clause_actions", {}, {"heures_dues": None, "mode_calcul": ""}),
        ("marche_insertion", {}, {"base_legale": "CCP R2123-1"}),
        ("clause_illettrisme", {"description": "Formation aux savoirs de base."}, {"decp": "Clause sociale"}),
        ("clause_egalite", {}, {"base_legale": "CCP L2112-2"}),
    ],
)
def test_every_type_of_consideration_can_be_recorded(guichet_a, type_, data, attendu):
    lot = un_lot(guichet_a)
    indicateurs = [{"nom": "Visites de chantier", "unite": "visites", "cible": 4, "realise": "1.5"}]
    response = facilitateur(guichet_a).post(
        url("api:consideration-list", guichet_a),
        {"lot": lot.pk, "type": type_, "indicateurs": indicateurs, **data},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in attendu} == attendu
    assert body["indicateurs"] == [
        {"nom": "Visites de chantier", "unite": "visites", "cible": "4.00", "realise": "1.50"}
    ]


def test_a_field_of_another_type_is_refused(guichet_a):
    lot = un_lot(guichet_a)
    response = facilitateur(guichet_a).post(
        url("api:consideration-list", guichet_a),
        {"lot": lot.pk, "type": "clause_actions", "ponderation": 0.2, "heures_forfait": 100},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "ponderation": ["Sans objet pour une considération de ce type."],
        "heures_forfait": ["Sans objet pour une considération de ce type."],
    }


def test_the_titulaire_awarded_amount_recomputes_a_formula_clause(guichet_a):
    lot = un_lot(guichet_a, montant_ht=1_000_000)  # gros œuvre: 1 000 h
    client = facilitateur(guichet_a)
    clause = client.post(
        url("api:consideration-list", guichet_a), {"lot": lot.pk, "type": "clause_heures"}, format="json"
    ).json()
    with guichet_a.scope():
        entreprise = EntrepriseFactory(guichet=guichet_a.guichet)
    attribution = client.post(
        url("api:attribution-list", guichet_a),
        {"lot": lot.pk, "entreprise": entreprise.pk, "role": "titulaire", "montant_ht": "800000"},
        format="json",
    )
    assert attribution.status_code == 201, attribution.json()
    assert attribution.json()["entreprise_nom"] == entreprise.raison_sociale
    body = client.get(url("api:consideration-detail", guichet_a, pk=clause["id"])).json()
    assert body["heures_dues"] == 800 and Decimal(body["montant_retenu"]) == 800_000


def test_a_lot_has_one_titulaire(guichet_a):
    with guichet_a.scope():
        existante = AttributionFactory(guichet=guichet_a.guichet)
        autre = EntrepriseFactory(guichet=guichet_a.guichet)
    response = facilitateur(guichet_a).post(
        url("api:attribution-list", guichet_a),
        {"lot": existante.lot_id, "entreprise": autre.pk, "role": "titulaire"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"lot": ["Ce lot a déjà un titulaire."]}
    cotraitant = facilitateur(guichet_a).post(
        url("api:attribution-list", guichet_a),
        {"lot": existante.lot_id, "entreprise": autre.pk, "role": "cotraitant", "date_notification": "2026-03-01"},
        format="json",
    )
    assert cotraitant.status_code == 201, cotraitant.json()


def test_marches_fields_and_filters(guichet_a):
    with guichet_a.scope():
        acheteur = AcheteurFactory(guichet=guichet_a.guichet)
    client = facilitateur(guichet_a)
    data = {
        "acheteur": acheteur.pk,
        "reference": "2026-VOIRIE-01",
        "objet": "Réfection de voirie",
        "type_contrat": "accord_cadre",
        "montant_estime_ht": "2500000.00",
        "date_notification": "2026-05-12",
        "date_debut_execution": "2026-06-01",
        "date_fin_execution": "2028-05-31",
        "statut": "execution",
    }
    response = client.post(url("api:marche-list", guichet_a), data, format="json")
    assert response.status_code == 201, response.json()
    assert {k: response.json()[k] for k in data} == data
    assert response.json()["annee"] == 2026 and response.json()["nombre_lots"] == 0
    doublon = client.post(url("api:marche-list", guichet_a), data, format="json")
    assert doublon.status_code == 400
    assert doublon.json() == {"reference": ["Un marché du guichet porte déjà cette référence."]}
    with guichet_a.scope():
        MarcheFactory(guichet=guichet_a.guichet, reference="AUTRE", statut="programme")

    def references(**q):
        return {m["reference"] for m in client.get(url("api:marche-list", guichet_a), q).json()["results"]}

    assert references(acheteur=acheteur.pk) == {"2026-VOIRIE-01"}
    assert references(statut="execution") == {"2026-VOIRIE-01"}
    assert references(annee=2026) == {"2026-VOIRIE-01"}
    assert references(annee=2025) == set()


def test_lots_fields_dates_and_filters(guichet_a):
    with guichet_a.scope():
        marche = MarcheFactory(guichet=guichet_a.guichet, notifie=True)
        entreprise = EntrepriseFactory(guichet=guichet_a.guichet)
    client = facilitateur(guichet_a)
    data = {
        "marche": marche.pk,
        "numero": 2,
        "intitule": "Peinture",
        "secteur": "btp_second_oeuvre",
        "montant_ht": "120000.00",
        "date_debut_execution": None,
        "date_fin_execution": "2026-12-31",
    }
    response = client.post(url("api:lot-list", guichet_a), data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in data} == data
    assert (body["debut"], body["fin"]) == ("2026-04-01", "2026-12-31")  # null: the marché's date
    with guichet_a.scope():
        autre = LotFactory(guichet=guichet_a.guichet)
        AttributionFactory(guichet=guichet_a.guichet, lot=autre, entreprise=entreprise)
    ids = lambda **q: [lot["id"] for lot in client.get(url("api:lot-list", guichet_a), q).json()["results"]]  # noqa: E731
    assert ids(marche=marche.pk) == [body["id"]]
    assert ids(entreprise=entreprise.pk) == [autre.pk]
    bad = client.post(url("api:lot-list", guichet_a), {**data, "secteur": "aeronautique"}, format="json")
    assert bad.status_code == 400 and "secteur" in bad.json()


def test_entreprises_fields_siret_and_uniqueness(guichet_a):
    client = facilitateur(guichet_a)
    data = {"raison_sociale": "Rebond Insertion", "siret": "732 829 320 00074", "type_structure": "ei"}
    response = client.post(url("api:entreprise-list", guichet_a), data, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["siret"], body["siren"], body["type_structure"]) == ("73282932000074", "732829320", "ei")
    assert body["structure_inclusive"] is True
    doublon = client.post(url("api:entreprise-list", guichet_a), data, format="json")
    assert doublon.json() == {"siret": ["Une entreprise du guichet a déjà ce SIRET."]}
    faux = client.post(url("api:entreprise-list", guichet_a), {**data, "siret": "73282932000075"}, format="json")
    assert faux.status_code == 400
    assert faux.json() == {
        "siret": ["Ce numéro SIRET n'est pas valide : il faut 14 chiffres et une clé de contrôle correcte."]
    }


# --- Roles ---------------------------------------------------------------------------------------------


def test_a_buyer_member_reads_only_its_own_marches_and_lots(guichet_a):
    propre = guichet_a.membres[Role.ACHETEUR].acheteur
    with guichet_a.scope():
        a_lui = LotFactory(guichet=guichet_a.guichet, marche__acheteur=propre)
        ConsiderationFactory(guichet=guichet_a.guichet, lot=a_lui)
        AttributionFactory(guichet=guichet_a.guichet, lot=a_lui)
        autre = LotFactory(guichet=guichet_a.guichet)
        ConsiderationFactory(guichet=guichet_a.guichet, lot=autre)
        AttributionFactory(guichet=guichet_a.guichet, lot=autre)
    client = api(guichet_a.membres[Role.ACHETEUR])
    assert [m["id"] for m in client.get(url("api:marche-list", guichet_a)).json()["results"]] == [a_lui.marche_id]
    assert [lot["id"] for lot in client.get(url("api:lot-list", guichet_a)).json()["results"]] == [a_lui.pk]
    for name in ("api:consideration-list", "api:attribution-list"):
        assert [r["lot"] for r in client.get(url(name, guichet_a)).json()["results"]] == [a_lui.pk]
    assert client.get(url("api:lot-detail", guichet_a, pk=autre.pk)).status_code == 404
    assert client.get(url("api:entreprise-list", guichet_a)).status_code == 403


def test_a_company_member_reads_only_the_lots_it_holds_and_its_own_record(guichet_a):
    propre = guichet_a.membres[Role.ENTREPRISE].entreprise
    with guichet_a.scope():
        tenu = AttributionFactory(guichet=guichet_a.guichet, entreprise=propre, role="cotraitant").lot
        AttributionFactory(guichet=guichet_a.guichet, lot=tenu)  # the titulaire, another company
        autre = LotFactory(guichet=guichet_a.guichet, marche=tenu.marche)
        ConsiderationFactory(guichet=guichet_a.guichet, lot=autre)
        EntrepriseFactory(guichet=guichet_a.guichet)
    client = api(guichet_a.membres[Role.ENTREPRISE])
    assert [lot["id"] for lot in client.get(url("api:lot-list", guichet_a)).json()["results"]] == [tenu.pk]
    assert [m["id"] for m in client.get(url("api:marche-list", guichet_a)).json()["results"]] == [tenu.marche_id]
    assert client.get(url("api:consideration-list", guichet_a)).json()["count"] == 0
    attributions = client.get(url("api:attribution-list", guichet_a)).json()["results"]
    assert [a["entreprise"] for a in attributions] == [propre.pk]
    assert [e["id"] for e in client.get(url("api:entreprise-list", guichet_a)).json()["results"]] == [propre.pk]
    assert client.get(url("api:lot-detail", guichet_a, pk=autre.pk)).status_code == 404
    assert client.post(url("api:marche-list", guichet_a), {}, format="json").status_code == 403


# --- Query counts ----------------------------------------------------------------------------------------


def _peupler(territoire, n):
    with territoire.scope():
        for _ in range(n):
            lot = LotFactory(guichet=territoire.guichet)
            ConsiderationFactory(guichet=territoire.guichet, lot=lot, type="clause_heures", heures_dues=100)
            ConsiderationFactory(guichet=territoire.guichet, lot=lot, type="plan_progres")
            AttributionFactory(guichet=territoire.guichet, lot=lot)


@pytest.mark.parametrize("name", ["marche", "lot", "consideration", "attribution", "entreprise", "operation"])
def test_api_lists_answer_in_a_constant_number_of_queries(guichet_a, name, django_assert_max_num_queries):
    client = facilitateur(guichet_a)
    _peupler(guichet_a, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(f"api:{name}-list", guichet_a)).status_code == 200
    _peupler(guichet_a, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(f"api:{name}-list", guichet_a)).status_code == 200


# --- Foreign ids -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["marche", "lot", "consideration", "attribution", "entreprise", "avenant", "operation"]
)
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_an_object_of_another_guichet_is_404_in_the_api(deux_guichets, name, method):
    from ..factories import AvenantFactory, OperationFactory

    a, b = deux_guichets
    with b.scope():
        avenant = AvenantFactory(guichet=b.guichet)
        lot = avenant.consideration.lot
        attribution = AttributionFactory(guichet=b.guichet, lot=lot)
        objets = {
            "marche": lot.marche,
            "lot": lot,
            "consideration": avenant.consideration,
            "attribution": attribution,
            "entreprise": attribution.entreprise,
            "avenant": avenant,
            "operation": OperationFactory(guichet=b.guichet),
        }
    response = getattr(api(a.membres[Role.ADMIN]), method)(
        url(f"api:{name}-detail", a, pk=objets[name].pk), {"objet": "Piraté", "intitule": "Piraté"}, format="json"
    )
    assert response.status_code == 404
    with b.scope():
        assert Marche.objects.count() == 1 and Lot.objects.get().intitule != "Piraté"
        assert Attribution.objects.count() == 1 and Consideration.objects.count() == 1


def test_linking_to_an_object_of_another_guichet_is_an_invalid_choice(deux_guichets):
    a, b = deux_guichets
    with b.scope():
        lot_b = LotFactory(guichet=b.guichet)
        entreprise_b = EntrepriseFactory(guichet=b.guichet)
    lot_a = un_lot(a)
    client = api(a.membres[Role.ADMIN])
    for name, data in [
        ("api:attribution-list", {"lot": lot_a.pk, "entreprise": entreprise_b.pk}),
        ("api:consideration-list", {"lot": lot_b.pk, "type": "clause_actions"}),
        ("api:lot-list", {"marche": lot_b.marche_id, "numero": 1, "intitule": "X"}),
    ]:
        response = client.post(url(name, a), data, format="json")
        assert response.status_code == 400 and "n'existe pas" in str(response.json()), name
