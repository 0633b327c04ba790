"""Clients and URLs of the tests: pages by session, the API by token as integrators use it."""

from django.urls import reverse
from rest_framework.test import APIClient

from guichet.enums import Role

from .factories import MOT_DE_PASSE


def connecte(client, territoire, role=Role.FACILITATEUR):
    """The test client, signed in as ``territoire``'s member of that role."""
    client.force_login(territoire.membres[role].utilisateur)
    return client


def api(membre):
    """An API client authenticated by token, as integrators are."""
    client = APIClient()
    token = client.post(
        reverse("api:token"), {"email": membre.utilisateur.email, "password": MOT_DE_PASSE}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def url(name, territoire, **kwargs):
    """A page or API route of ``territoire``'s guichet."""
    return reverse(name, kwargs={"guichet_slug": territoire.slug, **kwargs})
