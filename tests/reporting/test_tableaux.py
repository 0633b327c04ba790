"""The dashboards (the guichet's home): each role's, the same figures as the API and the selectors, the alerts that
lead to the fix, small cells hidden from those who do not read personal data, a constant number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guichet.enums import Role
from reporting import indicateurs
from reporting.indicateurs import Portee

from ..clients import api, connecte, url
from ..factories import (
    AllocationFactory,
    AttributionFactory,
    ConsiderationFactory,
    ContratFactory,
    ConventionFactory,
    EligibiliteFactory,
    LigneReleveFactory,
    LotFactory,
    MarcheFactory,
    ReleveFactory,
    SuiviLotFactory,
)
from .jeux import ANNEE, ATTENDU, territoire_calcule


@pytest.fixture
def jeu(deux_guichets):
    a, b = deux_guichets
    territoire_calcule(b)
    return a, territoire_calcule(a)


def _page(client, territoire, role, **params):
    response = connecte(client, territoire, role).get(url("guichet_accueil", territoire), params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("role", [Role.ADMIN, Role.FACILITATEUR, Role.LECTEUR, Role.ACHETEUR, Role.ENTREPRISE])
def test_every_role_lands_on_its_dashboard_even_with_no_data(client, guichet_a, role):
    text = _page(client, guichet_a, role).text
    titres = {
        Role.ADMIN: "Tableau de bord",
        Role.FACILITATEUR: "Tableau de bord",
        Role.LECTEUR: "Le territoire en",
        Role.ACHETEUR: guichet_a.membres[Role.ACHETEUR].acheteur.nom,
        Role.ENTREPRISE: guichet_a.membres[Role.ENTREPRISE].entreprise.raison_sociale,
    }
    assert f"<h1>{titres[role]}" in text


def test_the_same_figures_on_the_dashboard_in_the_api_and_the_selector(client, jeu):
    a, _ = jeu
    page = _page(client, a, Role.FACILITATEUR, annee=ANNEE)
    sur_la_page = page.context["chiffres"]
    with a.scope():
        du_selecteur = indicateurs.chiffres_cles(Portee(a.guichet, ANNEE))
    dans_l_api = api(a.membres[Role.FACILITATEUR]).get(url("api:indicateurs", a), {"annee": ANNEE}).json()
    assert sur_la_page == du_selecteur
    for champ in ("heures_dues", "heures_realisees", "taux_realisation", "etp", "beneficiaires", "entreprises"):
        assert Decimal(str(dans_l_api[champ])) == getattr(du_selecteur, champ) == ATTENDU[champ], champ
    # As written on the page, in French.
    assert "405\u00a0h" in page.text and "1\u00a0670\u00a0h" in page.text and "24,25\u00a0%" in page.text


def test_the_dashboard_draws_its_charts_with_their_data_tables(client, jeu):
    a, _ = jeu
    text = _page(client, a, Role.FACILITATEUR, annee=ANNEE).text
    for ident in (
        "heures-mois",
        "heures-secteur",
        "heures-acheteur",
        "heures-type",
        "heures-modalite",
        "pnad-acheteur",
    ):
        assert f'aria-labelledby="{ident}-titre {ident}-desc"' in text, ident
    for ident in ("personnes-sexe", "personnes-age", "personnes-niveau", "personnes-critere", "personnes-qpv"):
        assert f'aria-labelledby="{ident}-titre {ident}-desc"' in text, ident
    assert text.count("Voir les chiffres") == 12
    assert '<th scope="row">Propreté</th><td class="nombre">300\u00a0h</td><td class="nombre">100\u00a0h</td>' in text


def test_the_buyer_filter_narrows_the_figures(client, jeu):
    a, t = jeu
    page = _page(client, a, Role.FACILITATEUR, annee=ANNEE, acheteur=t.v.pk)
    assert page.context["chiffres"].heures_realisees == 320
    assert 'aria-labelledby="heures-acheteur-titre' not in page.text


def test_a_bad_filter_shows_a_french_error_and_the_current_year(client, guichet_a, voyage):
    voyage(date(2026, 5, 4))
    page = _page(client, guichet_a, Role.FACILITATEUR, annee="vingt")
    assert "Indiquez une année sur quatre chiffres, par exemple 2026." in page.text
    assert page.context["annee"] == 2026


# --- Alerts -----------------------------------------------------------------------------------------------------


def test_the_alerts_lead_to_the_fix_the_most_urgent_first(client, guichet_a, voyage):
    voyage(date(2026, 5, 20))  # after the 15th: April's relevés are late
    g = guichet_a.guichet
    with guichet_a.scope():
        rouge = SuiviLotFactory(guichet=g, statut_risque="rouge", heures_realisees=100)
        SuiviLotFactory(guichet=g, statut_risque="orange", heures_realisees=800)
        SuiviLotFactory(guichet=g, statut_risque="vert")
        releve = ReleveFactory(guichet=g, soumis=True, periode=date(2026, 4, 1))
        # A company titulaire of a lot running in April, without a submitted relevé for April (a draft only).
        en_cours = LotFactory(guichet=g, marche__notifie=True, date_debut_execution=date(2026, 1, 1))
        ConsiderationFactory(guichet=g, lot=en_cours, type="clause_heures", heures_dues=500)
        retard = AttributionFactory(guichet=g, lot=en_cours).entreprise
        ReleveFactory(guichet=g, entreprise=retard, periode=date(2026, 4, 1))
        a_jour = AttributionFactory(guichet=g, lot=en_cours, role="cotraitant").entreprise
        ReleveFactory(guichet=g, entreprise=a_jour, periode=date(2026, 4, 1), valide=True)
        AttributionFactory(guichet=g, lot=en_cours, role="sous_traitant")  # owes nothing
        EligibiliteFactory(guichet=g, date_validation=date(2024, 6, 1), valide_jusqu_au=date(2026, 6, 1))
        ContratFactory(guichet=g, date_debut=date(2026, 1, 1), date_fin=date(2026, 3, 31))
        ConventionFactory(guichet=g, statut="signee", date_debut=date(2024, 1, 1), date_fin=date(2026, 7, 1))
        MarcheFactory(guichet=g, date_lancement=date(2026, 9, 1), montant_estime_ht=10_000_000, nature="travaux")
    page = _page(client, guichet_a, Role.FACILITATEUR)
    cles = [alerte.cle for alerte in page.context["alertes"]]
    assert cles == [
        "lots_rouge",
        "lots_orange",
        "releves_a_valider",
        "releves_manquants",
        "eligibilites",
        "sorties",
        "conventions",
        "climat",
    ]
    alertes = {alerte.cle: alerte for alerte in page.context["alertes"]}
    assert alertes["lots_rouge"].libelle == "1 lot à risque"
    assert alertes["lots_rouge"].elements[0][1] == url("lot", guichet_a, pk=rouge.lot_id)
    assert alertes["releves_manquants"].libelle == "1 relevé manquant pour avril 2026"
    assert [e[0] for e in alertes["releves_manquants"].elements] == [retard.raison_sociale]
    assert alertes["releves_a_valider"].elements[0][0] == f"{releve.entreprise.raison_sociale}, avril 2026"
    assert alertes["eligibilites"].url == url("eligibilites_echeances", guichet_a)
    assert alertes["sorties"].libelle == "1 sortie à enregistrer"
    assert "1 lot à risque" in page.text and 'href="' + url("sorties_a_saisir", guichet_a) + '"' in page.text


def test_before_the_deadline_last_month_is_not_missing_yet(guichet_a):
    from reporting.alertes import periode_en_retard

    assert periode_en_retard(date(2026, 5, 15), 15) == date(2026, 3, 1)
    assert periode_en_retard(date(2026, 5, 16), 15) == date(2026, 4, 1)
    assert periode_en_retard(date(2026, 1, 20), 15) == date(2025, 12, 1)


def test_a_marche_missing_its_loi_climat_motive_is_an_alert(client, guichet_a):
    with guichet_a.scope():
        marche = MarcheFactory(
            guichet=guichet_a.guichet, date_lancement=date(2026, 9, 1), montant_estime_ht=10_000_000, nature="travaux"
        )
    alertes = {a.cle: a for a in _page(client, guichet_a, Role.FACILITATEUR).context["alertes"]}
    assert alertes["climat"].elements == [
        (marche.reference, url("marche", guichet_a, pk=marche.pk), marche.acheteur.nom)
    ]
    assert alertes["climat"].url == url("marches", guichet_a) + "?climat=non_conforme"


def test_only_facilitators_and_admins_see_the_alerts(client, guichet_a):
    with guichet_a.scope():
        SuiviLotFactory(guichet=guichet_a.guichet, statut_risque="rouge")
    for role in (Role.LECTEUR, Role.ACHETEUR, Role.ENTREPRISE):
        page = _page(client, guichet_a, role)
        assert "alertes" not in page.context and "À traiter" not in page.text, role


# --- Roles' scopes ------------------------------------------------------------------------------------------------


def test_the_copil_view_hides_small_cells_and_names_nobody(client, jeu):
    a, t = jeu
    page = _page(client, a, Role.LECTEUR, annee=ANNEE)
    sexe = next(g for g in page.context["graphiques_personnes"] if g.ident == "personnes-sexe")
    assert sexe.series[0].valeurs == (None, None)
    for personne in (t.p1, t.p2, t.p3):
        assert personne.nom not in page.text
    # The totals stay published, the same as everywhere.
    assert page.context["chiffres"].beneficiaires == 3
    facilitateur = _page(client, a, Role.FACILITATEUR, annee=ANNEE)
    sexe = next(g for g in facilitateur.context["graphiques_personnes"] if g.ident == "personnes-sexe")
    assert sexe.series[0].valeurs == (2, 1)


def test_the_small_cell_threshold_is_a_setting(client, jeu):
    a, _ = jeu
    with a.scope():
        a.guichet.parametres.seuil_petits_effectifs = 1
        a.guichet.parametres.save()
    page = _page(client, a, Role.LECTEUR, annee=ANNEE)
    sexe = next(g for g in page.context["graphiques_personnes"] if g.ident == "personnes-sexe")
    assert sexe.series[0].valeurs == (2, 1)


def test_a_buyer_sees_its_lots_progress_and_figures_only(client, jeu):
    a, t = jeu
    membre = a.membres[Role.ACHETEUR]
    g = a.guichet
    with a.scope():
        t.m1.acheteur = membre.acheteur
        t.m1.save()
        SuiviLotFactory(guichet=g, lot=t.l1, heures_dues=640, heures_realisees=220, statut_risque="orange")
        SuiviLotFactory(guichet=g, lot=t.l3, heures_dues=730, heures_realisees=85, statut_risque="rouge")
        ConventionFactory(guichet=g, acheteur=membre.acheteur, reference="CONV-PROPRE")
        ConventionFactory(guichet=g, acheteur=t.d, reference="CONV-AUTRE")
    page = _page(client, a, Role.ACHETEUR, annee=ANNEE, acheteur=t.d.pk)  # another buyer asked: refused
    assert "Cet acheteur n&#x27;existe pas ou ne vous est pas visible." in page.text
    page = _page(client, a, Role.ACHETEUR, annee=ANNEE)
    assert [lot.pk for lot in page.context["lots"]] == [t.l1.pk]
    assert page.context["chiffres"].heures_realisees == 220 and page.context["chiffres"].marches_notifies == 1
    assert "Lot 1 du marché" not in page.text or t.m3.reference not in page.text
    assert "CONV-PROPRE" in page.text and "CONV-AUTRE" not in page.text
    assert 'class="progression"' in page.text and f'href="/{a.slug}/bilans/">Vos bilans' in page.text
    sexe = next(g for g in page.context["graphiques_personnes"] if g.ident == "personnes-sexe")
    assert sexe.series[0].valeurs == (None, None)  # one woman (P1) hidden, so the zero beside it too


def test_a_company_sees_its_pooled_obligations_next_relevé_and_rejected_lines(client, guichet_a, voyage):
    voyage(date(2026, 5, 20))
    g = guichet_a.guichet
    entreprise = guichet_a.membres[Role.ENTREPRISE].entreprise
    with guichet_a.scope():
        lots = [LotFactory(guichet=g, marche__notifie=True, date_debut_execution=date(2026, 1, 1)) for _ in range(2)]
        for lot, dues in zip(lots, (500, 300), strict=True):
            ConsiderationFactory(guichet=g, lot=lot, type="clause_heures", heures_dues=dues)
            AttributionFactory(
                guichet=g, lot=lot, entreprise=entreprise, role="titulaire" if dues == 500 else "cotraitant"
            )
        AllocationFactory(guichet=g, entreprise=entreprise, lot=lots[0], heures=120)
        AllocationFactory(guichet=g, entreprise=entreprise, lot=lots[1], heures=80)
        AllocationFactory(guichet=g, lot=lots[1], heures=55)  # a partner's hours on the same lot
        SuiviLotFactory(guichet=g, lot=lots[1], heures_dues=300, heures_realisees=135, statut_risque="orange")
        ReleveFactory(guichet=g, entreprise=entreprise, periode=date(2026, 3, 1), valide=True)
        rejetee = LigneReleveFactory(
            guichet=g,
            releve__entreprise=entreprise,
            releve__periode=date(2026, 2, 1),
            releve__valide=True,
            statut="rejete",
            motif_rejet="Contrat sans éligibilité",
        )
        corrige = LigneReleveFactory(
            guichet=g, releve__entreprise=entreprise, statut="rejete", motif_rejet="Heures en double"
        )
        ReleveFactory(guichet=g, entreprise=entreprise, periode=corrige.releve.periode, corrige=corrige.releve)
    page = _page(client, guichet_a, Role.ENTREPRISE)
    obligations = page.context["obligations"]
    assert (obligations["heures_dues"], obligations["heures_realisees"], obligations["reste"]) == (800, 200, 600)
    assert obligations["taux"] == Decimal("0.25")
    # February and March were submitted; April is late (after the 15th of May), May is due by the 15th of June.
    assert [(du["libelle"], du["en_retard"]) for du in page.context["releves_dus"]] == [
        ("avril 2026", True),
        ("mai 2026", False),
    ]
    assert [ligne.pk for ligne, _ in page.context["lignes_rejetees"]] == [rejetee.pk]
    assert "Contrat sans éligibilité" in page.text and "Heures en double" not in page.text
    assert "Relevé d'heures, avril 2026" in page.text and "en retard, attendu le 15/05/2026" in page.text


# --- Performance: the query count does not grow with the data ------------------------------------------------------


def _grossir(territoire, n):
    """``n`` more lots, companies, people and ledger rows, at risk, with relevés."""
    g = territoire.guichet
    with territoire.scope():
        acheteur = territoire.membres[Role.ACHETEUR].acheteur
        entreprise = territoire.membres[Role.ENTREPRISE].entreprise
        for i in range(n):
            lot = LotFactory(guichet=g, marche__acheteur=acheteur, marche__notifie=True)
            ConsiderationFactory(guichet=g, lot=lot, type="clause_heures", heures_dues=100 + i)
            AttributionFactory(guichet=g, lot=lot, entreprise=entreprise)
            SuiviLotFactory(guichet=g, lot=lot, statut_risque=["rouge", "orange", "vert"][i % 3])
            contrat = ContratFactory(guichet=g, entreprise=entreprise)
            EligibiliteFactory(guichet=g, beneficiaire=contrat.beneficiaire)
            AllocationFactory(
                guichet=g, entreprise=entreprise, contrat=contrat, lot=lot, debut=date(2026, 1 + i % 12, 1)
            )
            ReleveFactory(guichet=g, soumis=True, periode=date(2026, 1 + i % 12, 1))
            LigneReleveFactory(guichet=g, releve__entreprise=entreprise, statut="rejete", motif_rejet="À revoir")
            ConventionFactory(guichet=g, acheteur=acheteur, statut="signee", date_fin=date(2026, 6, 1 + i % 28))


@pytest.mark.parametrize("role", [Role.FACILITATEUR, Role.LECTEUR, Role.ACHETEUR, Role.ENTREPRISE])
def test_each_dashboard_answers_in_a_constant_number_of_queries(
    client, guichet_a, role, voyage, sans_cache, django_assert_max_num_queries
):
    voyage(date(2026, 5, 20))
    _grossir(guichet_a, 1)
    connecte(client, guichet_a, role)
    with CaptureQueriesContext(connection) as peu:
        assert client.get(url("guichet_accueil", guichet_a), {"annee": 2026}).status_code == 200
    _grossir(guichet_a, 12)
    with django_assert_max_num_queries(len(peu.captured_queries)):
        assert client.get(url("guichet_accueil", guichet_a), {"annee": 2026}).status_code == 200


def test_a_buyer_of_another_guichet_is_refused_on_the_dashboard(client, deux_guichets):
    a, b = deux_guichets
    with b.scope():
        autre = b.membres[Role.ACHETEUR].acheteur
    page = _page(client, a, Role.FACILITATEUR, acheteur=autre.pk)
    assert "Cet acheteur n&#x27;existe pas ou ne vous est pas visible." in page.text
    assert page.context["portee"].acheteur_id is None  # the guichet's own figures, nothing of the other
    assert connecte(client, a, Role.FACILITATEUR).get(url("guichet_accueil", b)).status_code == 404
