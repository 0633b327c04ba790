"""Browser journey in headless Chromium: a facilitator calibrates a clause in the simulator (the hours appear as
they type), creates the marché from the simulation, its lot and its clause (each form starting from the
simulated inputs), then attributes the lot to a company, which awards the marché."""

import pytest

from acheteurs.services import acheteur_create
from entreprises.services import entreprise_create
from guichet.enums import Role
from guichet.services import guichet_create, membre_invite
from guichet.tenancy import guichet_scope
from marches.models import Consideration

from ..factories import UtilisateurFactory
from .comptes import se_connecter
from .test_parcours_acheteur import ARTEFACTS, navigateur  # noqa: F401 (the fixture)

pytestmark = pytest.mark.usefixtures("navigateur")


@pytest.mark.django_db(transaction=True)
def test_a_facilitator_calibrates_in_the_simulator_then_creates_and_attributes_the_marche(
    live_server,
    navigateur,  # noqa: F811
):
    guichet = guichet_create(slug="plie-simulateur", nom="PLIE du simulateur")
    facilitateur = UtilisateurFactory(email="sam@plie-simulateur.fr", prenom="Sam")
    with guichet_scope(guichet.pk):
        membre_invite(guichet=guichet, email=facilitateur.email, role=Role.FACILITATEUR, acting_user=None)
        acheteur_create(guichet=guichet, acting_user=None, nom="Ville de Lens", type="commune")
        entreprise_create(guichet=guichet, acting_user=None, raison_sociale="Bâtir Ensemble", siret="73282932000074")

    page = navigateur.new_page()
    page.set_default_timeout(10_000)
    se_connecter(page, live_server.url, facilitateur.email)

    # The simulator: the hours are computed as the facilitator types (htmx), with the formula spelled out.
    page.get_by_role("navigation", name="Navigation du guichet").get_by_role("link", name="Simulateur").click()
    page.get_by_label("Montant HT du lot (€)").fill("1000000")
    page.locator("#id_secteur").select_option(label="BTP – gros œuvre")
    page.get_by_label("Taux de main-d'œuvre (%)").fill("50")
    page.locator("#id_taux_insertion").fill("5")
    page.get_by_label("Coût horaire (€/h)").fill("30")
    resultat = page.locator("#simulation")
    resultat.get_by_text("833,33\u00a0h → 833\u00a0h").wait_for()
    assert "833\u00a0h" in resultat.inner_text()
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTEFACTS / "simulateur.png", full_page=True)

    # One click starts the marché from the simulation; the lot and the clause start from it too.
    resultat.get_by_role("link", name="Nouveau marché à partir de cette simulation").click()
    page.get_by_role("heading", name="Nouveau marché").wait_for()
    assert page.locator("#id_montant_estime_ht").input_value() == "1000000"
    page.get_by_label("Acheteur").select_option(label="Ville de Lens")
    page.get_by_label("Référence").fill("LENS-2026-ECOLE")
    page.get_by_label("Objet").fill("Réhabilitation de l'école Jean-Jaurès")
    page.get_by_role("button", name="Enregistrer").click()

    page.get_by_role("heading", name="Nouveau lot").wait_for()
    assert page.locator("#id_secteur option:checked").inner_text() == "BTP – gros œuvre"
    page.get_by_label("Intitulé").fill("Gros œuvre")
    page.get_by_role("button", name="Enregistrer").click()

    page.get_by_role("heading", name="Clause d'insertion (heures) : Lot 1 – Gros œuvre").wait_for()
    assert page.locator("#id_cout_horaire").input_value() == "30"
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Lot 1 – Gros œuvre").wait_for()
    page.get_by_text("833\u00a0h d'insertion dues").wait_for()

    # The lot is attributed to a company.
    page.get_by_role("link", name="Ajouter une entreprise").click()
    page.get_by_label("Entreprise").select_option(label="Bâtir Ensemble")
    page.get_by_label("Montant attribué HT (€)").fill("1000000")
    page.get_by_role("button", name="Enregistrer").click()
    ligne = page.get_by_role("row").filter(has_text="Bâtir Ensemble")
    assert "Titulaire" in ligne.inner_text()
    page.screenshot(path=ARTEFACTS / "parcours-marche.png", full_page=True)
    with guichet_scope(guichet.pk):
        clause = Consideration.objects.get()
        assert clause.heures_dues == 833 and clause.lot.marche.reference == "LENS-2026-ECOLE"
        assert clause.lot.marche.statut == "attribue"  # awarded by its titulaire
