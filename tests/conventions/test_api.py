from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conventions.models import Convention, DocumentEvenement, Evenement
from guichet.enums import Role

from ..clients import api, url
from ..factories import AcheteurFactory, ConventionFactory, DocumentEvenementFactory, EvenementFactory


def pdf(nom="convention.pdf", contenu=b"%PDF-1.4 signee"):
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


def test_a_convention_is_created_in_json_with_the_fields_of_the_contract(guichet_a):
    acheteur = guichet_a.membres[Role.ACHETEUR].acheteur
    data = {
        "acheteur": acheteur.pk,
        "reference": "CONV-2026-01",
        "date_debut": "2026-01-01",
        "date_fin": "2028-12-31",
        "reconduction_tacite": True,
        "statut": "signee",
        "services": ["analyse_programmation", "suivi_execution"],
        "participation_mode": "par_heure",
        "participation_montant": "1.50",
    }
    response = api(guichet_a.membres[Role.FACILITATEUR]).post(
        url("api:convention-list", guichet_a), data, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {k: body[k] for k in data} == data
    assert body["acheteur_nom"] == acheteur.nom and body["document"] is None and body["reconductions"] == 0


def test_the_status_reads_expiree_once_the_end_has_passed_and_is_never_written(guichet_a):
    hier = timezone.localdate() - timedelta(days=1)
    with guichet_a.scope():
        finie = ConventionFactory(
            guichet=guichet_a.guichet, signee=True, date_debut=hier - timedelta(days=700), date_fin=hier
        )
        ConventionFactory(guichet=guichet_a.guichet, signee=True)
    client = api(guichet_a.membres[Role.ADMIN])
    assert client.get(url("api:convention-detail", guichet_a, pk=finie.pk)).json()["statut"] == "expiree"
    body = client.get(url("api:convention-list", guichet_a), {"statut": "expiree"}).json()
    assert [c["id"] for c in body["results"]] == [finie.pk]
    response = client.patch(url("api:convention-detail", guichet_a, pk=finie.pk), {"statut": "expiree"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "statut": [
            "« expiree » n'est pas un statut possible : projet, signee ou resiliee (expiree découle de date_fin)."
        ]
    }
    response = client.patch(url("api:convention-detail", guichet_a, pk=finie.pk), {"statut": "resiliee"}, format="json")
    assert response.json()["statut"] == "resiliee"


def test_the_signed_document_is_uploaded_as_multipart_and_read_through_the_api(guichet_a):
    acheteur = guichet_a.membres[Role.ACHETEUR].acheteur
    client = api(guichet_a.membres[Role.FACILITATEUR])
    data = {
        "acheteur": acheteur.pk,
        "reference": "CONV-DOC",
        "date_debut": "2026-01-01",
        "date_fin": "2028-12-31",
        "services": ["sourcing", "calibrage"],
        "document": pdf(),
    }
    response = client.post(url("api:convention-list", guichet_a), data, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    lien = url("api:convention-document", guichet_a, pk=body["id"])
    assert body["document"] == "http://testserver" + lien and body["services"] == ["sourcing", "calibrage"]
    download = api(guichet_a.membres[Role.ACHETEUR]).get(lien)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 signee"
    assert download["Content-Disposition"] == 'attachment; filename="convention.pdf"'
    response = client.patch(url("api:convention-detail", guichet_a, pk=body["id"]), {"document": None}, format="json")
    assert response.json()["document"] is None
    assert client.get(lien).status_code == 404


def test_an_event_with_its_buyers_and_documents_through_the_api(guichet_a):
    with guichet_a.scope():
        un, deux = AcheteurFactory(guichet=guichet_a.guichet), AcheteurFactory(guichet=guichet_a.guichet)
    client = api(guichet_a.membres[Role.FACILITATEUR])
    data = {"type": "comite_pilotage", "titre": "Copil", "date": "2026-06-15", "acheteurs": [un.pk, deux.pk]}
    response = client.post(url("api:evenement-list", guichet_a), data, format="json")
    assert response.status_code == 201, response.json()
    evenement = response.json()
    assert sorted(evenement["acheteurs"]) == sorted([un.pk, deux.pk]) and evenement["documents"] == []
    response = client.post(
        url("api:evenement-documents", guichet_a, pk=evenement["id"]),
        {"fichier": pdf("cr.pdf", b"%PDF-1.4 cr"), "titre": "Compte rendu"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    document = response.json()
    assert document["titre"] == "Compte rendu" and document["nom_fichier"] == "cr.pdf"
    assert b"".join(client.get(document["fichier"]).streaming_content) == b"%PDF-1.4 cr"
    assert client.get(url("api:evenement-list", guichet_a), {"acheteur": un.pk}).json()["count"] == 1
    assert client.get(url("api:evenement-list", guichet_a), {"type": "club_acheteurs"}).json()["count"] == 0
    assert client.get(url("api:evenement-list", guichet_a), {"annee": 2026}).json()["count"] == 1
    assert client.delete(document["fichier"]).status_code == 204
    with guichet_a.scope():
        assert not DocumentEvenement.objects.exists()


def test_a_wrong_document_is_400_in_french(guichet_a):
    with guichet_a.scope():
        evenement = EvenementFactory(guichet=guichet_a.guichet)
    response = api(guichet_a.membres[Role.ADMIN]).post(
        url("api:evenement-documents", guichet_a, pk=evenement.pk), {"fichier": pdf("x.svg")}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["fichier"][0].startswith("Format « svg » refusé.")


def test_a_buyer_member_reads_its_conventions_and_no_event(guichet_a):
    propre = guichet_a.membres[Role.ACHETEUR].acheteur
    with guichet_a.scope():
        ConventionFactory(guichet=guichet_a.guichet, acheteur=propre)
        ConventionFactory(guichet=guichet_a.guichet)
    client = api(guichet_a.membres[Role.ACHETEUR])
    assert [c["acheteur"] for c in client.get(url("api:convention-list", guichet_a)).json()["results"]] == [propre.pk]
    assert client.get(url("api:evenement-list", guichet_a)).status_code == 403


# --- Foreign ids --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("api:convention-detail", "get"),
        ("api:convention-detail", "patch"),
        ("api:convention-detail", "delete"),
        ("api:convention-document", "get"),
        ("api:evenement-detail", "get"),
        ("api:evenement-detail", "patch"),
        ("api:evenement-detail", "delete"),
        ("api:evenement-documents", "post"),
        ("api:evenement-document", "get"),
        ("api:evenement-document", "delete"),
    ],
)
def test_an_object_of_another_guichet_is_404_in_the_api(deux_guichets, name, method):
    a, b = deux_guichets
    with b.scope():
        document = DocumentEvenementFactory(guichet=b.guichet)
        convention = ConventionFactory(guichet=b.guichet, avec_document=True)
    pk = convention.pk if "convention" in name else document.evenement_id
    kwargs = {"pk": pk, "document_pk": document.pk} if name == "api:evenement-document" else {"pk": pk}
    response = getattr(api(a.membres[Role.ADMIN]), method)(url(name, a, **kwargs), {"reference": "PIRATE"})
    assert response.status_code == 404
    with b.scope():
        assert Convention.objects.get().reference != "PIRATE" and Evenement.objects.count() == 1
        assert DocumentEvenement.objects.count() == 1 and default_storage.exists(convention.document.name)


def test_a_document_of_another_event_is_404(guichet_a):
    with guichet_a.scope():
        document = DocumentEvenementFactory(guichet=guichet_a.guichet)
        autre = EvenementFactory(guichet=guichet_a.guichet)
    response = api(guichet_a.membres[Role.ADMIN]).get(
        url("api:evenement-document", guichet_a, pk=autre.pk, document_pk=document.pk)
    )
    assert response.status_code == 404


def test_a_buyer_of_another_guichet_is_an_invalid_choice(deux_guichets):
    a, b = deux_guichets
    with b.scope():
        acheteur_b = AcheteurFactory(guichet=b.guichet)
    client = api(a.membres[Role.ADMIN])
    response = client.post(
        url("api:convention-list", a),
        {"acheteur": acheteur_b.pk, "reference": "X", "date_debut": "2026-01-01", "date_fin": "2027-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "n'existe pas" in response.json()["acheteur"][0]
    response = client.post(
        url("api:evenement-list", a),
        {"type": "after_work", "titre": "X", "date": "2026-01-01", "acheteurs": [acheteur_b.pk]},
        format="json",
    )
    assert response.status_code == 400 and "n'existe pas" in str(response.json()["acheteurs"])


def test_the_schema_documents_the_new_resources(client):
    text = client.get("/api/v1/schema/").content.decode()
    for path in ["acheteurs/", "contacts/", "programmations/", "achats-prevus/", "conventions/", "evenements/"]:
        assert f"/api/v1/guichets/{{guichet_slug}}/{path}" in text, path
