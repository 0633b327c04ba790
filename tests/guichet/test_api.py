import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from guichet.enums import Role
from guichet.models import Membre, Parametres

from ..clients import api, url
from ..factories import MembreFactory


def test_token_then_settings_of_my_guichet(guichet_a):
    response = api(guichet_a.membres[Role.ADMIN]).get(url("api:parametres", guichet_a))
    assert response.status_code == 200
    body = response.json()
    assert body["taux_insertion"] == "0.0500" and body["regle_ventilation"] == "echeance"
    assert set(body["taux_main_oeuvre"]) >= {"btp_gros_oeuvre", "proprete", "autre"}


def test_a_bad_token_is_401_and_an_unknown_guichet_is_404(guichet_a):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token pas-un-jeton")
    assert client.get(url("api:parametres", guichet_a)).status_code == 401
    client = api(guichet_a.membres[Role.ADMIN])
    assert client.get(reverse("api:parametres", kwargs={"guichet_slug": "inconnu"})).status_code == 404


def test_patch_settings_with_an_invalid_value_answers_400_in_french_and_writes_nothing(guichet_a):
    client = api(guichet_a.membres[Role.ADMIN])
    with guichet_a.scope():
        before = Parametres.objects.values().get()
    response = client.patch(
        url("api:parametres", guichet_a),
        {"heures_etp": "1500", "conversion_sous_traitance": "taux_forfaitaire"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "taux_horaire_forfaitaire": ["Indiquez le taux horaire forfaitaire utilisé pour la conversion."]
    }
    with guichet_a.scope():
        assert Parametres.objects.values().get() == before


def test_patch_settings_sector_table(guichet_a):
    client = api(guichet_a.membres[Role.ADMIN])
    table = client.get(url("api:parametres", guichet_a)).json()["taux_main_oeuvre"]
    table["proprete"] = 0.75
    response = client.patch(url("api:parametres", guichet_a), {"taux_main_oeuvre": table}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["taux_main_oeuvre"]["proprete"] == "0.7500"
    del table["autre"]
    response = client.patch(url("api:parametres", guichet_a), {"taux_main_oeuvre": table}, format="json")
    assert response.json() == {"taux_main_oeuvre": ["Taux manquant pour le secteur : autre."]}


def test_members_list_is_paginated_and_filtered(guichet_a):
    with guichet_a.scope():
        MembreFactory.create_batch(4, guichet=guichet_a.guichet, role=Role.LECTEUR)
    client = api(guichet_a.membres[Role.ADMIN])
    body = client.get(url("api:membre-list", guichet_a), {"page_size": 3}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 9 and len(body["results"]) == 3 and "page=2" in body["next"]
    body = client.get(url("api:membre-list", guichet_a), {"role": "lecteur"}).json()
    assert body["count"] == 5 and {m["role"] for m in body["results"]} == {"lecteur"}
    body = client.get(url("api:membre-list", guichet_a), {"page_size": 10_000}).json()
    assert body["count"] == 9  # capped at 500 per page, so everything fits


def test_creating_a_member_for_an_unknown_email_invites_them(guichet_a, django_capture_on_commit_callbacks):
    client = api(guichet_a.membres[Role.ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("api:membre-list", guichet_a),
            {
                "email": "acheteuse@commune.fr",
                "role": "acheteur",
                "acheteur": guichet_a.membres["acheteur"].acheteur_id,
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert response.json()["role"] == "acheteur"
    assert mail.outbox[0].to == ["acheteuse@commune.fr"]
    assert "/comptes/invitation/" in mail.outbox[0].body


def test_acheteur_role_without_its_buyer_is_refused(guichet_a):
    client = api(guichet_a.membres[Role.ADMIN])
    response = client.post(url("api:membre-list", guichet_a), {"email": "a@b.fr", "role": "acheteur"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"acheteur": ["Un membre acheteur doit être rattaché à un acheteur."]}


# --- Foreign ids: an object of another guichet is 404 (or an invalid choice), never 403 ------------


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_member_of_another_guichet_is_404_in_the_api(deux_guichets, method):
    a, b = deux_guichets
    response = getattr(api(a.membres[Role.ADMIN]), method)(
        url("api:membre-detail", a, pk=b.membres[Role.LECTEUR].pk), {"role": "admin"}, format="json"
    )
    assert response.status_code == 404
    with b.scope():
        assert Membre.objects.get(pk=b.membres[Role.LECTEUR].pk).role == Role.LECTEUR


def test_buyer_of_another_guichet_is_an_invalid_choice(deux_guichets):
    a, b = deux_guichets
    response = api(a.membres[Role.ADMIN]).post(
        url("api:membre-list", a),
        {"email": "x@y.fr", "role": "acheteur", "acheteur": b.membres["acheteur"].acheteur_id},
        format="json",
    )
    assert response.status_code == 400
    assert "n'existe pas" in response.json()["acheteur"][0]


def test_the_schema_and_its_docs_are_served(client):
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/guichets/{guichet_slug}/parametres/" in text
    assert "/api/v1/guichets/{guichet_slug}/taches/{id}/" in text
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200 and "swagger-ui" in docs.content.decode()
