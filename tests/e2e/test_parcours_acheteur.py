"""Browser journey in headless Chromium (Debian's package, driven by Playwright): a facilitator creates a
buyer, then a convention with its signed document, and finds the convention on the buyer's page."""

import os
import shutil
from pathlib import Path

import pytest

from guichet.enums import Role
from guichet.services import guichet_create, membre_invite
from guichet.tenancy import guichet_scope

from ..factories import UtilisateurFactory
from .comptes import se_connecter

CHROMIUM = shutil.which("chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Chromium (paquet Debian « chromium ») n'est pas installé."
)


@pytest.fixture
def navigateur(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's event loop runs in this thread, where the test also queries the database: Django would
    # refuse ORM calls "from an async context". Only for this test (a subprocess must not inherit it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.django_db(transaction=True)
def test_a_facilitator_creates_a_buyer_and_a_signed_convention_found_on_the_buyer_page(
    live_server, navigateur, tmp_path
):
    guichet = guichet_create(slug="plie-e2e", nom="PLIE du parcours")
    facilitatrice = UtilisateurFactory(email="fanny@plie-e2e.fr", prenom="Fanny")
    with guichet_scope(guichet.pk):
        membre_invite(guichet=guichet, email=facilitatrice.email, role=Role.FACILITATEUR, acting_user=None)
    document = tmp_path / "convention-signee.pdf"
    document.write_bytes(b"%PDF-1.4 convention signee")

    page = navigateur.new_page()
    page.set_default_timeout(10_000)
    se_connecter(page, live_server.url, facilitatrice.email)

    page.get_by_role("navigation", name="Navigation du guichet").get_by_role("link", name="Acheteurs").click()
    page.get_by_role("link", name="Nouvel acheteur").click()
    page.get_by_label("Nom").fill("Ville de Lens")
    page.get_by_label("Type").select_option(label="Commune")
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_label("Commune").fill("Lens")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Ville de Lens").wait_for()
    page.get_by_text("Acheteur enregistré.").wait_for()

    page.get_by_role("link", name="Nouvelle convention").click()
    assert page.locator("#id_acheteur option:checked").inner_text() == "Ville de Lens"  # from the buyer's page
    page.locator("#id_reference").fill("CONV-LENS-2026")
    page.locator("#id_statut").select_option(label="Signée")
    page.locator("#id_date_debut").fill("2026-01-01")
    page.locator("#id_date_fin").fill("2028-12-31")
    page.get_by_label("Calibrage du volet social").check()
    page.get_by_label("Convention signée").set_input_files(str(document))
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Convention CONV-LENS-2026").wait_for()

    page.get_by_role("link", name="Ville de Lens").first.click()
    ligne = page.get_by_role("row").filter(has_text="CONV-LENS-2026")
    assert "Signée" in ligne.inner_text()
    with page.expect_download() as telechargement:
        ligne.get_by_role("link", name="Télécharger").click()
    assert Path(telechargement.value.path()).read_bytes() == b"%PDF-1.4 convention signee"
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTEFACTS / "parcours-acheteur.png", full_page=True)
