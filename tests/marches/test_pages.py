"""Pages of the marchés app: lists and filters, the marché and lot pages, the forms of every type of
consideration, the simulator, the programme's « transformer en marché », roles and foreign ids."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acheteurs.models import AchatPrevu
from guichet.enums import Role
from marches import services
from marches.models import Attribution, AvenantHeures, Consideration, Lot, Marche, Operation

from ..clients import connecte, url
from ..factories import (
    AchatPrevuFactory,
    AttributionFactory,
    AvenantFactory,
    ConsiderationFactory,
    EntrepriseFactory,
    LotFactory,
    MarcheFactory,
    OperationFactory,
)


def test_the_list_searches_and_filters_by_buyer_status_year_sector_and_consideration(client, guichet_a):
    with guichet_a.scope():
        voirie = LotFactory(
            guichet=guichet_a.guichet, secteur="btp_travaux_publics", marche__objet="Voirie", marche__notifie=True
        )
        ConsiderationFactory(guichet=guichet_a.guichet, lot=voirie, type="critere_attribution")
        LotFactory(guichet=guichet_a.guichet, secteur="proprete", marche__objet="Nettoyage", marche__statut="programme")
    connecte(client, guichet_a)
    liste = url("marches", guichet_a)
    texte = lambda **q: client.get(liste, q).text  # noqa: E731
    assert "Voirie" in texte(q="voir") and "Nettoyage" not in texte(q="voir")
    assert "Nettoyage" in texte(statut="programme") and "Voirie" not in texte(statut="programme")
    assert "Voirie" in texte(annee=2026) and "Voirie" not in texte(annee=2025)
    assert "Nettoyage" in texte(secteur="proprete") and "Voirie" not in texte(secteur="proprete")
    page = texte(consideration="critere_attribution")
    assert "Voirie" in page and "Nettoyage" not in page and "Critère d&#x27;attribution" in page
    assert "Voirie" in texte(acheteur=voirie.marche.acheteur_id) and "Nettoyage" not in texte(
        acheteur=voirie.marche.acheteur_id
    )
    fragment = client.get(liste, {"q": "x"}, HTTP_HX_REQUEST="true").text
    assert "<html" not in fragment and "marché" in fragment


def test_the_list_warns_of_marches_short_of_the_loi_climat(client, guichet_a):
    with guichet_a.scope():
        MarcheFactory(
            guichet=guichet_a.guichet, objet="Gardiennage", nature="services", date_lancement=date(2026, 10, 1)
        )
        MarcheFactory(guichet=guichet_a.guichet, objet="Archives", nature="services", date_lancement=date(2026, 1, 1))
    connecte(client, guichet_a)
    page = client.get(url("marches", guichet_a)).text
    assert "1 marché au-dessus des seuils européens" in page and "CCP L2112-2-1" in page
    filtre = client.get(url("marches", guichet_a), {"climat": "non_conforme"}).text
    assert "Gardiennage" in filtre and "Archives" not in filtre and "Loi Climat : non conforme" in filtre


def _un_marche_complet(territoire, n=0):
    with territoire.scope():
        marche = MarcheFactory(
            guichet=territoire.guichet, notifie=True, operation=OperationFactory(guichet=territoire.guichet)
        )
        for numero in (1, 2):
            lot = LotFactory(guichet=territoire.guichet, marche=marche, numero=numero)
            services.consideration_create(guichet=territoire.guichet, acting_user=None, lot=lot, type="clause_heures")
            ConsiderationFactory(guichet=territoire.guichet, lot=lot, type="critere_attribution", ponderation="0.1")
            AttributionFactory(guichet=territoire.guichet, lot=lot)
            AttributionFactory(guichet=territoire.guichet, lot=lot, role="sous_traitant")
    return marche


@pytest.mark.parametrize("name", ["marches", "operations"])
def test_lists_answer_in_a_constant_number_of_queries(
    client, sans_cache, guichet_a, name, django_assert_max_num_queries
):
    _un_marche_complet(guichet_a)
    connecte(client, guichet_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(name, guichet_a)).status_code == 200
    for n in range(5):
        _un_marche_complet(guichet_a, n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(name, guichet_a)).status_code == 200


def test_the_marche_page_shows_its_lots_considerations_and_attributions_in_constant_queries(
    client, guichet_a, django_assert_max_num_queries
):
    marche = _un_marche_complet(guichet_a)
    connecte(client, guichet_a)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url("marche", guichet_a, pk=marche.pk)).text
    assert "Lot 1" in page and "Lot 2" in page and "1\u00a0000\u00a0h" in page and "10\u00a0% de la note" in page
    assert "Sous-traitant" in page and "Titulaire" in page
    with guichet_a.scope():
        for numero in range(3, 8):
            lot = LotFactory(guichet=guichet_a.guichet, marche=marche, numero=numero)
            ConsiderationFactory(guichet=guichet_a.guichet, lot=lot)
            AttributionFactory(guichet=guichet_a.guichet, lot=lot)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("marche", guichet_a, pk=marche.pk)).status_code == 200


def test_the_lot_page_spells_out_the_calculation_and_the_avenants(client, guichet_a):
    with guichet_a.scope():
        marche = MarcheFactory(guichet=guichet_a.guichet, notifie=True)
        lot = LotFactory(guichet=guichet_a.guichet, marche=marche, montant_ht=1_000_000)
        c = services.consideration_create(
            guichet=guichet_a.guichet, acting_user=None, lot=lot, type="clause_heures", cout_horaire=Decimal("30")
        )
        AvenantFactory(guichet=guichet_a.guichet, consideration=c, reference="Avenant n°1", heures_dues=900)
    connecte(client, guichet_a)
    page = client.get(url("lot", guichet_a, pk=lot.pk)).text
    assert (
        "833\u00a0h" in page
        and "833,33\u00a0h → 833\u00a0h" in page
        and "Arrondi à l&#x27;heure la plus proche" in page
    )
    assert "01/04/2026" in page and "Avenant n°1" in page and "900\u00a0h" in page
    assert "CCP L2112-2" in page and "DECP : Clause sociale" in page


def test_a_facilitator_creates_a_marche_a_lot_and_a_clause_typed_in_percent(client, guichet_a):
    acheteur = guichet_a.membres[Role.ACHETEUR].acheteur
    connecte(client, guichet_a)
    response = client.post(
        url("marche_creer", guichet_a),
        {
            "acheteur": acheteur.pk,
            "reference": "2026-01",
            "objet": "École",
            "type_contrat": "marche",
            "statut": "consultation",
        },
    )
    with guichet_a.scope():
        marche = Marche.objects.get(reference="2026-01")
    assert response["Location"] == url("marche", guichet_a, pk=marche.pk)
    lot = {"numero": "1", "intitule": "Gros œuvre", "secteur": "btp_gros_oeuvre", "montant_ht": "1000000"}
    client.post(url("lot_creer", guichet_a, pk=marche.pk), lot)
    with guichet_a.scope():
        lot = Lot.objects.get(marche=marche)
    creer = url("consideration_creer", guichet_a, pk=lot.pk)
    assert "Pondération" not in client.get(creer + "?type=clause_heures").text
    response = client.post(
        creer + "?type=clause_heures",
        {
            "mode_calcul": "formule",
            "taux_insertion": "7",
            "cout_horaire": "30",
            "penalite_par_heure": "60",
            "indicateur_0_nom": "Bénéficiaires",
            "indicateur_0_unite": "personnes",
            "indicateur_0_cible": "4",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("lot", guichet_a, pk=lot.pk)
    with guichet_a.scope():
        c = Consideration.objects.get()
    assert c.taux_insertion == Decimal("0.07") and c.heures_dues == 1167  # 1 000 000 × 50 % × 7 % ÷ 30
    assert c.indicateurs == [{"nom": "Bénéficiaires", "unite": "personnes", "cible": "4", "realise": None}]


@pytest.mark.parametrize(
    ("type_", "data", "attendu"),
    [
        ("critere_attribution", {"ponderation": "15"}, {"ponderation": Decimal("0.15")}),
        ("plan_progres", {"axes": "Recrutement local\n\nFormation\n"}, {"axes": ["Recrutement local", "Formation"]}),
        ("reserve_ea_esat", {"structures_visees": ["ea", "esat"]}, {"structures_visees": ["ea", "esat"]}),
        ("reserve_siae", {}, {"structures_visees": ["ei", "etti", "ai", "aci", "eiti"]}),
        ("clause_actions", {"description": "Visites de chantier"}, {"description": "Visites de chantier"}),
        ("marche_insertion", {}, {"heures_dues": None}),
        ("clause_illettrisme", {"penalite_par_heure": "200"}, {"penalite_par_heure": Decimal("200")}),
        ("clause_egalite", {"indicateur_0_nom": "Femmes recrutées", "indicateur_0_realise": "2"}, {}),
        ("reserve_ess", {}, {"structures_visees": ["ei", "aci", "ai", "geiq", "regie_quartier", "autre"]}),
    ],
)
def test_every_type_of_consideration_is_recorded_and_shown_from_the_pages(client, guichet_a, type_, data, attendu):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet)
    connecte(client, guichet_a)
    response = client.post(url("consideration_creer", guichet_a, pk=lot.pk) + f"?type={type_}", data)
    assert response.status_code == 302, response.content[:2000]
    with guichet_a.scope():
        c = Consideration.objects.get(lot=lot)
    assert c.type == type_ and {k: getattr(c, k) for k in attendu} == attendu
    page = client.get(url("lot", guichet_a, pk=lot.pk)).text
    assert c.get_type_display().replace("'", "&#x27;") in page and c.fiche.base_legale in page
    edition = client.get(url("consideration_modifier", guichet_a, pk=c.pk))
    assert edition.status_code == 200


def test_an_indicator_without_a_name_is_an_error_on_the_form(client, guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet)
    connecte(client, guichet_a)
    response = client.post(
        url("consideration_creer", guichet_a, pk=lot.pk) + "?type=clause_egalite", {"indicateur_1_cible": "3"}
    )
    assert response.status_code == 400 and "Nommez cet indicateur." in response.text


def test_a_calibration_error_shows_on_its_field(client, guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet)
    connecte(client, guichet_a)
    response = client.post(
        url("consideration_creer", guichet_a, pk=lot.pk) + "?type=clause_heures", {"mode_calcul": "pact_proprete"}
    )
    assert response.status_code == 400
    assert "Indiquez le montant sur la période (PACT propreté)." in response.text


def test_avenants_and_attributions_from_the_pages(client, guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet, marche__notifie=True, montant_ht=1_000_000)
        c = services.consideration_create(guichet=guichet_a.guichet, acting_user=None, lot=lot, type="clause_heures")
        entreprise = EntrepriseFactory(guichet=guichet_a.guichet)
    connecte(client, guichet_a)
    avenant = {"reference": "Avenant 1", "date_effet": "2026-10-01", "heures_dues": "1200", "motif": "Extension"}
    assert client.post(url("avenant_creer", guichet_a, pk=c.pk), avenant).status_code == 302
    trop_tot = client.post(url("avenant_creer", guichet_a, pk=c.pk), {**avenant, "date_effet": "2026-01-01"})
    assert trop_tot.status_code == 400 and "avant la calibration initiale" in trop_tot.text
    formulaire = client.get(url("attribution_creer", guichet_a, pk=lot.pk)).text
    assert 'value="titulaire" selected' in formulaire or 'value="titulaire"' in formulaire
    attribution = {
        "entreprise": entreprise.pk,
        "role": "titulaire",
        "montant_ht": "900000",
        "date_notification": "2026-03-01",
    }
    assert client.post(url("attribution_creer", guichet_a, pk=lot.pk), attribution).status_code == 302
    second = client.post(
        url("attribution_creer", guichet_a, pk=lot.pk), {**attribution, "entreprise": EntrepriseFactory}
    )
    assert second.status_code == 400
    with guichet_a.scope():
        assert AvenantHeures.objects.get().heures_dues == 1200
        assert Consideration.objects.get().heures_dues == 900
        assert Attribution.objects.get().montant_ht == 900_000


# --- Simulator ------------------------------------------------------------------------------------------


SIMULATION = {
    "mode_calcul": "formule",
    "montant_ht": "1000000",
    "taux_main_oeuvre": "50",
    "taux_insertion": "5",
    "cout_horaire": "30",
}


def test_the_simulator_shows_the_published_cases_live_with_the_formula(client, guichet_a):
    connecte(client, guichet_a)
    page = client.get(url("simulateur", guichet_a), SIMULATION).text
    assert (
        "833\u00a0h" in page
        and "1\u202f000\u202f000\u00a0€ × 50\u00a0% × 5\u00a0% ÷ 30\u00a0€/h = 833,33\u00a0h → 833\u00a0h" in page
    )
    assert 'aria-live="polite"' in page and 'hx-trigger="input changed delay:300ms' in page
    fragment = client.get(
        url("simulateur", guichet_a),
        {
            "mode_calcul": "pact_proprete",
            "pact_montant_periode": "500000",
            "pact_duree_mois": "24",
            "pact_heures_reprises_mois": "300",
            "pact_taux_insertion": "5",
        },
        HTTP_HX_REQUEST="true",
    ).text
    assert "<html" not in fragment and "640\u00a0h" in fragment and "P = 1" in fragment
    assert "constante de la formule" in fragment
    sans_secteur = client.get(url("simulateur", guichet_a), {"mode_calcul": "formule", "montant_ht": "1000"}).text
    assert "Indiquez le secteur du lot ou un taux de main-d&#x27;œuvre." in sans_secteur


def test_one_click_creates_the_clause_on_a_lot(client, guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet, montant_ht=250_000)
    connecte(client, guichet_a)
    sans_lot = client.post(url("simulateur", guichet_a), SIMULATION)
    assert sans_lot.status_code == 400 and "Choisissez le lot qui portera la clause." in sans_lot.text
    response = client.post(url("simulateur", guichet_a), {**SIMULATION, "lot": lot.pk})
    assert response["Location"] == url("lot", guichet_a, pk=lot.pk)
    with guichet_a.scope():
        c = Consideration.objects.get()
    # the lot keeps its own amount; the simulated rates become the clause's
    assert (c.taux_main_oeuvre, c.taux_insertion, c.cout_horaire, c.montant_ht) == (
        Decimal("0.5"),
        Decimal("0.05"),
        Decimal("30"),
        None,
    )
    assert c.heures_dues == 208  # 250 000 × 50 % × 5 % ÷ 30 = 208,33


def test_a_new_marche_from_the_simulation_carries_its_inputs_to_the_lot_and_the_clause(client, guichet_a):
    acheteur = guichet_a.membres[Role.ACHETEUR].acheteur
    connecte(client, guichet_a)
    page = client.get(url("simulateur", guichet_a), {**SIMULATION, "secteur": "btp_gros_oeuvre"}).text
    lien = page.split("Nouveau marché à partir de cette simulation")[0].rsplit('href="', 1)[1].split('"')[0]
    lien = lien.replace("&amp;", "&")
    formulaire = client.get(lien).text
    assert 'value="1000000"' in formulaire
    response = client.post(
        lien,
        {
            "acheteur": acheteur.pk,
            "reference": "SIM-1",
            "objet": "École",
            "type_contrat": "marche",
            "statut": "programme",
        },
    )
    lot_url = response["Location"]
    assert "/lots/nouveau/?simulation=1" in lot_url
    assert 'value="btp_gros_oeuvre" selected' in client.get(lot_url).text
    response = client.post(
        lot_url, {"numero": "1", "intitule": "Lot unique", "secteur": "btp_gros_oeuvre", "montant_ht": "1000000"}
    )
    clause_url = response["Location"]
    assert "type=clause_heures" in clause_url
    assert (
        client.post(
            clause_url,
            {"mode_calcul": "formule", "taux_main_oeuvre": "50", "taux_insertion": "5", "cout_horaire": "30"},
        ).status_code
        == 302
    )
    with guichet_a.scope():
        assert Consideration.objects.get().heures_dues == 833


# --- Programme: « transformer en marché » ------------------------------------------------------------------


def test_a_planned_purchase_is_transformed_into_a_marche_shown_on_both_pages(client, guichet_a):
    with guichet_a.scope():
        achat = AchatPrevuFactory(guichet=guichet_a.guichet, objet="Réfection de la toiture", montant_estime_ht=90000)
    connecte(client, guichet_a)
    programmation = url("programmation", guichet_a, pk=achat.programmation_id)
    assert "Transformer en marché" in client.get(programmation).text
    formulaire = client.get(url("achat_prevu_transformer", guichet_a, pk=achat.pk)).text
    assert 'value="Réfection de la toiture"' in formulaire
    response = client.post(
        url("achat_prevu_transformer", guichet_a, pk=achat.pk),
        {
            "reference": "2026-TOIT",
            "objet": "Réfection de la toiture",
            "type_contrat": "marche",
            "montant_estime_ht": "90000",
        },
    )
    with guichet_a.scope():
        marche = AchatPrevu.objects.get().marche
    assert marche.statut == "programme" and response["Location"] == url("marche", guichet_a, pk=marche.pk)
    assert "2026-TOIT" in client.get(programmation).text
    assert "Issu de la programmation" in client.get(url("marche", guichet_a, pk=marche.pk)).text
    again = client.get(url("achat_prevu_transformer", guichet_a, pk=achat.pk))
    assert again["Location"] == url("marche", guichet_a, pk=marche.pk)


def test_the_buyer_page_lists_its_marches_and_its_pnad_share(client, guichet_a):
    acheteur = guichet_a.membres[Role.ACHETEUR].acheteur
    with guichet_a.scope():
        lot = LotFactory(
            guichet=guichet_a.guichet, marche__acheteur=acheteur, marche__date_notification=date(2026, 2, 1)
        )
        ConsiderationFactory(guichet=guichet_a.guichet, lot=lot)
        MarcheFactory(
            guichet=guichet_a.guichet, acheteur=acheteur, reference="SANS-CS", date_notification=date(2026, 3, 1)
        )
    connecte(client, guichet_a, Role.ACHETEUR)
    page = client.get(url("acheteur", guichet_a, pk=acheteur.pk)).text
    assert lot.marche.reference in page and "SANS-CS" in page
    assert "1 des 2 marchés notifiés" in page and "50\u00a0%" in page


# --- Roles ---------------------------------------------------------------------------------------------------


def test_a_buyer_member_sees_only_its_marches_and_no_edit_action(client, guichet_a):
    propre = guichet_a.membres[Role.ACHETEUR].acheteur
    with guichet_a.scope():
        a_lui = LotFactory(guichet=guichet_a.guichet, marche__acheteur=propre, marche__objet="À lui")
        autre = LotFactory(guichet=guichet_a.guichet, marche__objet="Pas à lui")
    connecte(client, guichet_a, Role.ACHETEUR)
    liste = client.get(url("marches", guichet_a)).text
    assert "À lui" in liste and "Pas à lui" not in liste and "Nouveau marché" not in liste
    assert client.get(url("marche", guichet_a, pk=autre.marche_id)).status_code == 404
    page = client.get(url("lot", guichet_a, pk=a_lui.pk)).text
    assert "Modifier" not in page and "Ajouter une considération" not in page


def test_a_company_member_sees_only_the_lots_it_holds(client, guichet_a):
    propre = guichet_a.membres[Role.ENTREPRISE].entreprise
    with guichet_a.scope():
        tenu = AttributionFactory(guichet=guichet_a.guichet, entreprise=propre).lot
        voisin = LotFactory(guichet=guichet_a.guichet, marche=tenu.marche, intitule="Lot du voisin")
    connecte(client, guichet_a, Role.ENTREPRISE)
    page = client.get(url("marche", guichet_a, pk=tenu.marche_id)).text
    assert tenu.intitule in page and "Lot du voisin" not in page
    assert client.get(url("lot", guichet_a, pk=voisin.pk)).status_code == 404
    assert propre.raison_sociale in client.get(url("entreprise", guichet_a, pk=propre.pk)).text


# --- Foreign ids -------------------------------------------------------------------------------------------


def _objets_de_b(b):
    with b.scope():
        avenant = AvenantFactory(guichet=b.guichet)
        lot = avenant.consideration.lot
        attribution = AttributionFactory(guichet=b.guichet, lot=lot)
        return {
            "marche": lot.marche,
            "lot": lot,
            "consideration": avenant.consideration,
            "avenant": avenant,
            "attribution": attribution,
            "operation": OperationFactory(guichet=b.guichet),
            "achat": AchatPrevuFactory(guichet=b.guichet),
        }


@pytest.mark.parametrize(
    ("name", "objet", "method"),
    [
        ("marche", "marche", "get"),
        ("marche_modifier", "marche", "post"),
        ("marche_supprimer", "marche", "post"),
        ("lot_creer", "marche", "post"),
        ("lot", "lot", "get"),
        ("lot_modifier", "lot", "post"),
        ("lot_supprimer", "lot", "post"),
        ("consideration_creer", "lot", "post"),
        ("attribution_creer", "lot", "post"),
        ("consideration_modifier", "consideration", "post"),
        ("consideration_supprimer", "consideration", "post"),
        ("avenant_creer", "consideration", "post"),
        ("avenant_supprimer", "avenant", "post"),
        ("attribution_modifier", "attribution", "post"),
        ("attribution_supprimer", "attribution", "post"),
        ("operation", "operation", "get"),
        ("operation_modifier", "operation", "post"),
        ("operation_supprimer", "operation", "post"),
        ("achat_prevu_transformer", "achat", "post"),
    ],
)
def test_pages_with_an_id_of_another_guichet_are_404(client, deux_guichets, name, objet, method):
    a, b = deux_guichets
    objets = _objets_de_b(b)
    connecte(client, a, Role.ADMIN)
    data = {"reference": "PIRATE", "objet": "Piraté", "intitule": "Piraté", "numero": "5", "nom": "Piraté"}
    response = getattr(client, method)(url(name, a, pk=objets[objet].pk), data)
    assert response.status_code == 404
    with b.scope():
        assert Marche.objects.count() == 1 and not Marche.objects.filter(objet="Piraté").exists()
        assert Lot.objects.count() == 1 and Consideration.objects.count() == 1 and AvenantHeures.objects.count() == 1
        assert Attribution.objects.count() == 1 and Operation.objects.get().nom != "Piraté"
        assert AchatPrevu.objects.get().marche is None


def test_the_settings_page_adds_a_dated_set_of_eu_thresholds(client, guichet_a):
    from guichet.forms import ParametresForm

    with guichet_a.scope():
        form = ParametresForm(instance=guichet_a.guichet.parametres)
        data = {b.html_name: b.value() for b in form if b.value() is not None and b.value() is not False}
    assert data["seuil_fournitures_services"] == "216000" and data["seuils_date_effet"] == "2026-01-01"
    connecte(client, guichet_a, Role.ADMIN)
    data |= {"seuils_date_effet": "2028-01-01", "seuil_fournitures_services": "230000"}
    assert client.post(url("parametres", guichet_a), data).status_code == 302
    with guichet_a.scope():
        parametres = guichet_a.guichet.parametres
        parametres.refresh_from_db()
    assert [s["date_effet"] for s in parametres.seuils_europeens] == ["2026-01-01", "2028-01-01"]
    assert parametres.seuils_au(date(2028, 6, 1))["fournitures_services"] == 230000
    assert "Jeux de seuils enregistrés : 2026-01-01, 2028-01-01" in client.get(url("parametres", guichet_a)).text
