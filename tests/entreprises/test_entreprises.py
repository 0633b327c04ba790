"""The register of companies and structures inclusives: services, pages, roles, foreign ids."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entreprises import selectors, services
from entreprises.models import Entreprise
from guichet.enums import Role
from guichet.models import JournalAudit

from ..clients import connecte, url
from ..factories import AttributionFactory, EntrepriseFactory


def creer(territoire, **data):
    data = {"raison_sociale": "Rebond Insertion", "siret": "732 829 320 00074", "type_structure": "ei", **data}
    return services.entreprise_create(guichet=territoire.guichet, acting_user=None, **data)


def test_a_company_gets_its_siren_and_is_flagged_as_inclusive(guichet_a):
    with guichet_a.scope():
        entreprise = creer(guichet_a, code_naf="43.99C", code_postal="59000")
        assert (entreprise.siret, entreprise.siren) == ("73282932000074", "732829320")
        assert entreprise.est_structure_inclusive
        assert list(Entreprise.objects.structures_inclusives()) == [entreprise]
        assert JournalAudit.objects.filter(action="entreprise.create").count() == 1


@pytest.mark.parametrize(
    ("data", "champ", "message"),
    [
        ({"siret": "73282932000075"}, "siret", "Ce numéro SIRET n'est pas valide"),
        ({"siret": ""}, "siret", "Ce champ ne peut pas être vide."),
        ({"code_naf": "4399"}, "code_naf", "Le code NAF s'écrit comme 43.99C."),
        ({"type_structure": "multinationale"}, "type_structure", "n’est pas un choix valide"),
    ],
)
def test_invalid_companies_are_refused_in_french(guichet_a, data, champ, message):
    with guichet_a.scope():
        with pytest.raises(ValidationError) as error:
            creer(guichet_a, **data)
        assert message in " ".join(error.value.message_dict[champ])
        assert not Entreprise.objects.filter(raison_sociale="Rebond Insertion").exists()


def test_the_siret_is_unique_in_a_guichet_only(deux_guichets):
    a, b = deux_guichets
    with a.scope():
        creer(a)
        with pytest.raises(ValidationError) as error:
            creer(a, raison_sociale="Autre")
        assert error.value.message_dict == {"siret": ["Une entreprise du guichet a déjà ce SIRET."]}
    with b.scope():
        assert creer(b).guichet == b.guichet


def test_a_company_holding_lots_cannot_be_deleted(guichet_a):
    with guichet_a.scope():
        attribution = AttributionFactory(guichet=guichet_a.guichet)
        with pytest.raises(ValidationError) as error:
            services.entreprise_delete(entreprise=attribution.entreprise, acting_user=None)
        assert "Il est lié à : attributions." in error.value.messages[0]
        erreur = EntrepriseFactory(guichet=guichet_a.guichet)
        services.entreprise_delete(entreprise=erreur, acting_user=None)
        assert not Entreprise.objects.filter(pk=erreur.pk).exists()


def test_the_list_searches_and_filters_structures_inclusives(client, guichet_a):
    with guichet_a.scope():
        creer(guichet_a, commune="Roubaix")
        EntrepriseFactory(guichet=guichet_a.guichet, raison_sociale="Bâtiment du Nord", type_structure="classique")
    connecte(client, guichet_a)
    liste = url("entreprises", guichet_a)
    texte = lambda **q: client.get(liste, q).text  # noqa: E731
    assert "Rebond Insertion" in texte(q="roubaix") and "Bâtiment du Nord" not in texte(q="roubaix")
    assert "Rebond Insertion" in texte(q="732 829") and "Bâtiment du Nord" not in texte(q="732 829")
    assert "Rebond Insertion" in texte(inclusive="true") and "Bâtiment du Nord" not in texte(inclusive="true")
    assert "Bâtiment du Nord" in texte(inclusive="false") and "Rebond Insertion" not in texte(inclusive="false")
    assert "Bâtiment du Nord" in texte(type_structure="classique")


def test_the_list_answers_in_a_constant_number_of_queries(client, sans_cache, guichet_a, django_assert_max_num_queries):
    connecte(client, guichet_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("entreprises", guichet_a)).status_code == 200
    with guichet_a.scope():
        for _ in range(6):
            AttributionFactory(guichet=guichet_a.guichet)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("entreprises", guichet_a)).status_code == 200


def test_the_list_counts_each_companys_lots_and_those_it_holds_as_titulaire(guichet_a):
    with guichet_a.scope():
        g = guichet_a.guichet
        cotraitante = AttributionFactory(guichet=g, role="titulaire").entreprise
        AttributionFactory(guichet=g, entreprise=cotraitante, role="cotraitant")
        AttributionFactory(guichet=g, entreprise=cotraitante, role="sous_traitant")
        sans_lot = EntrepriseFactory(guichet=g)
        membre = guichet_a.membres[Role.FACILITATEUR]
        entreprises = selectors.entreprises_visibles(guichet=g, membre=membre)
        comptes = {e.pk: (e.nombre_lots, e.nombre_titulaire) for e in entreprises}
        assert comptes[cotraitante.pk] == (3, 1) and comptes[sans_lot.pk] == (0, 0)
        assert entreprises.count() == Entreprise.objects.count()


def test_the_company_page_lists_its_lots(client, guichet_a):
    with guichet_a.scope():
        attribution = AttributionFactory(guichet=guichet_a.guichet, role="cotraitant", montant_ht=120000)
    connecte(client, guichet_a)
    page = client.get(url("entreprise", guichet_a, pk=attribution.entreprise_id)).text
    assert attribution.lot.marche.reference in page and "Co-traitant" in page and "120\u00a0000,00\u00a0€" in page


def test_a_facilitator_creates_a_company_and_a_wrong_siret_is_shown_back(client, guichet_a):
    connecte(client, guichet_a)
    data = {"raison_sociale": "Rebond Insertion", "siret": "732 829 320 00075", "type_structure": "etti"}
    response = client.post(url("entreprise_creer", guichet_a), data)
    assert response.status_code == 400 and 'value="732 829 320 00075"' in response.text
    response = client.post(url("entreprise_creer", guichet_a), {**data, "siret": "732 829 320 00074"})
    with guichet_a.scope():
        entreprise = Entreprise.objects.get(raison_sociale="Rebond Insertion")
    assert response["Location"] == url("entreprise", guichet_a, pk=entreprise.pk)


def test_a_company_member_sees_its_own_record_only(client, guichet_a):
    propre = guichet_a.membres[Role.ENTREPRISE].entreprise
    with guichet_a.scope():
        autre = EntrepriseFactory(guichet=guichet_a.guichet, raison_sociale="Concurrent")
    connecte(client, guichet_a, Role.ENTREPRISE)
    liste = client.get(url("entreprises", guichet_a)).text
    assert propre.raison_sociale in liste and "Concurrent" not in liste and "Nouvelle entreprise" not in liste
    assert client.get(url("entreprise", guichet_a, pk=autre.pk)).status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [("entreprise", "get"), ("entreprise_modifier", "post"), ("entreprise_supprimer", "post")],
)
def test_pages_with_an_id_of_another_guichet_are_404(client, deux_guichets, name, method):
    a, b = deux_guichets
    with b.scope():
        entreprise = EntrepriseFactory(guichet=b.guichet)
    connecte(client, a, Role.ADMIN)
    response = getattr(client, method)(url(name, a, pk=entreprise.pk), {"raison_sociale": "Piraté"})
    assert response.status_code == 404
    with b.scope():
        assert Entreprise.objects.get(pk=entreprise.pk).raison_sociale != "Piraté"
