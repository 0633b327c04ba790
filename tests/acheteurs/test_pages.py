import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acheteurs.models import AchatPrevu, Acheteur, Contact, Programmation
from guichet.enums import Role
from guichet.models import JournalAudit

from ..clients import connecte, url
from ..factories import (
    AchatPrevuFactory,
    AcheteurFactory,
    ContactFactory,
    ConventionFactory,
    EvenementFactory,
    ProgrammationFactory,
)


def test_list_searches_by_name_siret_or_town_and_hides_archived_buyers(client, guichet_a):
    with guichet_a.scope():
        AcheteurFactory(guichet=guichet_a.guichet, nom="Ville de Lens", commune="Lens", siret="73282932000074")
        AcheteurFactory(guichet=guichet_a.guichet, nom="Habitat du Nord", type="bailleur_social", commune="Lille")
        AcheteurFactory(guichet=guichet_a.guichet, nom="Ancien syndicat", archive=True)
    connecte(client, guichet_a)
    liste = url("acheteurs", guichet_a)
    assert "Ville de Lens" in client.get(liste, {"q": "lens"}).text
    assert "Habitat du Nord" not in client.get(liste, {"q": "732 829"}).text
    assert "Ville de Lens" in client.get(liste, {"q": "732 829"}).text
    text = client.get(liste, {"type": "bailleur_social"}).text
    assert "Habitat du Nord" in text and "Ville de Lens" not in text
    assert "Ancien syndicat" not in client.get(liste).text
    assert "Ancien syndicat" in client.get(liste, {"archive": "true"}).text
    assert "Ancien syndicat" in client.get(liste, {"archive": ""}).text


def test_htmx_asks_for_the_results_only(client, guichet_a):
    connecte(client, guichet_a)
    response = client.get(url("acheteurs", guichet_a), {"q": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.text and "acheteur" in response.text


def test_a_buyer_member_lists_and_reads_only_its_own_buyer(client, guichet_a):
    with guichet_a.scope():
        autre = AcheteurFactory(guichet=guichet_a.guichet, nom="Autre acheteur")
    propre = guichet_a.membres[Role.ACHETEUR].acheteur
    connecte(client, guichet_a, Role.ACHETEUR)
    text = client.get(url("acheteurs", guichet_a)).text
    assert propre.nom in text and "Autre acheteur" not in text
    assert client.get(url("acheteur", guichet_a, pk=autre.pk)).status_code == 404
    page = client.get(url("acheteur", guichet_a, pk=propre.pk)).text
    assert "Modifier" not in page and "Ajouter un contact" not in page
    assert "Animation du partenariat" not in page  # events speak of other buyers


def test_the_buyer_page_gathers_contacts_conventions_programme_and_events(client, guichet_a):
    with guichet_a.scope():
        acheteur = AcheteurFactory(guichet=guichet_a.guichet, nom="Ville de Lens")
        ContactFactory(guichet=guichet_a.guichet, acheteur=acheteur, nom="Durand", principal=True)
        ConventionFactory(guichet=guichet_a.guichet, acheteur=acheteur, reference="CONV-LENS", signee=True)
        AchatPrevuFactory(
            guichet=guichet_a.guichet,
            programmation=ProgrammationFactory(guichet=guichet_a.guichet, acheteur=acheteur, annee=2026),
            montant_estime_ht="1234567.5",
        )
        EvenementFactory(guichet=guichet_a.guichet, titre="Comité de pilotage 2026", acheteurs=[acheteur])
        EvenementFactory(guichet=guichet_a.guichet, titre="Club sans Lens")
    connecte(client, guichet_a)
    text = client.get(url("acheteur", guichet_a, pk=acheteur.pk)).text
    for attendu in ["Durand", "Principal", "CONV-LENS", "Signée", "2026", "1\u00a0234\u00a0567,50\u00a0€"]:
        assert attendu in text, attendu
    assert "Comité de pilotage 2026" in text and "Club sans Lens" not in text


def un_de_chaque(territoire, acheteur, annee):
    with territoire.scope():
        ContactFactory(guichet=territoire.guichet, acheteur=acheteur)
        ConventionFactory(guichet=territoire.guichet, acheteur=acheteur)
        ProgrammationFactory(guichet=territoire.guichet, acheteur=acheteur, annee=annee)
        autre = AcheteurFactory(guichet=territoire.guichet)
        EvenementFactory(guichet=territoire.guichet, acheteurs=[acheteur, autre])


def test_the_buyer_page_answers_in_a_constant_number_of_queries(client, guichet_a, django_assert_max_num_queries):
    with guichet_a.scope():
        acheteur = AcheteurFactory(guichet=guichet_a.guichet)
    un_de_chaque(guichet_a, acheteur, 2020)
    connecte(client, guichet_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("acheteur", guichet_a, pk=acheteur.pk)).status_code == 200
    for annee in range(2021, 2026):
        un_de_chaque(guichet_a, acheteur, annee)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("acheteur", guichet_a, pk=acheteur.pk)).status_code == 200


def test_the_list_answers_in_a_constant_number_of_queries(client, sans_cache, guichet_a, django_assert_max_num_queries):
    connecte(client, guichet_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("acheteurs", guichet_a)).status_code == 200
    with guichet_a.scope():
        AcheteurFactory.create_batch(20, guichet=guichet_a.guichet)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("acheteurs", guichet_a)).status_code == 200


def test_creating_a_buyer_with_a_wrong_siret_shows_a_french_error_and_writes_nothing(client, guichet_a):
    connecte(client, guichet_a)
    data = {"nom": "Ville de Lens", "type": "commune", "siret": "732 829 320 00075", "mutualisation_autorisee": "on"}
    response = client.post(url("acheteur_creer", guichet_a), data)
    assert response.status_code == 400
    assert "Ce numéro SIRET n&#x27;est pas valide" in response.text
    assert 'value="732 829 320 00075"' in response.text  # shown back as typed
    with guichet_a.scope():
        assert not Acheteur.objects.filter(nom="Ville de Lens").exists()


def test_a_facilitator_creates_a_buyer_then_archives_it(client, guichet_a):
    connecte(client, guichet_a)
    data = {"nom": "Ville de Lens", "type": "commune", "siret": "732 829 320 00074", "code_postal": "62300"}
    response = client.post(url("acheteur_creer", guichet_a), data)
    with guichet_a.scope():
        acheteur = Acheteur.objects.get(nom="Ville de Lens")
    assert response.status_code == 302 and response["Location"] == url("acheteur", guichet_a, pk=acheteur.pk)
    assert acheteur.siret == "73282932000074" and not acheteur.mutualisation_autorisee  # unchecked box
    client.post(url("acheteur_archivage", guichet_a, pk=acheteur.pk), {"archive": "1"})
    with guichet_a.scope():
        assert Acheteur.objects.get(pk=acheteur.pk).archive
        assert JournalAudit.objects.filter(action__in=["acheteur.create", "acheteur.archive"]).count() == 2


def test_contacts_programme_and_planned_purchases_are_managed_from_the_pages(client, guichet_a):
    with guichet_a.scope():
        acheteur = AcheteurFactory(guichet=guichet_a.guichet)
    connecte(client, guichet_a)
    contact = {"nom": "Durand", "prenom": "Claire", "role": "referent_clause", "email": "c.durand@lens.fr"}
    assert client.post(url("contact_creer", guichet_a, pk=acheteur.pk), contact).status_code == 302
    response = client.post(url("programmation_creer", guichet_a, pk=acheteur.pk), {"annee": "2026"})
    with guichet_a.scope():
        programmation = Programmation.objects.get(acheteur=acheteur)
    assert response["Location"] == url("programmation", guichet_a, pk=programmation.pk)
    achat = {
        "objet": "Rénovation de l'école",
        "montant_estime_ht": "850000",
        "date_prevue": "2026-09-01",
        "secteur": "btp_second_oeuvre",
        "consideration_possible": "oui",
        "consideration_conseillee": "clause_heures",
    }
    assert client.post(url("achat_prevu_creer", guichet_a, pk=programmation.pk), achat).status_code == 302
    text = client.get(url("programmation", guichet_a, pk=programmation.pk)).text
    assert "Rénovation de l&#x27;école" in text and "850\u00a0000,00\u00a0€" in text and "01/09/2026" in text
    with guichet_a.scope():
        assert Contact.objects.get(acheteur=acheteur).email == "c.durand@lens.fr"
        achat = AchatPrevu.objects.get()
    assert client.post(url("achat_prevu_supprimer", guichet_a, pk=achat.pk)).status_code == 302
    with guichet_a.scope():
        assert not AchatPrevu.objects.exists()


def test_a_second_programme_for_the_same_year_is_refused_on_the_form(client, guichet_a):
    with guichet_a.scope():
        programmation = ProgrammationFactory(guichet=guichet_a.guichet, annee=2026)
    connecte(client, guichet_a)
    response = client.post(url("programmation_creer", guichet_a, pk=programmation.acheteur_id), {"annee": "2026"})
    assert response.status_code == 400
    assert "Cet acheteur a déjà une programmation pour cette année." in response.text


# --- Foreign ids: another guichet's object is 404 and stays as it was ----------------------------------


def _objets_de_b(b):
    with b.scope():
        achat = AchatPrevuFactory(guichet=b.guichet)
        contact = ContactFactory(guichet=b.guichet, acheteur=achat.programmation.acheteur)
    return {
        "acheteur": achat.programmation.acheteur,
        "contact": contact,
        "programmation": achat.programmation,
        "achat": achat,
    }


@pytest.mark.parametrize(
    ("name", "objet", "method"),
    [
        ("acheteur", "acheteur", "get"),
        ("acheteur_modifier", "acheteur", "get"),
        ("acheteur_modifier", "acheteur", "post"),
        ("acheteur_archivage", "acheteur", "post"),
        ("contact_creer", "acheteur", "post"),
        ("contact_modifier", "contact", "post"),
        ("contact_supprimer", "contact", "post"),
        ("programmation_creer", "acheteur", "post"),
        ("programmation", "programmation", "get"),
        ("programmation_modifier", "programmation", "post"),
        ("programmation_supprimer", "programmation", "post"),
        ("achat_prevu_creer", "programmation", "post"),
        ("achat_prevu_modifier", "achat", "post"),
        ("achat_prevu_supprimer", "achat", "post"),
    ],
)
def test_pages_with_an_id_of_another_guichet_are_404(client, deux_guichets, name, objet, method):
    a, b = deux_guichets
    objets = _objets_de_b(b)
    connecte(client, a, Role.ADMIN)
    data = {"nom": "Piraté", "type": "commune", "annee": "2030", "objet": "Piraté", "archive": "1"}
    response = getattr(client, method)(url(name, a, pk=objets[objet].pk), data)
    assert response.status_code == 404
    with b.scope():
        assert Acheteur.objects.get(pk=objets["acheteur"].pk).nom != "Piraté"
        assert not Acheteur.objects.get(pk=objets["acheteur"].pk).archive
        assert Contact.objects.count() == 1 and AchatPrevu.objects.get().objet != "Piraté"
        assert Programmation.objects.get().annee == 2026
