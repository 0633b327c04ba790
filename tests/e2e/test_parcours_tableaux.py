"""Browser journeys in headless Chromium: each role signs in and lands on its dashboard, chooses the year, opens
the figures of a chart; a screenshot of each dashboard is saved in ``artifacts/``."""

import re
from datetime import date

import pytest

from guichet.enums import Role

from ..conftest import peupler
from ..factories import (
    AttributionFactory,
    ConventionFactory,
    LigneReleveFactory,
    ReleveFactory,
    SuiviLotFactory,
)
from ..reporting.jeux import territoire_calcule
from .comptes import se_connecter
from .test_parcours_acheteur import ARTEFACTS, navigateur  # noqa: F401 (the fixture)

pytestmark = pytest.mark.usefixtures("navigateur")


def _territoire():
    territoire = peupler("plie-tableaux", "PLIE des tableaux")
    t = territoire_calcule(territoire)
    g = territoire.guichet
    acheteur = territoire.membres[Role.ACHETEUR].acheteur
    entreprise = territoire.membres[Role.ENTREPRISE].entreprise
    with territoire.scope():
        acheteur.nom = "Ville de Villeneuve"
        acheteur.save()
        t.m1.acheteur = acheteur
        t.m1.save()
        for lot, realisees, statut in ((t.l1, 220, "orange"), (t.l2, 100, "rouge"), (t.l3, 85, "vert")):
            dues = lot.considerations.get(type="clause_heures").heures_dues
            SuiviLotFactory(guichet=g, lot=lot, heures_dues=dues, heures_realisees=realisees, statut_risque=statut)
        AttributionFactory(guichet=g, lot=t.l1, entreprise=entreprise)
        ReleveFactory(guichet=g, soumis=True, entreprise=t.e1, periode=date(2026, 10, 1))
        LigneReleveFactory(
            guichet=g,
            releve__entreprise=entreprise,
            releve__periode=date(2026, 9, 1),
            releve__valide=True,
            statut="rejete",
            motif_rejet="La personne n'était pas éligible au début du contrat.",
        )
        ConventionFactory(guichet=g, acheteur=acheteur, reference="CONV-VILLENEUVE", statut="signee")
    return territoire


def _connexion(navigateur, live_server, email):  # noqa: F811
    page = navigateur.new_context().new_page()
    page.set_default_timeout(10_000)
    se_connecter(page, live_server.url, email)
    return page


@pytest.mark.django_db(transaction=True)
def test_each_role_signs_in_and_sees_its_dashboard(live_server, navigateur):  # noqa: F811
    territoire = _territoire()
    ARTEFACTS.mkdir(exist_ok=True)
    titres = {
        Role.FACILITATEUR: "Tableau de bord",
        Role.LECTEUR: "Le territoire en 2026",
        Role.ACHETEUR: "Ville de Villeneuve",
        Role.ENTREPRISE: territoire.membres[Role.ENTREPRISE].entreprise.raison_sociale,
    }
    for role, titre in titres.items():
        page = _connexion(navigateur, live_server, territoire.membres[role].utilisateur.email)
        page.get_by_role("heading", name=titre, level=1).wait_for()
        if role != Role.ENTREPRISE:
            page.get_by_label("Année").fill("2026")
            page.get_by_role("button", name="Afficher").click()
            page.get_by_role("heading", name="Chiffres clés 2026").wait_for()
            # The pictures first, the figures one click away.
            graphique = page.get_by_role("img", name="Heures par mois en 2026")
            assert graphique.is_visible()
            figure = page.locator("figure").filter(has=graphique)
            figure.get_by_text("Voir les chiffres").click()
            assert figure.get_by_role("table").is_visible()
        if role == Role.FACILITATEUR:
            alertes = page.get_by_role("region", name="À traiter")
            assert "1 lot à risque" in alertes.inner_text() and "1 relevé à valider" in alertes.inner_text()
            assert page.get_by_text("405\u00a0h").first.is_visible()
        if role == Role.LECTEUR:
            assert "Dupont" not in page.content()  # no person named to the copil
        if role == Role.ACHETEUR:
            lots = page.get_by_role("region", name="Vos lots et leur avancement")
            assert lots.get_by_role("img", name=re.compile(r"Lot \d+ du marché")).first.is_visible()
            assert "CONV-VILLENEUVE" in page.content()
        if role == Role.ENTREPRISE:
            assert page.get_by_text("La personne n'était pas éligible au début du contrat.").is_visible()
            assert page.get_by_role("img", name="Obligations mutualisées").is_visible()
        page.screenshot(path=ARTEFACTS / f"tableau-de-bord-{role}.png", full_page=True)
        page.context.close()
