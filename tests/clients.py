"""Clients and URLs of the tests: pages by session, the API by token as integrators use it."""

from django.urls import reverse
from rest_framework.test import APIClient

from guichet import deux_facteurs
from guichet.enums import Role

from .deux_facteurs import activer, code_pour
from .factories import MOT_DE_PASSE


def connecte(client, territoire, role=Role.FACILITATEUR):
    """The test client, signed in as ``territoire``'s member of that role."""
    client.force_login(territoire.membres[role].utilisateur)
    return client


def api(membre):
    """An API client authenticated by token, as integrators are; admins and facilitators get their second factor
    first and send its code."""
    client = APIClient()
    demande = {"email": membre.utilisateur.email, "password": MOT_DE_PASSE}
    if membre.role in deux_facteurs.ROLES_REQUIS or deux_facteurs.active(membre.utilisateur):
        if not deux_facteurs.active(membre.utilisateur):
            activer(membre.utilisateur)
        demande["code"] = code_pour(membre.utilisateur)
    token = client.post(reverse("api:token"), demande, format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def url(name, territoire, **kwargs):
    """A page or API route of ``territoire``'s guichet."""
    return reverse(name, kwargs={"guichet_slug": territoire.slug, **kwargs})
