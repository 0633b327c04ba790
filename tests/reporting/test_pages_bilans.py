"""Pages of the bilans and exports: ask, follow the progress (htmx), download, regenerate; the guichet's logo on
the cover. The first pages of each bilan are rendered to PNG in ``artifacts/bilans/`` to be looked at."""

import base64
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.enums import Role
from guichet.models import Parametres
from reporting import bilans
from reporting.models import Bilan, Export

from ..clients import connecte, url
from ..conftest import outil_manquant
from ..factories import AttributionFactory, BilanFactory, EvenementFactory, SuiviLotFactory
from .jeux import territoire_calcule

ARTEFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "bilans"
# A 1×1 blue PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_a_facilitator_asks_for_a_bilan_and_follows_it(client, guichet_a, django_capture_on_commit_callbacks):
    connecte(client, guichet_a)
    page = client.get(url("bilans", guichet_a))
    assert page.status_code == 200 and 'name="type"' in page.text and "Aucun document pour le moment." in page.text
    reponse = client.post(url("bilans", guichet_a), {"type": "copil", "annee": "2026"})
    assert reponse.status_code == 302 and reponse["Location"] == url("bilans", guichet_a)
    with guichet_a.scope():
        bilan = Bilan.objects.get()
    # Not produced yet (the task leaves on commit): the list polls itself.
    fragment = client.get(url("bilans", guichet_a), headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in fragment.text and "<progress" in fragment.text and "<h1>" not in fragment.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("bilan_regenerer", guichet_a, pk=bilan.pk))
    fragment = client.get(url("bilans", guichet_a), headers={"HX-Request": "true"})
    assert "every 2s" not in fragment.text and url("bilan_telecharger", guichet_a, pk=bilan.pk) in fragment.text
    pdf = client.get(url("bilan_telecharger", guichet_a, pk=bilan.pk))
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_a_bilan_missing_its_object_is_refused_on_the_page_and_nothing_is_written(client, guichet_a):
    connecte(client, guichet_a)
    reponse = client.post(url("bilans", guichet_a), {"type": "marche", "annee": "2026"})
    assert reponse.status_code == 400 and "Choisissez le marché." in reponse.text
    with guichet_a.scope():
        assert not Bilan.objects.exists()


def test_a_buyer_member_lists_its_bilans_and_cannot_ask_for_one(client, guichet_a):
    acheteur = guichet_a.membres[Role.ACHETEUR].acheteur
    with guichet_a.scope():
        sien = BilanFactory(guichet=guichet_a.guichet, type="acheteur", acheteur=acheteur, titre="Le bilan du sien")
        BilanFactory(guichet=guichet_a.guichet, titre="Le bilan du copil")
    connecte(client, guichet_a, Role.ACHETEUR)
    page = client.get(url("bilans", guichet_a))
    assert sien.titre in page.text and "Le bilan du copil" not in page.text and 'name="type"' not in page.text
    assert client.post(url("bilans", guichet_a), {"type": "copil", "annee": "2026"}).status_code == 403


def test_a_facilitator_asks_for_an_export(client, guichet_a, django_capture_on_commit_callbacks):
    connecte(client, guichet_a)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("exports", guichet_a), {"type": "decp", "annee": "2026", "format": "csv"})
    assert reponse.status_code == 302
    with guichet_a.scope():
        export = Export.objects.get()
        assert export.statut == "termine" and export.fichier.name.endswith(".csv")
    fichier = client.get(url("export_telecharger", guichet_a, pk=export.pk))
    assert b"".join(fichier.streaming_content).startswith(b"\xef\xbb\xbfid;acheteur.id;")


def test_the_logo_goes_on_the_cover(client, guichet_a, django_capture_on_commit_callbacks):
    connecte(client, guichet_a, Role.ADMIN)
    refus = client.post(url("parametres_logo", guichet_a), {"logo": SimpleUploadedFile("logo.png", b"<svg/>")})
    assert refus.status_code == 400 and "Le logo doit être une image PNG ou JPEG." in refus.text
    reponse = client.post(url("parametres_logo", guichet_a), {"logo": SimpleUploadedFile("logo.png", PNG)})
    assert reponse.status_code == 302
    with guichet_a.scope():
        parametres = Parametres.objects.get(guichet=guichet_a.guichet)
        html = bilans.html(BilanFactory(guichet=guichet_a.guichet))
    assert f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"' in html
    chemin = parametres.logo.path
    with django_capture_on_commit_callbacks(execute=True):  # the file is deleted once the change is committed
        client.post(url("parametres_logo", guichet_a), {"supprimer": "on"})
    with guichet_a.scope():
        assert not Parametres.objects.get(guichet=guichet_a.guichet).logo
    assert not os.path.exists(chemin)


def test_the_first_pages_of_each_bilan_render_to_png(guichet_a):
    """Look at them in ``artifacts/bilans/`` (CI keeps them). Needs ``pdftoppm`` (Debian ``poppler-utils``)."""
    if shutil.which("pdftoppm") is None:
        outil_manquant("pdftoppm manque : paquet Debian poppler-utils (.ci/run l'installe).")
    t = territoire_calcule(guichet_a)
    g = guichet_a.guichet
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    with guichet_a.scope():
        Parametres.objects.filter(guichet=g).update(seuil_petits_effectifs=1)
        SuiviLotFactory(guichet=g, lot=t.l1, heures_dues=640, heures_realisees=220, statut_risque="orange")
        AttributionFactory(guichet=g, lot=t.l1, entreprise=t.e1)
        EvenementFactory(guichet=g, date=date(2026, 5, 3))
        demandes = {
            "copil": {},
            "acheteur": {"acheteur": t.v},
            "marche": {"marche": t.m1},
            "attestation_entreprise": {"entreprise": t.e1, "lot": t.l1},
        }
        for type, objets in demandes.items():
            bilan = BilanFactory(guichet=g, type=type, titre=f"Bilan {type}", **objets)
            pdf = bilans.produire(bilan).getvalue()
            prefixe = ARTEFACTS / type
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-l", "4", "-", str(prefixe)], input=pdf, check=True)
            assert sorted(ARTEFACTS.glob(f"{type}-*.png")), type


# --- From the marché's and the lot's pages --------------------------------------------------------------------------


def test_the_marche_page_produces_its_end_of_marche_bilan(client, guichet_a, django_capture_on_commit_callbacks):
    t = territoire_calcule(guichet_a)
    page = connecte(client, guichet_a).get(url("marche", guichet_a, pk=t.m1.pk))
    assert "Produire le bilan de fin de marché" in page.text and "Aucun bilan de fin de marché produit" in page.text
    assert f'name="marche" value="{t.m1.pk}"' in page.text
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("bilans", guichet_a), {"type": "marche", "marche": t.m1.pk, "annee": "2026"})
    assert reponse.status_code == 302 and reponse["Location"] == url("bilans", guichet_a)
    with guichet_a.scope():
        bilan = Bilan.objects.get()
    assert (bilan.type, bilan.marche_id, bilan.statut) == ("marche", t.m1.pk, "termine")
    page = client.get(url("marche", guichet_a, pk=t.m1.pk))
    assert url("bilan_telecharger", guichet_a, pk=bilan.pk) in page.text and "prêt" in page.text
    # The buyer of the marché reads it there, without the button.
    with guichet_a.scope():
        acheteur = guichet_a.membres[Role.ACHETEUR]
        acheteur.acheteur = t.v
        acheteur.save()
    page = connecte(client, guichet_a, Role.ACHETEUR).get(url("marche", guichet_a, pk=t.m1.pk))
    assert url("bilan_telecharger", guichet_a, pk=bilan.pk) in page.text
    assert "Produire le bilan de fin de marché" not in page.text


def test_the_lot_page_produces_the_attestation_of_each_company_that_owes_its_hours(
    client, guichet_a, django_capture_on_commit_callbacks
):
    t = territoire_calcule(guichet_a)
    g = guichet_a.guichet
    with guichet_a.scope():
        AttributionFactory(guichet=g, lot=t.l1, entreprise=t.e1, role="titulaire")
        AttributionFactory(guichet=g, lot=t.l1, entreprise=t.e3, role="cotraitant")
        AttributionFactory(guichet=g, lot=t.l1, entreprise=t.e2, role="sous_traitant")
    page = connecte(client, guichet_a).get(url("lot", guichet_a, pk=t.l1.pk))
    for entreprise, bouton in ((t.e1, True), (t.e3, True), (t.e2, False)):
        assert (f"Produire l'attestation de {entreprise.raison_sociale}" in page.text) is bouton
    with django_capture_on_commit_callbacks(execute=True):
        donnees = {"type": "attestation_entreprise", "entreprise": t.e3.pk, "lot": t.l1.pk, "annee": "2026"}
        assert client.post(url("bilans", guichet_a), donnees).status_code == 302
    with guichet_a.scope():
        attestation = Bilan.objects.get()
    assert (attestation.entreprise_id, attestation.lot_id, attestation.statut) == (t.e3.pk, t.l1.pk, "termine")
    assert url("bilan_telecharger", guichet_a, pk=attestation.pk) in client.get(url("lot", guichet_a, pk=t.l1.pk)).text
    # A sous-traitant owes nothing: refused in French, nothing written.
    donnees = {"type": "attestation_entreprise", "entreprise": t.e2.pk, "lot": t.l1.pk, "annee": "2026"}
    reponse = client.post(url("bilans", guichet_a), donnees)
    assert reponse.status_code == 400 and "ni titulaire ni co-traitante" in reponse.text
    with guichet_a.scope():
        assert Bilan.objects.count() == 1


@pytest.mark.parametrize("role", [Role.LECTEUR, Role.ACHETEUR, Role.ENTREPRISE])
def test_roles_that_may_not_produce_bilans_see_no_button(client, guichet_a, role):
    t = territoire_calcule(guichet_a)
    with guichet_a.scope():
        membre = guichet_a.membres[role]
        if role == Role.ACHETEUR:
            membre.acheteur = t.v
        if role == Role.ENTREPRISE:
            membre.entreprise = t.e1
        membre.save()
        AttributionFactory(guichet=guichet_a.guichet, lot=t.l1, entreprise=t.e1, role="titulaire")
    connecte(client, guichet_a, role)
    for page in (url("marche", guichet_a, pk=t.m1.pk), url("lot", guichet_a, pk=t.l1.pk)):
        reponse = client.get(page)
        assert reponse.status_code == 200 and "Produire" not in reponse.text


def test_a_bilan_of_a_marche_or_lot_of_another_guichet_is_refused(client, deux_guichets):
    a, b = deux_guichets
    tb = territoire_calcule(b)
    with b.scope():
        AttributionFactory(guichet=b.guichet, lot=tb.l1, entreprise=tb.e1, role="titulaire")
    connecte(client, a)
    assert client.get(url("marche", a, pk=tb.m1.pk)).status_code == 404
    assert client.get(url("lot", a, pk=tb.l1.pk)).status_code == 404
    for donnees in (
        {"type": "marche", "marche": tb.m1.pk, "annee": "2026"},
        {"type": "attestation_entreprise", "entreprise": tb.e1.pk, "lot": tb.l1.pk, "annee": "2026"},
    ):
        assert client.post(url("bilans", a), donnees).status_code == 400
    with a.scope():
        assert not Bilan.objects.exists()
    with b.scope():
        assert not Bilan.objects.exists()
