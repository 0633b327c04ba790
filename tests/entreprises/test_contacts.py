"""The contacts of a company: services (one principal contact, audit), pages from the company's page, the API
``contacts-entreprises/``, roles, foreign ids and query counts."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entreprises import services
from entreprises.models import ContactEntreprise, Entreprise
from guichet.enums import Role
from guichet.models import JournalAudit

from ..clients import api, connecte, url
from ..factories import ContactEntrepriseFactory, EntrepriseFactory


def creer(territoire, entreprise, **data):
    data = {"nom": "Benali", "prenom": "Karim", "role": "ressources_humaines", **data}
    return services.contact_entreprise_create(
        guichet=territoire.guichet, acting_user=None, entreprise=entreprise, **data
    )


# --- Services ----------------------------------------------------------------------------------------


def test_a_new_principal_contact_replaces_the_former_one_and_each_write_is_audited(guichet_a):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    with guichet_a.scope():
        entreprise = EntrepriseFactory(guichet=guichet_a.guichet)
        premier = creer(guichet_a, entreprise, nom="Un", principal=True)
        second = services.contact_entreprise_create(
            guichet=guichet_a.guichet, acting_user=admin, entreprise=entreprise, nom="Deux", principal=True
        )
        assert list(entreprise.contacts.filter(principal=True)) == [second]
        premier = ContactEntreprise.objects.get(pk=premier.pk)  # as a page or the API finds it
        services.contact_entreprise_update(contact=premier, acting_user=admin, principal=True)
        assert list(entreprise.contacts.filter(principal=True)) == [premier]
        assert [str(c) for c in entreprise.contacts.all()] == ["Karim Un", "Deux"]  # the principal first
        services.contact_entreprise_delete(contact=second, acting_user=admin)
        entries = JournalAudit.objects.filter(action__startswith="contact_entreprise.").order_by("id")
        assert [(e.action, e.acteur) for e in entries] == [
            ("contact_entreprise.create", None),
            ("contact_entreprise.create", admin),
            ("contact_entreprise.update", admin),
            ("contact_entreprise.delete", admin),
        ]
        assert entries[0].details == {"entreprise": entreprise.pk}
        assert entries[2].details == {"changements": {"principal": [False, True]}}


def test_a_principal_contact_moved_to_another_company_becomes_its_principal_contact(guichet_a):
    with guichet_a.scope():
        arrivant = ContactEntrepriseFactory(guichet=guichet_a.guichet, principal=True)
        ancien = ContactEntrepriseFactory(guichet=guichet_a.guichet, principal=True)
        services.contact_entreprise_update(contact=arrivant, acting_user=None, entreprise=ancien.entreprise)
        assert list(ancien.entreprise.contacts.filter(principal=True)) == [arrivant]


@pytest.mark.parametrize(
    ("data", "champ", "message"),
    [
        ({"telephone": "appelez-moi"}, "telephone", "Saisissez un numéro de téléphone"),
        ({"email": "pas-une-adresse"}, "email", "Saisissez une adresse e-mail valide."),
        ({"nom": ""}, "nom", "Ce champ ne peut pas être vide."),
        ({"role": "stagiaire"}, "role", "n’est pas un choix valide"),
    ],
)
def test_invalid_contacts_are_refused_in_french_and_nothing_is_written(guichet_a, data, champ, message):
    with guichet_a.scope():
        entreprise = EntrepriseFactory(guichet=guichet_a.guichet)
        with pytest.raises(ValidationError) as error:
            creer(guichet_a, entreprise, **data)
        assert message in " ".join(error.value.message_dict[champ])
        assert not ContactEntreprise.objects.exists()
        assert not JournalAudit.objects.filter(action__startswith="contact_entreprise.").exists()


def test_a_contact_is_not_linked_to_a_company_of_another_guichet(deux_guichets):
    a, b = deux_guichets
    with b.scope():
        etrangere = EntrepriseFactory(guichet=b.guichet)
    with a.scope(), pytest.raises(ValidationError) as error:
        creer(a, etrangere)
    assert error.value.messages == ["Cet objet n'appartient pas à ce guichet."]
    with a.scope():
        contact = ContactEntrepriseFactory(guichet=a.guichet)
        with pytest.raises(ValidationError):
            services.contact_entreprise_update(contact=contact, acting_user=None, entreprise=etrangere)
        assert ContactEntreprise.objects.get(pk=contact.pk).entreprise_id == contact.entreprise_id


def test_a_company_entered_by_mistake_goes_with_its_contacts(guichet_a):
    with guichet_a.scope():
        contact = ContactEntrepriseFactory(guichet=guichet_a.guichet)
        services.entreprise_delete(entreprise=contact.entreprise, acting_user=None)
        assert not ContactEntreprise.objects.filter(pk=contact.pk).exists()


# --- Pages -------------------------------------------------------------------------------------------


def test_contacts_are_managed_from_the_company_page(client, guichet_a):
    with guichet_a.scope():
        entreprise = EntrepriseFactory(guichet=guichet_a.guichet, raison_sociale="Rebond Insertion")
    connecte(client, guichet_a)
    fiche = url("entreprise", guichet_a, pk=entreprise.pk)
    assert url("contact_entreprise_creer", guichet_a, pk=entreprise.pk) in client.get(fiche).text
    formulaire = client.get(url("contact_entreprise_creer", guichet_a, pk=entreprise.pk)).text
    ordre = [formulaire.index(f'name="{champ}"') for champ in ["prenom", "nom", "role", "fonction", "principal"]]
    assert ordre == sorted(ordre)  # the role beside the name
    data = {
        "prenom": "Samia",
        "nom": "Bouzid",
        "role": "ressources_humaines",
        "fonction": "Responsable du recrutement",
        "email": "s.bouzid@rebond.fr",
        "telephone": "03 20 00 00 00",
        "principal": "on",
    }
    response = client.post(url("contact_entreprise_creer", guichet_a, pk=entreprise.pk), data)
    assert response.status_code == 302 and response["Location"] == fiche
    page = client.get(fiche).text
    for attendu in ["Samia Bouzid", "Principal", "Responsable du recrutement", "Ressources humaines", "03 20 00 00 00"]:
        assert attendu in page, attendu
    with guichet_a.scope():
        contact = ContactEntreprise.objects.get(entreprise=entreprise)
    assert contact.principal and contact.guichet == guichet_a.guichet
    modifier = url("contact_entreprise_modifier", guichet_a, pk=contact.pk)
    assert 'value="s.bouzid@rebond.fr"' in client.get(modifier).text
    response = client.post(modifier, {**data, "telephone": "appelez-moi"})
    assert response.status_code == 400 and "Saisissez un numéro de téléphone" in response.text
    assert client.post(modifier, {**data, "fonction": "DRH"}).status_code == 302
    supprimer = url("contact_entreprise_supprimer", guichet_a, pk=contact.pk)
    assert "Supprimer « Samia Bouzid » ?" in client.get(supprimer).text
    assert client.post(supprimer)["Location"] == fiche
    with guichet_a.scope():
        assert not ContactEntreprise.objects.exists()
        actions = list(JournalAudit.objects.filter(cible_id=str(contact.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["contact_entreprise.create", "contact_entreprise.delete", "contact_entreprise.update"]


@pytest.mark.parametrize("role", [Role.LECTEUR, Role.ENTREPRISE])
def test_a_reader_and_the_company_member_see_the_contacts_without_editing_them(client, guichet_a, role):
    propre = guichet_a.membres[Role.ENTREPRISE].entreprise
    with guichet_a.scope():
        ContactEntrepriseFactory(guichet=guichet_a.guichet, entreprise=propre, nom="Visible", principal=True)
    connecte(client, guichet_a, role)
    page = client.get(url("entreprise", guichet_a, pk=propre.pk)).text
    assert "Karim Visible" in page and "Principal" in page
    assert "Ajouter un contact" not in page and "/contacts-entreprises/" not in page


def test_the_company_page_answers_in_a_constant_number_of_queries(client, guichet_a, django_assert_max_num_queries):
    with guichet_a.scope():
        entreprise = ContactEntrepriseFactory(guichet=guichet_a.guichet).entreprise
    connecte(client, guichet_a)
    fiche = url("entreprise", guichet_a, pk=entreprise.pk)
    with CaptureQueriesContext(connection) as few:
        assert client.get(fiche).status_code == 200
    with guichet_a.scope():
        ContactEntrepriseFactory.create_batch(8, guichet=guichet_a.guichet, entreprise=entreprise)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(fiche).text.count("/contacts-entreprises/") == 2 * 9


def _objets_de_b(b):
    with b.scope():
        contact = ContactEntrepriseFactory(guichet=b.guichet, nom="Original")
    return {"entreprise": contact.entreprise, "contact": contact}


@pytest.mark.parametrize(
    ("name", "objet", "method"),
    [
        ("contact_entreprise_creer", "entreprise", "get"),
        ("contact_entreprise_creer", "entreprise", "post"),
        ("contact_entreprise_modifier", "contact", "get"),
        ("contact_entreprise_modifier", "contact", "post"),
        ("contact_entreprise_supprimer", "contact", "get"),
        ("contact_entreprise_supprimer", "contact", "post"),
    ],
)
def test_contact_pages_with_an_id_of_another_guichet_are_404(client, deux_guichets, name, objet, method):
    a, b = deux_guichets
    objets = _objets_de_b(b)
    connecte(client, a, Role.ADMIN)
    response = getattr(client, method)(url(name, a, pk=objets[objet].pk), {"nom": "Piraté", "role": "autre"})
    assert response.status_code == 404
    with b.scope():
        assert list(ContactEntreprise.objects.values_list("nom", flat=True)) == ["Original"]


# --- API ---------------------------------------------------------------------------------------------


def test_a_contact_created_by_the_api_answers_its_fields_and_shows_on_its_company(guichet_a):
    with guichet_a.scope():
        ancien = ContactEntrepriseFactory(guichet=guichet_a.guichet, principal=True)
    client = api(guichet_a.membres[Role.FACILITATEUR])
    data = {
        "entreprise": ancien.entreprise_id,
        "prenom": "Hugo",
        "nom": "Deschamps",
        "role": "accompagnement",
        "fonction": "Conseiller en insertion professionnelle",
        "email": "h.deschamps@rebond.fr",
        "telephone": "06 12 34 56 78",
        "principal": True,
    }
    response = client.post(url("api:contact-entreprise-list", guichet_a), data, format="json")
    assert response.status_code == 201, response.json()
    assert {k: response.json()[k] for k in data} == data
    fiche = client.get(url("api:entreprise-detail", guichet_a, pk=ancien.entreprise_id)).json()
    assert [(c["nom"], c["principal"]) for c in fiche["contacts"]] == [("Deschamps", True), (ancien.nom, False)]
    response = client.post(url("api:contact-entreprise-list", guichet_a), {**data, "email": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"email": ["Saisissez une adresse e-mail valide."]}


def test_contacts_are_filtered_by_company_and_role(guichet_a):
    with guichet_a.scope():
        rh = ContactEntrepriseFactory(guichet=guichet_a.guichet, role="ressources_humaines")
        direction = ContactEntrepriseFactory(guichet=guichet_a.guichet, role="direction")
    client = api(guichet_a.membres[Role.LECTEUR])
    liste = url("api:contact-entreprise-list", guichet_a)
    ids = lambda **q: [c["id"] for c in client.get(liste, q).json()["results"]]  # noqa: E731
    assert ids(entreprise=rh.entreprise_id) == [rh.pk]
    assert ids(role="direction") == [direction.pk]
    assert sorted(ids()) == sorted([rh.pk, direction.pk])


def test_a_company_member_reads_its_own_company_contacts_only(guichet_a):
    propre = guichet_a.membres[Role.ENTREPRISE].entreprise
    with guichet_a.scope():
        mien = ContactEntrepriseFactory(guichet=guichet_a.guichet, entreprise=propre)
        autre = ContactEntrepriseFactory(guichet=guichet_a.guichet)
    client = api(guichet_a.membres[Role.ENTREPRISE])
    liste = url("api:contact-entreprise-list", guichet_a)
    assert [c["id"] for c in client.get(liste).json()["results"]] == [mien.pk]
    assert client.get(liste, {"entreprise": autre.entreprise_id}).json()["count"] == 0
    assert client.get(url("api:contact-entreprise-detail", guichet_a, pk=autre.pk)).status_code == 404
    response = client.patch(url("api:contact-entreprise-detail", guichet_a, pk=mien.pk), {"nom": "X"}, format="json")
    assert response.status_code == 403
    assert api(guichet_a.membres[Role.ACHETEUR]).get(liste).status_code == 403


@pytest.mark.parametrize("name", ["api:contact-entreprise-list", "api:entreprise-list"])
def test_contact_lists_answer_in_a_constant_number_of_queries(guichet_a, name, django_assert_max_num_queries):
    with guichet_a.scope():
        ContactEntrepriseFactory(guichet=guichet_a.guichet)
    client = api(guichet_a.membres[Role.FACILITATEUR])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(name, guichet_a)).status_code == 200
    with guichet_a.scope():
        for entreprise in EntrepriseFactory.create_batch(4, guichet=guichet_a.guichet):
            ContactEntrepriseFactory.create_batch(2, guichet=guichet_a.guichet, entreprise=entreprise)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(name, guichet_a)).json()["count"] >= 5


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_a_contact_of_another_guichet_is_404_in_the_api(deux_guichets, method):
    a, b = deux_guichets
    with b.scope():
        contact = ContactEntrepriseFactory(guichet=b.guichet, nom="Original")
    client = api(a.membres[Role.ADMIN])
    detail = url("api:contact-entreprise-detail", a, pk=contact.pk)
    assert getattr(client, method)(detail, {"nom": "Piraté"}, format="json").status_code == 404
    with b.scope():
        assert ContactEntreprise.objects.get(pk=contact.pk).nom == "Original"


def test_a_company_of_another_guichet_is_an_invalid_choice(deux_guichets):
    a, b = deux_guichets
    with b.scope():
        etrangere = EntrepriseFactory(guichet=b.guichet)
    response = api(a.membres[Role.ADMIN]).post(
        url("api:contact-entreprise-list", a), {"entreprise": etrangere.pk, "nom": "X"}, format="json"
    )
    assert response.status_code == 400 and "n'existe pas" in str(response.json()["entreprise"])
    with b.scope():
        assert not ContactEntreprise.objects.exists() and Entreprise.objects.filter(pk=etrangere.pk).exists()
