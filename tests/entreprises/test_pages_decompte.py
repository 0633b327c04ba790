"""The explanations of the hours in the pages (domain.md §5.4): a lot's progress and, line by line, where its hours
came from and by which rule; a company's pooled view and its excluded hours with their reason in French. Every
page answers in a constant number of queries."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from entreprises import decompte
from guichet.enums import Role
from guichet.models import Tache

from ..clients import connecte, url
from ..factories import AttributionFactory, EntrepriseFactory
from .chantier import contrat_eligible, ligne


def recalculer(territoire):
    with territoire.scope():
        decompte.guichet_recalculer(territoire.guichet)


def test_the_lot_page_shows_its_progress_and_where_each_hour_came_from(client, chantier):
    territoire, entreprise, lot_a, _, contrat, _ = chantier
    recalculer(territoire)
    page = connecte(client, territoire).get(url("lot", territoire, pk=lot_a.pk)).text
    assert "<strong>250\u00a0h</strong> réalisées sur 500\u00a0h dues (50\u00a0%)" in page
    assert "Dans les temps" in page and "747,28\u00a0h" in page
    # April: 100 h to A, the lot that ends first being full after 20 h; May: 150 h.
    assert "du 01/04/2026 au 30/04/2026" in page and "100\u00a0h" in page and "150\u00a0h" in page
    assert page.count("Lot qui finit le premier") == 2
    personne = contrat.beneficiaire
    assert f"{personne.prenom} {personne.nom}" in page and entreprise.raison_sociale in page


def test_a_reader_sees_the_hours_of_a_lot_without_the_names_of_the_people(client, chantier):
    territoire, _, lot_a, _, contrat, _ = chantier
    recalculer(territoire)
    page = connecte(client, territoire, Role.LECTEUR).get(url("lot", territoire, pk=lot_a.pk)).text
    assert "Lot qui finit le premier" in page and "d'une personne en insertion" in page
    assert contrat.beneficiaire.nom not in page


def test_a_lot_not_yet_recomputed_shows_the_figures_of_the_day(client, chantier):
    territoire, _, lot_a, *_ = chantier
    page = connecte(client, territoire).get(url("lot", territoire, pk=lot_a.pk)).text
    assert "Pas encore recalculé" in page and "Aucune heure comptée sur ce lot." in page and "À risque" in page


def test_the_company_page_pools_its_lots_and_lists_excluded_hours_with_their_reason(client, chantier):
    territoire, entreprise, _, lot_b, *_ = chantier
    recalculer(territoire)
    page = connecte(client, territoire).get(url("entreprise", territoire, pk=entreprise.pk)).text
    assert "Lots et heures d'insertion (vue mutualisée)" in page
    assert "350\u00a0h" in page  # counted: 80 + 120 + 150
    assert "Ligne pas encore validée par le facilitateur" in page and "du 01/06/2026 au 30/06/2026" in page
    assert f"lot {lot_b.numero} – {lot_b.intitule}" in page and "Terminé" in page


def test_a_company_member_reads_its_pooled_view_without_the_recompute_button(client, chantier):
    territoire, *_ = chantier
    membre = territoire.membres[Role.ENTREPRISE].entreprise
    with territoire.scope():
        contrat = contrat_eligible(territoire, membre)
        ligne(territoire, contrat, date(2026, 3, 1), date(2026, 3, 31), 20)
    recalculer(territoire)
    page = connecte(client, territoire, Role.ENTREPRISE).get(url("entreprise", territoire, pk=membre.pk)).text
    assert "Hors de la fenêtre de décompte de tous les lots clausés de l&#x27;entreprise" in page
    assert f"{contrat.beneficiaire.prenom} {contrat.beneficiaire.nom}" in page and "Recalculer" not in page


def test_the_recompute_button_starts_a_task(client, chantier, django_capture_on_commit_callbacks):
    territoire, entreprise, *_ = chantier
    connecte(client, territoire)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("entreprise_recalculer", territoire, pk=entreprise.pk))
    with territoire.scope():
        tache = Tache.objects.get()
    assert response.url == url("tache", territoire, pk=tache.pk)
    assert (tache.etat, tache.resultat["allocations"]) == ("termine", 4)


def test_the_lot_and_company_pages_answer_in_a_constant_number_of_queries(
    client, chantier, django_assert_max_num_queries
):
    territoire, entreprise, lot_a, *_ = chantier
    recalculer(territoire)
    connecte(client, territoire)
    pages = [
        url("lot", territoire, pk=lot_a.pk),
        url("entreprise", territoire, pk=entreprise.pk),
        url("espace_entreprise", territoire, pk=entreprise.pk),
    ]
    comptes = []
    for page in pages:
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(page).status_code == 200
        comptes.append(len(requetes))
    with territoire.scope():
        for n in range(4):
            autre = EntrepriseFactory(guichet=territoire.guichet)
            AttributionFactory(guichet=territoire.guichet, lot=lot_a, entreprise=autre, role="cotraitant")
            AttributionFactory(guichet=territoire.guichet, entreprise=entreprise)
            contrat = contrat_eligible(territoire, autre, date_debut=date(2026, 4, 1))
            ligne(territoire, contrat, date(2026, 4 + n, 1), date(2026, 4 + n, 28), 30)
            contrat = contrat_eligible(territoire, entreprise, date_debut=date(2026, 4, 1))
            ligne(territoire, contrat, date(2026, 4 + n, 1), date(2026, 4 + n, 28), 30, valide=False)
    recalculer(territoire)
    for page, compte in zip(pages, comptes, strict=True):
        with django_assert_max_num_queries(compte):
            assert client.get(page).status_code == 200


def test_the_company_page_its_space_and_its_dashboard_read_the_same_obligations(client, chantier):
    """One selector (``entreprises.selectors.obligations_entreprise``) behind the three pages: same figures."""
    territoire, entreprise, lot_a, lot_b, *_ = chantier
    recalculer(territoire)
    with territoire.scope():
        membre = territoire.membres[Role.ENTREPRISE]
        membre.entreprise = entreprise
        membre.save()
    facilitateur = connecte(client, territoire)
    fiche = facilitateur.get(url("entreprise", territoire, pk=entreprise.pk)).context["obligations"]
    espace = facilitateur.get(url("espace_entreprise", territoire, pk=entreprise.pk)).context
    tableau = connecte(client, territoire, Role.ENTREPRISE).get(url("guichet_accueil", territoire))
    tableau = tableau.context["obligations"]
    # 500 h + 100 h due; 350 h validated, of which 250 h count on A and 100 h on B (full).
    for lu in (fiche, espace, tableau):
        assert (lu["heures_dues"], lu["heures_realisees"], lu["reste"], lu["taux"]) == (
            600,
            350,
            250,
            Decimal("0.5833"),
        )
        assert [(lot.pk, lot.heures_entreprise) for lot in lu["lots_dus"]] == [(lot_b.pk, 100), (lot_a.pk, 250)]
    assert espace["heures_validees"] == 350 and fiche["heures_comptees"] == 350
