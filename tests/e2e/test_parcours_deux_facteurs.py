"""Browser journey in headless Chromium: a new facilitator signs in, is asked to enrol an authenticator app (QR code
and key), confirms with a first code, notes the recovery codes, then signs out and in again with a code."""

import pytest

from guichet import totp
from guichet.enums import Role
from guichet.services import guichet_create, membre_invite
from guichet.tenancy import guichet_scope

from ..deux_facteurs import code_pour
from ..factories import MOT_DE_PASSE, UtilisateurFactory
from .test_parcours_acheteur import ARTEFACTS, navigateur  # noqa: F401 (the fixture)

pytestmark = pytest.mark.usefixtures("navigateur")


@pytest.mark.django_db(transaction=True)
def test_a_facilitator_enrols_an_authenticator_app_then_signs_in_with_a_code(
    live_server,
    navigateur,  # noqa: F811
):
    guichet = guichet_create(slug="plie-2fa", nom="PLIE de la double authentification")
    facilitateur = UtilisateurFactory(email="ines@plie-2fa.fr", prenom="Inès")
    with guichet_scope(guichet.pk):
        membre_invite(guichet=guichet, email=facilitateur.email, role=Role.FACILITATEUR, acting_user=None)

    page = navigateur.new_page()
    page.set_default_timeout(10_000)

    def mot_de_passe():
        page.goto(f"{live_server.url}/comptes/connexion/")
        page.get_by_label("Adresse électronique").fill(facilitateur.email)
        page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
        page.get_by_role("button", name="Se connecter").click()

    # The password alone leads to enrolment: a QR code, and the key to type by hand.
    mot_de_passe()
    page.get_by_role("heading", name="Activer la double authentification").wait_for()
    assert page.locator("figure.qr svg").is_visible()
    secret = page.locator("#secret").inner_text().replace(" ", "")
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTEFACTS / "double-authentification.png", full_page=True)

    # A wrong code is refused in French, then the app's code confirms.
    page.get_by_label("Code à usage unique").fill("12345")
    page.get_by_role("button", name="Activer").click()
    page.get_by_text("Code incorrect ou expiré.").first.wait_for()
    page.get_by_label("Code à usage unique").fill(totp.code(secret))
    page.get_by_role("button", name="Activer").click()
    page.get_by_role("heading", name="Double authentification activée").wait_for()
    assert page.get_by_role("list", name="Codes de secours").get_by_role("listitem").count() == 10
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    page.get_by_role("navigation", name="Navigation du guichet").wait_for()

    # Signed out, then in again: the password, then the code.
    page.get_by_role("button", name="Se déconnecter").click()
    mot_de_passe()
    page.get_by_role("heading", name="Code à usage unique").wait_for()
    page.get_by_label("Code à usage unique").fill(code_pour(facilitateur, secret))
    page.get_by_role("button", name="Valider").click()
    page.get_by_role("navigation", name="Navigation du guichet").wait_for()
    assert "PLIE de la double authentification" in page.title()
