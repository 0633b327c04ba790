from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conventions.models import Convention, DocumentEvenement, Evenement
from guichet.enums import Role

from ..clients import connecte, url
from ..factories import (
    AchatPrevuFactory,
    AcheteurFactory,
    ContactFactory,
    ConventionFactory,
    DocumentEvenementFactory,
    EvenementFactory,
)


def formulaire(acheteur, **data):
    return {
        "acheteur": acheteur.pk,
        "reference": "CONV-2026-01",
        "objet": "Partenariat clauses sociales",
        "statut": "signee",
        "date_debut": "2026-01-01",
        "date_fin": "2028-12-31",
        "date_signature": "2025-12-15",
        "signataire_guichet": "Mme la présidente",
        "signataire_acheteur": "M. le maire",
        "reconduction_tacite": "on",
        "duree_reconduction_mois": "12",
        "services": ["calibrage", "suivi_execution"],
        "participation_mode": "forfait_annuel",
        "participation_montant": "5000",
        "engagements_guichet": "Calibrer les clauses.",
        "engagements_acheteur": "Associer le facilitateur.",
        "clause_confidentialite": "Les parties s'engagent…",
        "frequence_copil": "semestrielle",
        "partenaire_national": "ugap",
        "convention_nationale": "AVE – UGAP 2022",
        **data,
    }


def test_a_facilitator_creates_a_convention_with_its_signed_document(client, guichet_a):
    acheteur = guichet_a.membres[Role.ACHETEUR].acheteur
    connecte(client, guichet_a)
    assert 'enctype="multipart/form-data"' in client.get(url("convention_creer", guichet_a)).text
    document = SimpleUploadedFile("convention.pdf", b"%PDF-1.4 signee", content_type="application/pdf")
    response = client.post(url("convention_creer", guichet_a), formulaire(acheteur, document=document))
    with guichet_a.scope():
        convention = Convention.objects.get()
    assert response.status_code == 302 and response["Location"] == url("convention", guichet_a, pk=convention.pk)
    assert convention.services == ["calibrage", "suivi_execution"] and convention.partenaire_national == "ugap"
    text = client.get(url("convention", guichet_a, pk=convention.pk)).text
    for attendu in [
        "CONV-2026-01",
        "Signée",
        "Calibrage du volet social",
        "Forfait annuel : 5\u00a0000,00\u00a0€",
        "UGAP",
    ]:
        assert attendu in text, attendu
    assert url("convention_document", guichet_a, pk=convention.pk) in text
    assert "CONV-2026-01" in client.get(url("acheteur", guichet_a, pk=acheteur.pk)).text


def test_errors_of_the_service_come_back_on_the_form_and_nothing_is_written(client, guichet_a):
    acheteur = guichet_a.membres[Role.ACHETEUR].acheteur
    connecte(client, guichet_a)
    data = formulaire(acheteur, date_fin="2025-01-01", participation_montant="")
    response = client.post(url("convention_creer", guichet_a), data)
    assert response.status_code == 400
    assert "La date de fin doit suivre la date de début." in response.text
    assert "Indiquez le montant de la participation financière." in response.text
    with guichet_a.scope():
        assert not Convention.objects.exists()


def test_the_new_convention_form_starts_from_the_buyer_of_the_page(client, guichet_a):
    acheteur = guichet_a.membres[Role.ACHETEUR].acheteur
    connecte(client, guichet_a)
    text = client.get(url("convention_creer", guichet_a), {"acheteur": acheteur.pk}).text
    assert f'<option value="{acheteur.pk}" selected>' in text


def test_the_list_filters_on_the_derived_status(client, guichet_a):
    hier = timezone.localdate() - timedelta(days=1)
    with guichet_a.scope():
        ConventionFactory(
            guichet=guichet_a.guichet, reference="FINIE", signee=True, date_debut=date(2020, 1, 1), date_fin=hier
        )
        ConventionFactory(guichet=guichet_a.guichet, reference="EN-COURS", signee=True, services=["sourcing"])
    connecte(client, guichet_a, Role.LECTEUR)
    text = client.get(url("conventions", guichet_a), {"statut": "expiree"}).text
    assert "FINIE" in text and "EN-COURS" not in text and "Expirée" in text
    text = client.get(url("conventions", guichet_a), {"service": "sourcing"}).text
    assert "FINIE" not in text and "EN-COURS" in text


def test_the_animation_page_shows_upcoming_events_first_then_past_ones(client, guichet_a):
    aujourdhui = timezone.localdate()
    with guichet_a.scope():
        for titre, jours in [
            ("Passé ancien", -60),
            ("Passé récent", -5),
            ("À venir lointain", 40),
            ("À venir proche", 3),
        ]:
            EvenementFactory(guichet=guichet_a.guichet, titre=titre, date=aujourdhui + timedelta(days=jours))
    connecte(client, guichet_a, Role.LECTEUR)
    text = client.get(url("animation", guichet_a)).text
    positions = [text.index(t) for t in ["À venir proche", "À venir lointain", "Passé récent", "Passé ancien"]]
    assert positions == sorted(positions)
    text = client.get(url("animation", guichet_a), {"type": "comite_pilotage"}).text
    assert "Passé récent" not in text


def test_a_facilitator_records_an_event_and_its_minutes_documents(client, guichet_a):
    with guichet_a.scope():
        un, deux = AcheteurFactory(guichet=guichet_a.guichet), AcheteurFactory(guichet=guichet_a.guichet)
    connecte(client, guichet_a)
    data = {
        "type": "club_acheteurs",
        "titre": "Club des acheteurs",
        "date": "2026-05-12",
        "acheteurs": [un.pk, deux.pk],
        "compte_rendu": "Échanges sur les marchés réservés.",
    }
    response = client.post(url("evenement_creer", guichet_a), data)
    with guichet_a.scope():
        evenement = Evenement.objects.get()
    assert response["Location"] == url("evenement", guichet_a, pk=evenement.pk)
    refuse = SimpleUploadedFile("page.html", b"<script>", content_type="text/html")
    response = client.post(url("evenement_document_ajouter", guichet_a, pk=evenement.pk), {"fichier": refuse})
    assert response.status_code == 400 and "Format « html » refusé." in response.text
    fichier = SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4 cr", content_type="application/pdf")
    response = client.post(url("evenement_document_ajouter", guichet_a, pk=evenement.pk), {"fichier": fichier})
    assert response.status_code == 302
    with guichet_a.scope():
        document = DocumentEvenement.objects.get()
    text = client.get(url("evenement", guichet_a, pk=evenement.pk)).text
    assert "compte-rendu.pdf" in text and "Échanges sur les marchés réservés." in text and un.nom in text
    assert "Club des acheteurs" in client.get(url("acheteur", guichet_a, pk=deux.pk)).text
    download = client.get(url("evenement_document", guichet_a, pk=document.pk))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 cr"


# --- Foreign ids --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "objet", "method"),
    [
        ("convention", "convention", "get"),
        ("convention_document", "convention", "get"),
        ("convention_modifier", "convention", "post"),
        ("convention_supprimer", "convention", "post"),
        ("evenement", "evenement", "get"),
        ("evenement_modifier", "evenement", "post"),
        ("evenement_supprimer", "evenement", "post"),
        ("evenement_document_ajouter", "evenement", "post"),
        ("evenement_document", "document", "get"),
        ("evenement_document_supprimer", "document", "post"),
    ],
)
def test_pages_with_an_id_of_another_guichet_are_404(client, deux_guichets, name, objet, method):
    a, b = deux_guichets
    with b.scope():
        document = DocumentEvenementFactory(guichet=b.guichet)
        convention = ConventionFactory(guichet=b.guichet, avec_document=True)
    objets = {"convention": convention, "evenement": document.evenement, "document": document}
    connecte(client, a, Role.ADMIN)
    data = {"reference": "PIRATE", "titre": "Piraté", "fichier": SimpleUploadedFile("x.pdf", b"x")}
    response = getattr(client, method)(url(name, a, pk=objets[objet].pk), data)
    assert response.status_code == 404
    with b.scope():
        assert Convention.objects.get().reference != "PIRATE" and Evenement.objects.get().titre != "Piraté"
        assert DocumentEvenement.objects.count() == 1


@pytest.mark.parametrize(
    "name",
    [
        "conventions",
        "animation",
        "api:convention-list",
        "api:evenement-list",
        "api:acheteur-list",
        "api:programmation-list",
        "api:achat-prevu-list",
    ],
)
def test_lists_answer_in_a_constant_number_of_queries(
    client, sans_cache, guichet_a, django_assert_max_num_queries, name
):
    def peupler(n):
        with guichet_a.scope():
            for _ in range(n):
                acheteur = AcheteurFactory(guichet=guichet_a.guichet)
                ContactFactory(guichet=guichet_a.guichet, acheteur=acheteur)
                ConventionFactory(guichet=guichet_a.guichet, acheteur=acheteur, avec_document=True)
                AchatPrevuFactory(guichet=guichet_a.guichet, programmation__acheteur=acheteur)
                DocumentEvenementFactory(guichet=guichet_a.guichet, evenement__acheteurs=[acheteur])

    peupler(1)
    connecte(client, guichet_a, Role.ADMIN)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(name, guichet_a)).status_code == 200
    peupler(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(name, guichet_a)).status_code == 200
