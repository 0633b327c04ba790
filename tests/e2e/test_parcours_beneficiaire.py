"""Browser journey in headless Chromium: a facilitator records a person, validates their eligibility, positions them
on a company for a lot and turns the positioning into a work contract, shown as eligible."""

import pytest
from django.utils import timezone

from entreprises.services import entreprise_create
from guichet.enums import Role
from guichet.services import guichet_create, membre_invite
from guichet.tenancy import guichet_scope
from publics.models import AccesDonnees, Contrat

from ..factories import UtilisateurFactory
from .comptes import se_connecter
from .test_parcours_acheteur import ARTEFACTS, navigateur  # noqa: F401 (the fixture)

pytestmark = pytest.mark.usefixtures("navigateur")


@pytest.mark.django_db(transaction=True)
def test_a_facilitator_records_a_person_validates_eligibility_positions_and_hires(
    live_server,
    navigateur,  # noqa: F811
):
    guichet = guichet_create(slug="plie-parcours", nom="PLIE du parcours")
    facilitateur = UtilisateurFactory(email="nora@plie-parcours.fr", prenom="Nora")
    with guichet_scope(guichet.pk):
        membre_invite(guichet=guichet, email=facilitateur.email, role=Role.FACILITATEUR, acting_user=None)
        entreprise_create(guichet=guichet, acting_user=None, raison_sociale="Bâtir Ensemble", siret="73282932000074")

    page = navigateur.new_page()
    page.set_default_timeout(10_000)
    se_connecter(page, live_server.url, facilitateur.email)

    # The person.
    page.get_by_role("navigation", name="Navigation du guichet").get_by_role("link", name="Bénéficiaires").click()
    page.get_by_role("link", name="Nouvelle personne").click()
    page.locator("#id_nom").fill("Benali")
    page.locator("#id_prenom").fill("Yasmine")
    page.locator("#id_date_naissance").fill("1994-04-12")
    page.locator("#id_sexe").select_option("F")
    page.locator("#id_commune").fill("Lens")
    page.locator("#id_code_postal").fill("62300")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Yasmine Benali").wait_for()

    # Her eligibility, validated today.
    page.get_by_role("link", name="Nouvelle décision").click()
    page.get_by_label("Bénéficiaire du RSA").check()
    page.locator("#id_justificatif_type").select_option("attestation_caf")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Yasmine Benali").wait_for()
    page.get_by_text("Valide", exact=True).first.wait_for()

    # Positioned on the company, then hired.
    page.get_by_role("link", name="Positionner sur une entreprise").click()
    page.locator("#id_entreprise").select_option(label="Bâtir Ensemble")
    page.locator("#id_poste").fill("Maçonne")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name="Embaucher").click()
    page.locator("#id_type_contrat").select_option("cdd")
    page.get_by_role("button", name="Enregistrer l'embauche").click()
    ligne = page.get_by_role("row").filter(has_text="Bâtir Ensemble").filter(has_text="CDD")
    ligne.wait_for()
    assert "Oui" in ligne.inner_text()
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTEFACTS / "parcours-beneficiaire.png", full_page=True)

    with guichet_scope(guichet.pk):
        contrat = Contrat.objects.avec_eligibilite().get()
        assert contrat.eligible and contrat.date_debut == timezone.localdate() and contrat.poste == "Maçonne"
        assert contrat.positionnement.statut == "embauche"
        assert AccesDonnees.objects.filter(beneficiaire=contrat.beneficiaire).exists()
