"""Signing in in the browser journeys: the password, then for admins and facilitators the code of their
authenticator app (the tests' known key, ``tests/deux_facteurs.py``), typed like a person would."""

from guichet import deux_facteurs
from guichet.models import Utilisateur

from ..deux_facteurs import activer, code_pour
from ..factories import MOT_DE_PASSE


def se_connecter(page, base_url, email, mot_de_passe=MOT_DE_PASSE):
    utilisateur = Utilisateur.objects.get(email=email)
    if deux_facteurs.etape(utilisateur) == "activer":
        activer(utilisateur)  # enrolment itself has its own journey (test_parcours_deux_facteurs.py)
    page.goto(f"{base_url}/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    if deux_facteurs.active(utilisateur):
        page.get_by_role("heading", name="Code à usage unique").wait_for()
        page.get_by_label("Code à usage unique").fill(code_pour(utilisateur))
        page.get_by_role("button", name="Valider").click()
