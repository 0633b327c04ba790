"""Signed conventions and event documents are private: stored outside any public URL, served only by the
views that check the member's right to the convention or the event."""

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from guichet.enums import Role

from ..clients import api, url
from ..factories import ConventionFactory, DocumentEvenementFactory


@pytest.fixture
def convention(guichet_a):
    with guichet_a.scope():
        return ConventionFactory(
            guichet=guichet_a.guichet, acheteur=guichet_a.membres[Role.ACHETEUR].acheteur, avec_document=True
        )


def test_documents_are_stored_outside_static_files_and_never_shown_by_their_path(client, guichet_a, convention):
    chemin = default_storage.path(convention.document.name)
    assert not chemin.startswith(str(settings.STATIC_ROOT)) and not chemin.startswith(str(settings.BASE_DIR / "static"))
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    assert client.get("/" + convention.document.name).status_code == 404
    assert convention.document.name not in client.get(url("convention", guichet_a, pk=convention.pk)).text
    body = api(guichet_a.membres[Role.ADMIN]).get(url("api:convention-detail", guichet_a, pk=convention.pk)).text
    assert convention.document.name not in body


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.FACILITATEUR, 200),
        (Role.LECTEUR, 200),
        (Role.ACHETEUR, 200),  # its own buyer's convention
        (Role.ENTREPRISE, 403),
    ],
)
def test_the_signed_document_is_served_to_the_members_who_may_read_the_convention(
    client, guichet_a, convention, role, status
):
    client.force_login(guichet_a.membres[role].utilisateur)
    response = client.get(url("convention_document", guichet_a, pk=convention.pk))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == 'attachment; filename="convention.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == b"%PDF-1.4 convention"


def test_another_buyer_a_deactivated_member_and_an_anonymous_visitor_get_nothing(client, guichet_a):
    with guichet_a.scope():
        autre = ConventionFactory(guichet=guichet_a.guichet, avec_document=True)
    lien = url("convention_document", guichet_a, pk=autre.pk)
    assert client.get(lien).status_code == 302
    client.force_login(guichet_a.membres[Role.ACHETEUR].utilisateur)
    assert client.get(lien).status_code == 404
    lecteur = guichet_a.membres[Role.LECTEUR]
    with guichet_a.scope():
        lecteur.actif = False
        lecteur.save()
    client.force_login(lecteur.utilisateur)
    assert client.get(lien).status_code == 404


def test_event_documents_are_for_internal_roles_only(client, guichet_a):
    with guichet_a.scope():
        document = DocumentEvenementFactory(guichet=guichet_a.guichet)
    lien = url("evenement_document", guichet_a, pk=document.pk)
    for role, status in [(Role.LECTEUR, 200), (Role.ACHETEUR, 403), (Role.ENTREPRISE, 403)]:
        client.force_login(guichet_a.membres[role].utilisateur)
        assert client.get(lien).status_code == status, role


def test_a_document_missing_from_the_volume_is_404_not_an_error(client, guichet_a, convention):
    default_storage.delete(convention.document.name)
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    assert client.get(url("convention_document", guichet_a, pk=convention.pk)).status_code == 404
