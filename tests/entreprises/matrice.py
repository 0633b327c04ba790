"""Permission rows of the entreprises app: every internal role reads the register and the companies' contacts, a
company member its own record and contacts only (404 for another), a buyer member none of it (403); admins and
facilitators write.

Relevés (api.md's table): admins and facilitators read and write all, and validate; a company member reads and writes
its own (404 for another company's) and submits them; ``lecteur`` and buyer members have no access (403): the lines
name people. The hours ledger: every role reads it, a company member its own rows, a buyer member the rows of its
buyer's lots (404 for the others); admins and facilitators start a recompute."""

from datetime import date

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from entreprises.models import Allocation, Exclusion, PieceJustificative
from guichet.enums import Role

from ..factories import (
    BeneficiaireFactory,
    ContactEntrepriseFactory,
    ContratFactory,
    EntrepriseFactory,
    LigneReleveFactory,
    LotFactory,
    ReleveFactory,
)
from ..permissions import API_CREATION, API_EDITION, API_SUPPRESSION, EDITION, EDITION_POST, Cas, D, F, N, R, dans_a

LECTURE = [R, N, D, D, D, F, D]
LECTURE_AUTRE = [R, N, D, D, D, F, N]
LECTURE_API = [401, N, D, D, D, F, D]
LECTURE_API_AUTRE = [401, N, D, D, D, F, N]


def _propre(ctx):
    return ctx.a.membres[Role.ENTREPRISE].entreprise


def _autre(ctx):
    with ctx.a.scope():
        return EntrepriseFactory(guichet=ctx.a.guichet)


def _contact(entreprise):
    def make(ctx):
        with ctx.a.scope():
            return ContactEntrepriseFactory(guichet=ctx.a.guichet, entreprise=entreprise(ctx))

    return make


def pk(make):
    return lambda ctx: dans_a(ctx, pk=make(ctx).pk)


TOUS_API = [401, N, D, D, D, D, D]
AUTRE_API = [401, N, D, D, D, N, N]
RECALCUL = [401, N, 202, 202, F, F, F]


def _grand_livre(model, propre):
    """A row of the ledger: ``propre``, of the company member on a lot of the buyer member's buyer; else, of another
    company on another buyer's lot."""

    def make(ctx):
        with ctx.a.scope():
            if propre:
                entreprise = _propre(ctx)
                lot = LotFactory(guichet=ctx.a.guichet, marche__acheteur=ctx.a.membres[Role.ACHETEUR].acheteur)
            else:
                entreprise, lot = _autre(ctx), LotFactory(guichet=ctx.a.guichet)
            champs = {"regle": "echeance"} if model is Allocation else {"motif": "hors_fenetre"}
            return model.objects.create(
                guichet=ctx.a.guichet,
                entreprise=entreprise,
                lot=lot,
                debut=date(2026, 3, 1),
                fin=date(2026, 3, 31),
                heures=35,
                modalite="embauche_directe",
                calcule_le=timezone.now(),
                **champs,
            )

    return make


ENTREPRISE = {"raison_sociale": "Rebond Insertion", "siret": "732 829 320 00074", "type_structure": "ei"}
CONTACT = {"nom": "Durand", "role": "ressources_humaines"}

MATRICE = [
    Cas("entreprises", "GET", LECTURE, kwargs=dans_a),
    Cas("entreprise_creer", "GET", EDITION, kwargs=dans_a),
    Cas("entreprise_creer", "POST", EDITION_POST, kwargs=dans_a, data=lambda ctx: ENTREPRISE),
    Cas("entreprise", "GET", LECTURE, kwargs=pk(_propre)),
    Cas("entreprise", "GET", LECTURE_AUTRE, kwargs=pk(_autre)),
    Cas("entreprise_modifier", "GET", EDITION, kwargs=pk(_propre)),
    Cas("entreprise_modifier", "POST", EDITION_POST, kwargs=pk(_autre), data=lambda ctx: ENTREPRISE),
    Cas("entreprise_supprimer", "GET", EDITION, kwargs=pk(_autre)),
    Cas("entreprise_supprimer", "POST", EDITION_POST, kwargs=pk(_autre)),
    Cas("entreprise_recalculer", "POST", EDITION_POST, kwargs=pk(_propre)),
    Cas("contact_entreprise_creer", "GET", EDITION, kwargs=pk(_propre)),
    Cas("contact_entreprise_creer", "POST", EDITION_POST, kwargs=pk(_propre), data=lambda ctx: CONTACT),
    Cas("contact_entreprise_modifier", "GET", EDITION, kwargs=pk(_contact(_propre))),
    Cas("contact_entreprise_modifier", "POST", EDITION_POST, kwargs=pk(_contact(_propre)), data=lambda ctx: CONTACT),
    Cas("contact_entreprise_supprimer", "GET", EDITION, kwargs=pk(_contact(_propre))),
    Cas("contact_entreprise_supprimer", "POST", EDITION_POST, kwargs=pk(_contact(_propre))),
    Cas("api:entreprise-list", "GET", LECTURE_API, kwargs=dans_a, api=True),
    Cas("api:entreprise-list", "POST", API_CREATION, kwargs=dans_a, api=True, data=lambda ctx: ENTREPRISE),
    Cas("api:entreprise-detail", "GET", LECTURE_API, kwargs=pk(_propre), api=True),
    Cas("api:entreprise-detail", "GET", LECTURE_API_AUTRE, kwargs=pk(_autre), api=True),
    Cas(
        "api:entreprise-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(_autre),
        api=True,
        data=lambda ctx: {"commune": "Lens"},
    ),
    Cas("api:entreprise-detail", "DELETE", API_SUPPRESSION, kwargs=pk(_autre), api=True),
    Cas("api:contact-entreprise-list", "GET", LECTURE_API, kwargs=dans_a, api=True),
    Cas(
        "api:contact-entreprise-list",
        "POST",
        API_CREATION,
        kwargs=dans_a,
        api=True,
        data=lambda ctx: {"entreprise": _propre(ctx).pk, "nom": "Durand"},
    ),
    Cas("api:contact-entreprise-detail", "GET", LECTURE_API, kwargs=pk(_contact(_propre)), api=True),
    Cas("api:contact-entreprise-detail", "GET", LECTURE_API_AUTRE, kwargs=pk(_contact(_autre)), api=True),
    Cas(
        "api:contact-entreprise-detail",
        "PATCH",
        API_EDITION,
        kwargs=pk(_contact(_propre)),
        api=True,
        data=lambda ctx: CONTACT,
    ),
    Cas("api:contact-entreprise-detail", "DELETE", API_SUPPRESSION, kwargs=pk(_contact(_propre)), api=True),
    Cas("api:allocation-list", "GET", TOUS_API, kwargs=dans_a, api=True),
    Cas("api:allocation-detail", "GET", TOUS_API, kwargs=pk(_grand_livre(Allocation, propre=True)), api=True),
    Cas("api:allocation-detail", "GET", AUTRE_API, kwargs=pk(_grand_livre(Allocation, propre=False)), api=True),
    Cas("api:exclusion-list", "GET", TOUS_API, kwargs=dans_a, api=True),
    Cas("api:exclusion-detail", "GET", TOUS_API, kwargs=pk(_grand_livre(Exclusion, propre=True)), api=True),
    Cas("api:exclusion-detail", "GET", AUTRE_API, kwargs=pk(_grand_livre(Exclusion, propre=False)), api=True),
    Cas("api:recalcul-list", "POST", RECALCUL, kwargs=dans_a, api=True),
    Cas(
        "api:recalcul-list", "POST", RECALCUL, kwargs=dans_a, api=True, data=lambda ctx: {"entreprise": _propre(ctx).pk}
    ),
]


# --- Relevés ---------------------------------------------------------------------------------------------

RELEVES = [R, N, D, D, F, F, D]
RELEVES_AUTRE = [R, N, D, D, F, F, N]
RELEVES_POST = [R, N, R, R, F, F, R]
VALIDATION_POST = [R, N, R, R, F, F, F]
API_RELEVES = [401, N, D, D, F, F, D]
API_RELEVES_AUTRE = [401, N, D, D, F, F, N]
API_RELEVES_CREATION = [401, N, 201, 201, F, F, 201]


def _releve(entreprise, **traits):
    """A relevé of March 2026 of that company, with one person line."""

    def make(ctx):
        with ctx.a.scope():
            releve = ReleveFactory(guichet=ctx.a.guichet, entreprise=entreprise(ctx), **traits)
            LigneReleveFactory(guichet=ctx.a.guichet, releve=releve)
            return releve

    return make


def _ligne(releve):
    def make(ctx):
        with ctx.a.scope():
            return releve(ctx).lignes.get()

    return make


def _import(ctx):
    """A one-line file of the company's employee, Léa Martin."""
    with ctx.a.scope():
        personne = BeneficiaireFactory(
            guichet=ctx.a.guichet, nom="Martin", prenom="Léa", date_naissance=date(1995, 3, 2)
        )
        ContratFactory(guichet=ctx.a.guichet, beneficiaire=personne, entreprise=_propre(ctx))
    contenu = "nom;prenom;date_naissance;date_debut;date_fin;heures;lot;siret_sous_traitant;montant_ht\n"
    contenu += "Martin;Léa;02/03/1995;02/03/2026;13/03/2026;70;;;\n"
    fichier = SimpleUploadedFile("releve.csv", contenu.encode())
    return {"fichier": fichier, "periode": "2026-03", "entreprise": _propre(ctx).pk}


BROUILLON = _releve(_propre)
SOUMIS = _releve(_propre, soumis=True)
VALIDE = _releve(_propre, valide=True)
AUTRE = _releve(_autre)
CREATION = lambda ctx: {"periode": "2026-03", "entreprise": _propre(ctx).pk}  # noqa: E731

MATRICE += [
    Cas("api:releve-list", "GET", API_RELEVES, kwargs=dans_a, api=True),
    Cas("api:releve-list", "POST", API_RELEVES_CREATION, kwargs=dans_a, api=True, data=CREATION),
    Cas("api:releve-detail", "GET", API_RELEVES, kwargs=pk(BROUILLON), api=True),
    Cas("api:releve-detail", "GET", API_RELEVES_AUTRE, kwargs=pk(AUTRE), api=True),
    Cas("api:releve-detail", "PATCH", API_RELEVES, kwargs=pk(BROUILLON), api=True, data=lambda ctx: {"lignes": []}),
    Cas("api:releve-detail", "PATCH", API_RELEVES_AUTRE, kwargs=pk(AUTRE), api=True, data=lambda ctx: {"lignes": []}),
    Cas("api:releve-detail", "DELETE", [401, N, 204, 204, F, F, 204], kwargs=pk(BROUILLON), api=True),
    Cas("api:releve-detail", "DELETE", [401, N, 204, 204, F, F, N], kwargs=pk(AUTRE), api=True),
    Cas("api:releve-soumettre", "POST", API_RELEVES, kwargs=pk(BROUILLON), api=True),
    Cas("api:releve-soumettre", "POST", API_RELEVES_AUTRE, kwargs=pk(AUTRE), api=True),
    Cas("api:releve-valider", "POST", [401, N, D, D, F, F, F], kwargs=pk(SOUMIS), api=True),
    Cas("api:releve-corriger", "POST", API_RELEVES_CREATION, kwargs=pk(VALIDE), api=True),
    Cas("api:releve-import", "POST", API_RELEVES_CREATION, kwargs=dans_a, api=True, multipart=True, data=_import),
    Cas("api:releve-modele", "GET", API_RELEVES, kwargs=dans_a, api=True),
]


def _piece(releve):
    def make(ctx):
        with ctx.a.scope():
            fichier = ContentFile(b"%PDF-1.4 bulletin", name="bulletin.pdf")
            return PieceJustificative.objects.create(guichet=ctx.a.guichet, releve=releve(ctx), fichier=fichier)

    return make


def _nouvelle_ligne(ctx):
    with ctx.a.scope():
        contrat = ContratFactory(guichet=ctx.a.guichet, entreprise=_propre(ctx))
    return {"contrat": contrat.pk, "date_debut": "2026-03-02", "date_fin": "2026-03-13", "heures": "35"}


def _upload(ctx):
    return {"type": "bulletin_paie", "fichier": SimpleUploadedFile("bulletin.pdf", b"%PDF-1.4 bulletin")}


ENTREPRISE_SEULE = [R, N, F, F, F, F, D]
VALIDATION = [R, N, D, D, F, F, F]

MATRICE += [
    Cas("mon_espace", "GET", ENTREPRISE_SEULE, kwargs=dans_a),
    Cas("espace_entreprise", "GET", RELEVES, kwargs=pk(_propre)),
    Cas("espace_entreprise", "GET", RELEVES_AUTRE, kwargs=pk(_autre)),
    Cas("releves", "GET", RELEVES, kwargs=dans_a),
    Cas("releves_a_valider", "GET", VALIDATION, kwargs=dans_a),
    Cas("releves_manquants", "GET", VALIDATION, kwargs=dans_a),
    Cas("releve_creer", "GET", RELEVES, kwargs=dans_a),
    Cas("releve_creer", "POST", RELEVES_POST, kwargs=dans_a, data=CREATION),
    Cas("releve_importer", "GET", RELEVES, kwargs=dans_a),
    Cas("releve_importer", "POST", RELEVES_POST, kwargs=dans_a, data=_import),
    Cas("releve_modele", "GET", RELEVES, kwargs=dans_a),
    Cas("releve", "GET", RELEVES, kwargs=pk(BROUILLON)),
    Cas("releve", "GET", RELEVES, kwargs=pk(SOUMIS)),
    Cas("releve", "GET", RELEVES_AUTRE, kwargs=pk(AUTRE)),
    Cas("releve_ligne_creer", "POST", RELEVES_POST, kwargs=pk(BROUILLON), data=_nouvelle_ligne),
    Cas("releve_ligne_creer", "POST", [R, N, 400, 400, F, F, N], kwargs=pk(AUTRE), data=_nouvelle_ligne),
    Cas("releve_avertissements", "GET", RELEVES, kwargs=pk(BROUILLON)),
    Cas("releve_soumettre", "POST", RELEVES_POST, kwargs=pk(BROUILLON)),
    Cas("releve_soumettre", "POST", [R, N, R, R, F, F, N], kwargs=pk(AUTRE)),
    Cas("releve_valider", "POST", VALIDATION_POST, kwargs=pk(SOUMIS)),
    Cas("releve_corriger", "POST", RELEVES_POST, kwargs=pk(VALIDE)),
    Cas("releve_supprimer", "GET", RELEVES, kwargs=pk(BROUILLON)),
    Cas("releve_supprimer", "POST", RELEVES_POST, kwargs=pk(BROUILLON)),
    Cas("releve_commenter", "POST", RELEVES_POST, kwargs=pk(SOUMIS), data=lambda ctx: {"texte": "Bonjour"}),
    Cas("releve_piece_deposer", "POST", RELEVES_POST, kwargs=pk(BROUILLON), data=_upload),
    Cas("ligne_releve_supprimer", "POST", RELEVES_POST, kwargs=pk(_ligne(BROUILLON))),
    Cas("ligne_releve_supprimer", "POST", [R, N, R, R, F, F, N], kwargs=pk(_ligne(AUTRE))),
    Cas(
        "ligne_releve_decider",
        "POST",
        VALIDATION_POST,
        kwargs=pk(_ligne(SOUMIS)),
        data=lambda ctx: {"rejet": "on", "motif": "Doublon"},
    ),
    Cas("piece_releve", "GET", RELEVES, kwargs=pk(_piece(BROUILLON))),
    Cas("piece_releve", "GET", RELEVES_AUTRE, kwargs=pk(_piece(AUTRE))),
    Cas("piece_releve_supprimer", "POST", RELEVES_POST, kwargs=pk(_piece(BROUILLON))),
]
