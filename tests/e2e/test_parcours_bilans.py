"""Browser journey in headless Chromium: a facilitator asks for the copil bilan from the « Bilans » page, sees it
ready, then the end-of-marché bilan from the marché's page; the copil partner (lecteur) finds the copil bilan in its
own list. A screenshot of the page is saved in ``artifacts/``."""

import io

import pytest
from pypdf import PdfReader

from guichet.enums import Role

from ..conftest import peupler
from ..reporting.jeux import territoire_calcule
from . import test_parcours_acheteur
from .test_parcours_acheteur import ARTEFACTS, navigateur  # noqa: F401 (the fixture)
from .test_parcours_tableaux import _connexion

# Skipped like the other journeys when Chromium is not installed (outside CI).
pytestmark = [pytest.mark.usefixtures("navigateur"), test_parcours_acheteur.pytestmark]


@pytest.mark.django_db(transaction=True)
def test_a_facilitator_produces_the_copil_bilan_and_the_partner_downloads_it(live_server, navigateur):  # noqa: F811
    territoire = peupler("plie-bilans", "PLIE des bilans")
    jeu = territoire_calcule(territoire)
    facilitateur = territoire.membres[Role.FACILITATEUR].utilisateur.email
    lecteur = territoire.membres[Role.LECTEUR].utilisateur.email

    page = _connexion(navigateur, live_server, facilitateur)
    page.get_by_role("navigation", name="Navigation du guichet").get_by_role("link", name="Bilans").click()
    page.locator("#id_type").select_option(label="Bilan annuel du comité de pilotage")
    page.locator("#id_annee").fill("2026")
    # Tests run tasks in-process: the PDF is rendered within the request (seconds on a busy machine).
    page.get_by_role("button", name="Produire").click(timeout=60_000)
    page.get_by_text("Bilan demandé").wait_for()
    page.get_by_role("link", name="Télécharger « Bilan 2026 du comité de pilotage »").wait_for()
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "bilans-facilitateur.png"), full_page=True)
    # The end-of-marché bilan, asked from the marché's page: the « Bilans » page follows it, the marché links to it.
    page.goto(f"{live_server.url}/{territoire.slug}/marches/{jeu.m1.pk}/")
    page.get_by_role("button", name="Produire le bilan de fin de marché").click(timeout=60_000)
    page.get_by_text("Bilan demandé").wait_for()
    titre = f"Bilan de fin de marché {jeu.m1.reference}"
    page.get_by_role("link", name=f"Télécharger « {titre} »").wait_for()
    page.goto(f"{live_server.url}/{territoire.slug}/marches/{jeu.m1.pk}/")
    page.get_by_role("link", name=f"Télécharger « {titre} »").wait_for()

    partenaire = _connexion(navigateur, live_server, lecteur)
    partenaire.goto(f"{live_server.url}/{territoire.slug}/bilans/")
    assert partenaire.get_by_role("button", name="Produire").count() == 0
    with partenaire.expect_download() as telechargement:
        partenaire.get_by_role("link", name="Télécharger « Bilan 2026 du comité de pilotage »").click()
    pdf = PdfReader(io.BytesIO(open(telechargement.value.path(), "rb").read()))  # noqa: SIM115
    assert "HEURES RÉALISÉES" in pdf.pages[2].extract_text()
