"""The relevé pages: the company's space, web entry with htmx rows and warnings as one types, import with its error
report, submission; the facilitator's queue, decisions line by line and « valider le reste »; evidence served
privately."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from entreprises.models import LigneReleve, PieceJustificative, Releve, SuiviLot
from guichet.enums import Role

from ..clients import connecte, url
from ..factories import LigneReleveFactory, ReleveFactory
from .fichiers import LEA, csv
from .releves import MARS, monde

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def m(guichet_a, guichet_b):
    monde(guichet_b)
    return monde(guichet_a)


def brouillon(m, **kwargs):
    with m.territoire.scope():
        return ReleveFactory(guichet=m.guichet, entreprise=m.entreprise, periode=MARS, **kwargs)


def ligne_saisie(m, **data):
    return {"contrat": m.contrat.pk, "date_debut": "2026-03-02", "date_fin": "2026-03-13", "heures": "35,5", **data}


def test_the_company_adds_lines_with_htmx_and_the_form_keeps_the_dates_for_the_next_one(client, m):
    releve = brouillon(m)
    connecte(client, m.territoire, Role.ENTREPRISE)
    page = client.get(url("releve", m.territoire, pk=releve.pk))
    assert page.status_code == 200 and "Ajouter une ligne" in page.content.decode()
    reponse = client.post(url("releve_ligne_creer", m.territoire, pk=releve.pk), ligne_saisie(m), **HTMX)
    contenu = reponse.content.decode()
    assert reponse.status_code == 200 and contenu.lstrip().startswith('<div id="saisie">')
    assert "Léa Martin" in contenu and "35,50\u00a0h" in contenu
    assert 'value="2026-03-02"' in contenu  # the next line starts from the same dates
    with m.territoire.scope():
        assert list(LigneReleve.objects.values_list("contrat", "heures")) == [(m.contrat.pk, 35.5)]


def test_a_wrong_line_comes_back_with_its_french_error_and_nothing_is_written(client, m):
    releve = brouillon(m)
    connecte(client, m.territoire, Role.ENTREPRISE)
    adresse = url("releve_ligne_creer", m.territoire, pk=releve.pk)
    reponse = client.post(adresse, ligne_saisie(m, date_fin="2026-04-02"), **HTMX)
    assert reponse.status_code == 200
    assert "La date doit être dans le mois du relevé (mars 2026)." in reponse.content.decode()
    reponse = client.post(adresse, ligne_saisie(m, contrat="", sous_traitant=m.structure.pk))
    assert reponse.status_code == 400
    assert "Indiquez le montant HT facturé par la structure." in reponse.content.decode()
    with m.territoire.scope():
        assert not LigneReleve.objects.exists()


def test_warnings_come_while_typing_without_blocking(client, m):
    releve = brouillon(m)
    connecte(client, m.territoire, Role.ENTREPRISE)
    saisie = ligne_saisie(m, contrat=m.contrat_non_eligible.pk, heures="400")
    reponse = client.get(url("releve_avertissements", m.territoire, pk=releve.pk), saisie, **HTMX)
    contenu = reponse.content.decode()
    assert "Hugo Petit n&#x27;avait pas d&#x27;éligibilité validée au début de son contrat" in contenu
    assert "dépassent la durée maximale du travail" in contenu
    reponse = client.get(url("releve_avertissements", m.territoire, pk=releve.pk), ligne_saisie(m), **HTMX)
    assert reponse.content.decode().strip() == ""


def test_the_company_submits_then_can_no_longer_change_its_relevé(client, m):
    releve = brouillon(m)
    with m.territoire.scope():
        LigneReleveFactory(guichet=m.guichet, releve=releve, contrat=m.contrat)
    connecte(client, m.territoire, Role.ENTREPRISE)
    reponse = client.post(url("releve_soumettre", m.territoire, pk=releve.pk), follow=True)
    assert "Relevé soumis au guichet" in reponse.content.decode()
    assert "Ajouter une ligne" not in reponse.content.decode() and "Valider le reste" not in reponse.content.decode()
    reponse = client.post(url("releve_ligne_creer", m.territoire, pk=releve.pk), ligne_saisie(m))
    assert reponse.status_code == 400
    with m.territoire.scope():
        assert Releve.objects.get().statut == "soumis" and LigneReleve.objects.count() == 1


def test_the_facilitator_rejects_a_line_with_its_reason_and_validates_the_rest(client, m):
    with m.territoire.scope():
        releve = ReleveFactory(
            guichet=m.guichet, entreprise=m.entreprise, periode=MARS, soumis=True, soumis_le=timezone.now()
        )
        bonne = LigneReleveFactory(guichet=m.guichet, releve=releve, contrat=m.contrat)
        mauvaise = LigneReleveFactory(guichet=m.guichet, releve=releve, contrat=m.contrat_non_eligible)
        ReleveFactory(
            guichet=m.guichet, entreprise=m.autre_entreprise, periode=MARS, soumis=True, soumis_le=timezone.now()
        )
    connecte(client, m.territoire)
    file = client.get(url("releves_a_valider", m.territoire))
    assert [r.entreprise for r in file.context["releves"]] == [m.entreprise, m.autre_entreprise]
    assert "Valider le reste" in client.get(url("releve", m.territoire, pk=releve.pk)).content.decode()

    decision = url("ligne_releve_decider", m.territoire, pk=mauvaise.pk)
    reponse = client.post(decision, {"rejet": "on", "motif": ""}, **HTMX)
    assert "Indiquez le motif du rejet : l&#x27;entreprise le lira." in reponse.content.decode()
    reponse = client.post(decision, {"rejet": "on", "motif": "Pas d'éligibilité"}, **HTMX)
    assert reponse.content.decode().lstrip().startswith(f'<tr id="ligne-{mauvaise.pk}">')
    assert "Rejetée" in reponse.content.decode()

    reponse = client.post(url("releve_valider", m.territoire, pk=releve.pk))
    assert reponse.url == url("releves_a_valider", m.territoire)
    with m.territoire.scope():
        releve.refresh_from_db()
        assert releve.statut == "valide"
        assert dict(LigneReleve.objects.filter(releve=releve).values_list("pk", "statut")) == {
            bonne.pk: "valide",
            mauvaise.pk: "rejete",
        }
    page = client.get(url("releve", m.territoire, pk=releve.pk)).content.decode()
    assert "Ligne rejetée : Pas d&#x27;éligibilité" in page and "Validation" in page  # the history


def test_import_shows_every_error_writes_nothing_then_imports_the_fixed_file(client, m):
    connecte(client, m.territoire, Role.ENTREPRISE)
    adresse = url("releve_importer", m.territoire)
    assert "modele/?format=xlsx" in client.get(adresse).content.decode()
    mauvais = csv(
        "Martin;Léa;02/03/1995;02/03/2026;13/03/2026;-5;;;", "Inconnue;Zoé;01/01/1990;02/03/2026;13/03/2026;7;;;"
    )
    reponse = client.post(adresse, {"entreprise": m.entreprise.pk, "periode": "2026-03", "fichier": mauvais})
    assert reponse.status_code == 400
    assert [(e["ligne"], e["colonne"]) for e in reponse.context["erreurs"]] == [(2, "heures"), (3, "nom")]
    assert "Le fichier n'a pas été importé : 2 erreurs" in reponse.content.decode()
    with m.territoire.scope():
        assert not Releve.objects.exists()
    reponse = client.post(adresse, {"entreprise": m.entreprise.pk, "periode": "2026-03", "fichier": csv(LEA)})
    with m.territoire.scope():
        releve = Releve.objects.get()
    assert reponse.url == url("releve", m.territoire, pk=releve.pk)


def test_the_company_space_says_what_it_owes_and_what_it_has_done(client, m):
    with m.territoire.scope():
        SuiviLot.objects.create(
            guichet=m.guichet, lot=m.lot, heures_dues=500, heures_realisees=120, taux_realisation="0.24",
            reste_a_realiser=380, depassement=0, statut_risque="orange", calcule_le=timezone.now(),
        )  # fmt: skip
        releve = ReleveFactory(guichet=m.guichet, entreprise=m.entreprise, periode=MARS, valide=True)
        LigneReleveFactory(guichet=m.guichet, releve=releve, contrat=m.contrat, heures=70, valide=True)
    page = connecte(client, m.territoire, Role.ENTREPRISE).get(url("mon_espace", m.territoire))
    contenu = page.content.decode()
    assert page.context["heures_dues"] == 500 and page.context["heures_validees"] == 70
    assert "M-2026-VOIRIE/1" in contenu and "380\u00a0h" in contenu and "En retard" in contenu
    assert "Léa Martin" in contenu and "Hugo Petit" in contenu and "Inès Durand" not in contenu
    assert "Mars 2026" in contenu


def test_pieces_are_served_to_the_company_and_the_facilitators_only(client, m):
    releve = brouillon(m)
    connecte(client, m.territoire, Role.ENTREPRISE)
    fichier = SimpleUploadedFile("bulletin.pdf", b"%PDF-1.4 bulletin de mars")
    client.post(url("releve_piece_deposer", m.territoire, pk=releve.pk), {"type": "bulletin_paie", "fichier": fichier})
    with m.territoire.scope():
        piece = PieceJustificative.objects.get()
    telechargement = client.get(url("piece_releve", m.territoire, pk=piece.pk))
    assert b"".join(telechargement.streaming_content) == b"%PDF-1.4 bulletin de mars"
    assert telechargement["Content-Disposition"].startswith("attachment")
    assert connecte(client, m.territoire).get(url("piece_releve", m.territoire, pk=piece.pk)).status_code == 200
    for role in (Role.LECTEUR, Role.ACHETEUR):
        assert (
            connecte(client, m.territoire, role).get(url("piece_releve", m.territoire, pk=piece.pk)).status_code == 403
        )


def test_the_relevé_page_answers_in_a_constant_number_of_queries(client, m):
    releve = brouillon(m)
    connecte(client, m.territoire, Role.ENTREPRISE)

    def requetes():
        with CaptureQueriesContext(connection) as capture:
            assert client.get(url("releve", m.territoire, pk=releve.pk)).status_code == 200
        return len(capture)

    with m.territoire.scope():
        LigneReleveFactory(guichet=m.guichet, releve=releve, contrat=m.contrat, lot=m.lot)
    une = requetes()
    with m.territoire.scope():
        for jour in range(2, 12):
            LigneReleveFactory(
                guichet=m.guichet, releve=releve, contrat=m.contrat_non_eligible,
                date_debut=date(2026, 3, jour), date_fin=date(2026, 3, jour), lot=m.lot,
            )  # fmt: skip
    assert requetes() == une
