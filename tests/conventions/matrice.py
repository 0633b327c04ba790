"""Permission rows of the conventions app. A buyer member reads its own buyer's conventions (404 for
another buyer's) and no animation event; only admins and facilitators write."""

from django.core.files.uploadedfile import SimpleUploadedFile

from ..acheteurs.matrice import _autre, _propre, pk
from ..factories import ConventionFactory, DocumentEvenementFactory, EvenementFactory
from ..permissions import (
    API_CREATION,
    API_EDITION,
    API_LECTURE,
    API_LECTURE_AUTRE,
    API_LECTURE_INTERNE,
    API_SUPPRESSION,
    EDITION,
    EDITION_POST,
    LECTURE,
    LECTURE_AUTRE,
    LECTURE_INTERNE,
    Cas,
    dans_a,
)


def _convention(acheteur):
    def make(ctx):
        with ctx.a.scope():
            return ConventionFactory(guichet=ctx.a.guichet, acheteur=acheteur(ctx), signee=True, avec_document=True)

    return make


def _evenement(ctx):
    with ctx.a.scope():
        return EvenementFactory(guichet=ctx.a.guichet, acheteurs=[_propre(ctx)])


def _document(ctx):
    with ctx.a.scope():
        return DocumentEvenementFactory(guichet=ctx.a.guichet, evenement=_evenement(ctx))


def _document_kwargs(ctx):
    document = _document(ctx)
    return dans_a(ctx, pk=document.evenement_id, document_pk=document.pk)


def _formulaire_convention(ctx):
    return {
        "acheteur": _propre(ctx).pk,
        "reference": "CONV-NOUVELLE",
        "statut": "signee",
        "date_debut": "2026-01-01",
        "date_fin": "2028-12-31",
        "duree_reconduction_mois": "12",
        "participation_mode": "aucune",
        "services": ["calibrage", "suivi_execution"],
    }


def _api_convention(ctx):
    return {
        "acheteur": _propre(ctx).pk,
        "reference": "CONV-API",
        "date_debut": "2026-01-01",
        "date_fin": "2028-12-31",
    }


EVENEMENT = {"type": "comite_pilotage", "titre": "Comité de pilotage", "date": "2026-06-15"}


def _fichier(ctx):
    return {"fichier": SimpleUploadedFile("compte-rendu.pdf", b"%PDF-1.4", content_type="application/pdf")}


MATRICE = [
    # Pages: conventions
    Cas("conventions", "GET", LECTURE, kwargs=dans_a),
    Cas("convention_creer", "GET", EDITION, kwargs=dans_a),
    Cas("convention_creer", "POST", EDITION_POST, kwargs=dans_a, data=_formulaire_convention),
    Cas("convention", "GET", LECTURE, kwargs=pk(_convention(_propre))),
    Cas("convention", "GET", LECTURE_AUTRE, kwargs=pk(_convention(_autre))),
    Cas("convention_document", "GET", LECTURE, kwargs=pk(_convention(_propre))),
    Cas("convention_document", "GET", LECTURE_AUTRE, kwargs=pk(_convention(_autre))),
    Cas("convention_modifier", "GET", EDITION, kwargs=pk(_convention(_propre))),
    Cas("convention_modifier", "POST", EDITION_POST, kwargs=pk(_convention(_propre)), data=_formulaire_convention),
    Cas("convention_supprimer", "GET", EDITION, kwargs=pk(_convention(_propre))),
    Cas("convention_supprimer", "POST", EDITION_POST, kwargs=pk(_convention(_propre))),
    # Pages: animation
    Cas("animation", "GET", LECTURE_INTERNE, kwargs=dans_a),
    Cas("evenement_creer", "GET", EDITION, kwargs=dans_a),
    Cas("evenement_creer", "POST", EDITION_POST, kwargs=dans_a, data=lambda ctx: EVENEMENT),
    Cas("evenement", "GET", LECTURE_INTERNE, kwargs=pk(_evenement)),
    Cas("evenement_modifier", "GET", EDITION, kwargs=pk(_evenement)),
    Cas("evenement_modifier", "POST", EDITION_POST, kwargs=pk(_evenement), data=lambda ctx: EVENEMENT),
    Cas("evenement_supprimer", "GET", EDITION, kwargs=pk(_evenement)),
    Cas("evenement_supprimer", "POST", EDITION_POST, kwargs=pk(_evenement)),
    Cas("evenement_document_ajouter", "POST", EDITION_POST, kwargs=pk(_evenement), data=_fichier),
    Cas("evenement_document", "GET", LECTURE_INTERNE, kwargs=pk(_document)),
    Cas("evenement_document_supprimer", "GET", EDITION, kwargs=pk(_document)),
    Cas("evenement_document_supprimer", "POST", EDITION_POST, kwargs=pk(_document)),
    # API: conventions
    Cas("api:convention-list", "GET", API_LECTURE, kwargs=dans_a, api=True),
    Cas("api:convention-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=_api_convention),
    Cas("api:convention-detail", "GET", API_LECTURE, kwargs=pk(_convention(_propre)), api=True),
    Cas("api:convention-detail", "GET", API_LECTURE_AUTRE, kwargs=pk(_convention(_autre)), api=True),
    Cas(
        "api:convention-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(_convention(_propre)),
        api=True,
        data=lambda ctx: {"objet": "Avenant"},
    ),
    Cas("api:convention-detail", "DELETE", API_SUPPRESSION, kwargs=pk(_convention(_propre)), api=True),
    Cas("api:convention-document", "GET", API_LECTURE, kwargs=pk(_convention(_propre)), api=True),
    Cas("api:convention-document", "GET", API_LECTURE_AUTRE, kwargs=pk(_convention(_autre)), api=True),
    # API: animation
    Cas("api:evenement-list", "GET", API_LECTURE_INTERNE, kwargs=dans_a, api=True),
    Cas("api:evenement-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=lambda ctx: EVENEMENT),
    Cas("api:evenement-detail", "GET", API_LECTURE_INTERNE, kwargs=pk(_evenement), api=True),
    Cas(
        "api:evenement-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(_evenement),
        api=True,
        data=lambda ctx: {"compte_rendu": "Relevé de décisions."},
    ),
    Cas("api:evenement-detail", "DELETE", API_SUPPRESSION, kwargs=pk(_evenement), api=True),
    Cas(
        "api:evenement-documents", "POST", API_CREATION, kwargs=pk(_evenement), api=True, multipart=True, data=_fichier
    ),
    Cas(
        "api:evenement-document",
        "GET",
        API_LECTURE_INTERNE,
        api=True,
        kwargs=_document_kwargs,
    ),
    Cas(
        "api:evenement-document",
        "DELETE",
        API_SUPPRESSION,
        api=True,
        kwargs=_document_kwargs,
    ),
]
