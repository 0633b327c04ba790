"""Browser journey in headless Chromium: a company's payroll clerk imports its monthly relevé, meets an error, fixes
the file, imports it again and submits; a facilitator rejects one line with its reason and validates the rest."""

from datetime import date

import pytest

from entreprises.models import LigneReleve, Releve
from entreprises.services import entreprise_create
from guichet.enums import Role
from guichet.services import guichet_create, membre_invite
from guichet.tenancy import guichet_scope

from ..factories import BeneficiaireFactory, ContratFactory, EligibiliteFactory, UtilisateurFactory
from .comptes import se_connecter
from .test_parcours_acheteur import ARTEFACTS, navigateur  # noqa: F401 (the fixture)

pytestmark = pytest.mark.usefixtures("navigateur")

ENTETE = "nom;prenom;date_naissance;date_debut;date_fin;heures;lot;siret_sous_traitant;montant_ht"
LEA = "Martin;Léa;02/03/1995;02/03/2026;13/03/2026;70,5;;;"
HUGO = "Petit;Hugo;30/11/1988;16/03/2026;27/03/2026;{heures};;;"


def fichier(heures):
    contenu = "\r\n".join([ENTETE, LEA, HUGO.format(heures=heures)]) + "\r\n"
    return {"name": "releve-mars.csv", "mimeType": "text/csv", "buffer": contenu.encode()}


def guichet_et_entreprise(slug, paie, *personnes):
    """A guichet, its company « Bâtir Ensemble » whose member is ``paie``, and the company's eligible employees."""
    guichet = guichet_create(slug=slug, nom=f"PLIE {slug}")
    with guichet_scope(guichet.pk):
        entreprise = entreprise_create(
            guichet=guichet, acting_user=None, raison_sociale="Bâtir Ensemble", siret="73282932000074"
        )
        membre_invite(guichet=guichet, email=paie.email, role=Role.ENTREPRISE, entreprise=entreprise, acting_user=None)
        for nom, prenom, naissance in personnes:
            personne = BeneficiaireFactory(guichet=guichet, nom=nom, prenom=prenom, date_naissance=naissance)
            EligibiliteFactory(guichet=guichet, beneficiaire=personne)
            ContratFactory(guichet=guichet, beneficiaire=personne, entreprise=entreprise)
    return guichet


def connexion(page, url, email):
    se_connecter(page, url, email)


@pytest.mark.django_db(transaction=True)
def test_a_company_imports_fixes_and_submits_its_relevé_then_a_facilitator_validates_it(
    live_server,
    navigateur,  # noqa: F811
):
    paie = UtilisateurFactory(email="paie@batir.fr", prenom="Paula")
    facilitateur = UtilisateurFactory(email="nora@plie-releves.fr", prenom="Nora")
    guichet = guichet_et_entreprise(
        "plie-releves", paie, ("Martin", "Léa", date(1995, 3, 2)), ("Petit", "Hugo", date(1988, 11, 30))
    )
    with guichet_scope(guichet.pk):
        membre_invite(guichet=guichet, email=facilitateur.email, role=Role.FACILITATEUR, acting_user=None)

    page = navigateur.new_page()
    page.set_default_timeout(10_000)
    connexion(page, live_server.url, paie.email)

    # The company imports its file: one row is wrong, nothing is written.
    page.get_by_role("navigation", name="Navigation du guichet").get_by_role("link", name="Relevés d'heures").click()
    page.get_by_role("link", name="Importer un fichier").click()
    page.get_by_label("Mois du relevé").fill("2026-03")
    page.get_by_label("Fichier du relevé").set_input_files(fichier("-35"))
    page.get_by_role("button", name="Importer").click()
    erreur = page.get_by_role("row").filter(has_text="Heures : un nombre négatif n'est pas accepté.")
    erreur.wait_for()
    assert erreur.inner_text().split("\t")[:2] == ["3", "heures"]
    with guichet_scope(guichet.pk):
        assert not Releve.objects.exists()

    # Fixed, imported again, then submitted.
    page.get_by_label("Mois du relevé").fill("2026-03")
    page.get_by_label("Fichier du relevé").set_input_files(fichier("35"))
    page.get_by_role("button", name="Importer").click()
    page.get_by_role("heading", name="Relevé de mars 2026").wait_for()
    page.get_by_text("Fichier importé : 2 lignes en brouillon.").wait_for()
    page.get_by_role("button", name="Soumettre au guichet").click()
    page.get_by_text("Relevé soumis au guichet").wait_for()
    page.get_by_role("button", name="Se déconnecter").click()

    # The facilitator rejects Hugo Petit's line with its reason and validates the rest.
    connexion(page, live_server.url, facilitateur.email)
    page.get_by_role("navigation", name="Navigation du guichet").get_by_role("link", name="Relevés d'heures").click()
    page.get_by_role("link", name="À valider").click()
    page.get_by_role("link", name="Bâtir Ensemble").click()
    hugo = page.get_by_role("row").filter(has_text="Hugo Petit")
    hugo.get_by_label("Motif du rejet de la ligne").fill("Contrat non signé")
    hugo.get_by_role("button", name="Rejeter").click()
    page.get_by_role("row").filter(has_text="Hugo Petit").filter(has_text="Rejetée").wait_for()
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTEFACTS / "parcours-releve.png", full_page=True)
    page.get_by_role("button", name="Valider le reste").click()
    page.get_by_text("Aucun relevé n'attend de validation.").wait_for()

    with guichet_scope(guichet.pk):
        releve = Releve.objects.get()
        assert (releve.statut, releve.source, releve.soumis_par, releve.valide_par) == (
            "valide",
            "import",
            paie,
            facilitateur,
        )
        lignes = LigneReleve.objects.order_by("date_debut")
        assert list(lignes.values_list("contrat__beneficiaire__nom", "statut", "motif_rejet")) == [
            ("Martin", "valide", ""),
            ("Petit", "rejete", "Contrat non signé"),
        ]


@pytest.mark.django_db(transaction=True)
def test_a_company_types_its_relevé_line_by_line_with_warnings_as_it_types(
    live_server,
    navigateur,  # noqa: F811
):
    paie = UtilisateurFactory(email="paie@batir.fr")
    guichet = guichet_et_entreprise("plie-saisie", paie, ("Martin", "Léa", date(1995, 3, 2)))

    page = navigateur.new_page()
    page.set_default_timeout(10_000)
    connexion(page, live_server.url, paie.email)
    page.get_by_role("navigation", name="Navigation du guichet").get_by_role("link", name="Mon espace").click()
    page.get_by_role("link", name="Nouveau relevé").click()
    page.get_by_label("Mois du relevé").fill("2026-03")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Relevé de mars 2026").wait_for()

    page.locator("#id_contrat").select_option(label="Léa Martin – CDD du 01/02/2026 au 31/07/2026")
    page.locator("#id_date_debut").fill("2026-03-02")
    page.locator("#id_date_fin").fill("2026-03-06")
    page.locator("#id_heures").fill("120")
    page.get_by_text("dépassent la durée maximale du travail (48\u00a0h au plus").wait_for()  # as she types
    page.locator("#id_heures").fill("35,5")
    page.get_by_role("button", name="Ajouter la ligne").click()
    page.get_by_role("row").filter(has_text="Léa Martin").filter(has_text="35,50\u00a0h").wait_for()
    assert page.locator("#id_date_debut").input_value() == "2026-03-02"  # kept for the next line
    page.locator("#id_contrat").select_option(label="Léa Martin – CDD du 01/02/2026 au 31/07/2026")
    page.locator("#id_date_debut").fill("2026-03-09")
    page.locator("#id_date_fin").fill("2026-04-03")
    page.locator("#id_heures").fill("7")
    page.get_by_role("button", name="Ajouter la ligne").click()
    page.get_by_text("La date doit être dans le mois du relevé (mars 2026).").wait_for()

    with guichet_scope(guichet.pk):
        assert list(LigneReleve.objects.values_list("heures", flat=True)) == [35.5]
