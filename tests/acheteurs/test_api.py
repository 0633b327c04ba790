import pytest

from acheteurs.models import AchatPrevu, Acheteur, Contact, Programmation
from guichet.enums import Role

from ..clients import api, url
from ..factories import AchatPrevuFactory, AcheteurFactory, ContactFactory, ConventionFactory, ProgrammationFactory


def test_creating_a_buyer_answers_the_api_fields(guichet_a):
    response = api(guichet_a.membres[Role.FACILITATEUR]).post(
        url("api:acheteur-list", guichet_a),
        {"nom": "Ville de Lens", "type": "commune", "siret": "732 829 320 00074"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in ["nom", "type", "siret", "mutualisation_autorisee", "archive", "contacts"]} == {
        "nom": "Ville de Lens",
        "type": "commune",
        "siret": "73282932000074",
        "mutualisation_autorisee": True,
        "archive": False,
        "contacts": [],
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"nom": "Lens", "type": "commune", "siret": "73282932000075"},
            {"siret": ["Ce numéro SIRET n'est pas valide : il faut 14 chiffres et une clé de contrôle correcte."]},
        ),
        ({"nom": "Lens", "type": "ministere"}, {"type": ["«\u00a0ministere\u00a0» n'est pas un choix valide."]}),
        ({"type": "commune"}, {"nom": ["Ce champ est obligatoire."]}),
    ],
)
def test_an_invalid_buyer_is_400_in_french_and_nothing_is_written(guichet_a, data, expected):
    response = api(guichet_a.membres[Role.ADMIN]).post(url("api:acheteur-list", guichet_a), data, format="json")
    assert response.status_code == 400
    assert response.json() == expected
    with guichet_a.scope():
        assert not Acheteur.objects.filter(nom="Lens").exists()


def test_a_duplicate_name_is_an_error_on_the_name(guichet_a):
    nom = guichet_a.membres[Role.ACHETEUR].acheteur.nom
    response = api(guichet_a.membres[Role.ADMIN]).post(
        url("api:acheteur-list", guichet_a), {"nom": nom, "type": "commune"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"nom": ["Un acheteur porte déjà ce nom dans le guichet."]}


def test_buyers_are_filtered_and_searched(guichet_a):
    with guichet_a.scope():
        AcheteurFactory(guichet=guichet_a.guichet, nom="Habitat du Nord", type="bailleur_social", commune="Lille")
        AcheteurFactory(guichet=guichet_a.guichet, nom="Vieux syndicat", archive=True)
    client = api(guichet_a.membres[Role.LECTEUR])
    noms = lambda **q: {a["nom"] for a in client.get(url("api:acheteur-list", guichet_a), q).json()["results"]}  # noqa: E731
    assert noms(type="bailleur_social") == {"Habitat du Nord"}
    assert noms(q="lille") == {"Habitat du Nord"}
    assert noms(archive="true") == {"Vieux syndicat"}
    assert "Vieux syndicat" in noms()  # the API lists every buyer unless asked


def test_a_buyer_member_sees_its_own_buyer_contacts_and_programme_only(guichet_a):
    propre = guichet_a.membres[Role.ACHETEUR].acheteur
    with guichet_a.scope():
        autre = AcheteurFactory(guichet=guichet_a.guichet)
        for acheteur in (propre, autre):
            ContactFactory(guichet=guichet_a.guichet, acheteur=acheteur)
            AchatPrevuFactory(
                guichet=guichet_a.guichet,
                programmation=ProgrammationFactory(guichet=guichet_a.guichet, acheteur=acheteur),
            )
    client = api(guichet_a.membres[Role.ACHETEUR])
    for name, champ in [
        ("api:acheteur-list", "id"),
        ("api:contact-list", "acheteur"),
        ("api:programmation-list", "acheteur"),
    ]:
        results = client.get(url(name, guichet_a)).json()["results"]
        assert [r[champ] for r in results] == [propre.pk], name
    assert client.get(url("api:achat-prevu-list", guichet_a)).json()["count"] == 1
    response = client.get(url("api:contact-list", guichet_a), {"acheteur": autre.pk})
    assert response.status_code == 400 and "acheteur" in response.json()


def test_deleting_a_buyer_in_use_is_400_and_keeps_it(guichet_a):
    propre = guichet_a.membres[Role.ACHETEUR].acheteur
    with guichet_a.scope():
        ConventionFactory(guichet=guichet_a.guichet, acheteur=propre)
    response = api(guichet_a.membres[Role.ADMIN]).delete(url("api:acheteur-detail", guichet_a, pk=propre.pk))
    assert response.status_code == 400
    assert "archivez-le plutôt" in response.json()["non_field_errors"][0]
    with guichet_a.scope():
        assert Acheteur.objects.filter(pk=propre.pk).exists()


def test_a_principal_contact_created_by_the_api_replaces_the_former_one(guichet_a):
    with guichet_a.scope():
        ancien = ContactFactory(guichet=guichet_a.guichet, principal=True)
    response = api(guichet_a.membres[Role.FACILITATEUR]).post(
        url("api:contact-list", guichet_a),
        {"acheteur": ancien.acheteur_id, "nom": "Martin", "role": "elu", "principal": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    with guichet_a.scope():
        assert not Contact.objects.get(pk=ancien.pk).principal


def test_a_programme_lists_its_planned_purchases_and_totals(guichet_a):
    with guichet_a.scope():
        programmation = ProgrammationFactory(guichet=guichet_a.guichet, annee=2026)
    client = api(guichet_a.membres[Role.FACILITATEUR])
    achat = {
        "programmation": programmation.pk,
        "objet": "Nettoyage des locaux",
        "montant_estime_ht": "310000.00",
        "date_prevue": "2026-07-01",
        "secteur": "proprete",
        "consideration_possible": "oui",
        "consideration_conseillee": "clause_heures",
        "commentaire": "Reprise du personnel.",
    }
    response = client.post(url("api:achat-prevu-list", guichet_a), achat, format="json")
    assert response.status_code == 201, response.json()
    assert {k: response.json()[k] for k in achat} == achat
    body = client.get(url("api:programmation-detail", guichet_a, pk=programmation.pk)).json()
    assert body["annee"] == 2026 and body["nombre_achats"] == 1 and body["montant_total"] == "310000.00"
    assert body["achats"][0]["objet"] == "Nettoyage des locaux" and "programmation" not in body["achats"][0]
    filtres = {"annee": 2026, "secteur": "proprete", "consideration_possible": "oui"}
    assert client.get(url("api:achat-prevu-list", guichet_a), filtres).json()["count"] == 1
    assert client.get(url("api:achat-prevu-list", guichet_a), {"annee": 2025}).json()["count"] == 0


# --- Foreign ids --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["acheteur", "contact", "programmation", "achat-prevu"])
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_an_object_of_another_guichet_is_404_in_the_api(deux_guichets, name, method):
    a, b = deux_guichets
    with b.scope():
        achat = AchatPrevuFactory(guichet=b.guichet)
        objets = {
            "acheteur": achat.programmation.acheteur,
            "contact": ContactFactory(guichet=b.guichet, acheteur=achat.programmation.acheteur),
            "programmation": achat.programmation,
            "achat-prevu": achat,
        }
    client = api(a.membres[Role.ADMIN])
    response = getattr(client, method)(
        url(f"api:{name}-detail", a, pk=objets[name].pk), {"nom": "Piraté", "objet": "Piraté"}, format="json"
    )
    assert response.status_code == 404
    with b.scope():
        assert Acheteur.objects.filter(nom="Piraté").count() == 0 and AchatPrevu.objects.get().objet != "Piraté"
        assert Contact.objects.filter(nom="Piraté").count() == 0 and Programmation.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("api:contact-list", lambda b: {"acheteur": b["acheteur"], "nom": "X"}),
        ("api:programmation-list", lambda b: {"acheteur": b["acheteur"], "annee": 2027}),
        ("api:achat-prevu-list", lambda b: {"programmation": b["programmation"], "objet": "X"}),
    ],
)
def test_a_parent_of_another_guichet_is_an_invalid_choice(deux_guichets, name, data):
    a, b = deux_guichets
    with b.scope():
        programmation = ProgrammationFactory(guichet=b.guichet)
    ids = {"acheteur": programmation.acheteur_id, "programmation": programmation.pk}
    response = api(a.membres[Role.ADMIN]).post(url(name, a), data(ids), format="json")
    assert response.status_code == 400
    assert "n'existe pas" in str(response.json())
