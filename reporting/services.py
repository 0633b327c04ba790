"""Writes of the reporting app: ask for a bilan or an export (a row, then a task sent on commit), regenerate a
bilan, store what a task produced, set the guichet's logo (the cover of the bilans)."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from PIL import Image

from guichet.audit import audit
from guichet.fichiers import supprimer_apres_commit
from guichet.selectors import parametres_of
from guichet.services import tache_lancer
from guichet.tenancy import ensure_same_guichet
from marches.models import Attribution

from .enums import FormatExport, TypeBilan, TypeExport
from .indicateurs import DEBITEURS
from .models import Bilan, Export

# What each type of bilan is about (api.md ``bilans/``): the other parameters are not kept.
OBJETS_DU_BILAN = {
    TypeBilan.COPIL: (),
    TypeBilan.ACHETEUR: ("acheteur",),
    TypeBilan.MARCHE: ("marche",),
    TypeBilan.ATTESTATION: ("entreprise", "lot"),
}
OBJET_MANQUANT = {
    "acheteur": "Choisissez l'acheteur dont c'est le bilan.",
    "marche": "Choisissez le marché.",
    "entreprise": "Choisissez l'entreprise.",
    "lot": "Choisissez le lot.",
}
LOGO_TAILLE_MAX_KO = 1024
LOGO_COTE_MAX_PX = 4000
# The first bytes of the two formats a logo may have (WeasyPrint draws both; no SVG: it could fetch URLs).
SIGNATURES_LOGO = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def _annee(annee):
    return timezone.localdate().year if annee is None else annee


def _titre_du_bilan(type, annee, *, acheteur, marche, entreprise, lot):
    if type == TypeBilan.COPIL:
        return f"Bilan {annee} du comité de pilotage"
    if type == TypeBilan.ACHETEUR:
        return f"Bilan {annee} – {acheteur.nom}"
    if type == TypeBilan.MARCHE:
        return f"Bilan de fin de marché {marche.reference}"
    return f"Attestation de réalisation – {entreprise.raison_sociale}, lot {lot.numero} de {lot.marche.reference}"


def _demander(document, *, task, action, acting_user):
    """Record the asked document (validated in full), audit it, send its task on commit."""
    document.full_clean()
    document.save()
    audit(
        guichet=document.guichet,
        acteur=acting_user,
        action=action,
        cible=document,
        type=document.type,
        annee=document.annee,
    )
    return _produire(document, task, acting_user)


def _produire(document, task, acting_user):
    document.tache = tache_lancer(
        guichet=document.guichet, task=task, libelle=document.titre, acting_user=acting_user, args=(document.pk,)
    )
    document.save(update_fields=["tache"])
    return document


@transaction.atomic
def bilan_demander(
    *, guichet, type, annee=None, acheteur=None, marche=None, entreprise=None, lot=None, acting_user
) -> Bilan:
    """A new bilan of ``type``, produced by a task. Each type needs its objects (``OBJETS_DU_BILAN``); an
    attestation is for a company that owes the lot's hours (titulaire or co-traitant)."""
    from .tasks import bilan_produire

    if type not in TypeBilan.values:
        raise ValidationError({"type": f"Type de bilan inconnu : choisissez parmi {', '.join(TypeBilan.values)}."})
    donnees = {"acheteur": acheteur, "marche": marche, "entreprise": entreprise, "lot": lot}
    requis = OBJETS_DU_BILAN[type]
    manquants = {champ: OBJET_MANQUANT[champ] for champ in requis if donnees[champ] is None}
    if manquants:
        raise ValidationError(manquants)
    objets = {champ: valeur if champ in requis else None for champ, valeur in donnees.items()}
    ensure_same_guichet(guichet, *objets.values())
    if (
        type == TypeBilan.ATTESTATION
        and not Attribution.objects.filter(lot=lot, entreprise=entreprise, role__in=DEBITEURS).exists()
    ):
        raise ValidationError({"lot": "Cette entreprise n'est ni titulaire ni co-traitante de ce lot."})
    annee = _annee(annee)
    bilan = Bilan(
        guichet=guichet,
        type=type,
        annee=annee,
        demandeur=acting_user,
        titre=_titre_du_bilan(type, annee, **objets),
        **objets,
    )
    return _demander(bilan, task=bilan_produire, action="bilan.demande", acting_user=acting_user)


@transaction.atomic
def bilan_regenerer(*, bilan, acting_user) -> Bilan:
    """Produce the bilan again with today's figures; the previous file stays downloadable until replaced."""
    from .tasks import bilan_produire

    audit(guichet=bilan.guichet, acteur=acting_user, action="bilan.regenere", cible=bilan)
    return _produire(bilan, bilan_produire, acting_user)


@transaction.atomic
def export_demander(*, guichet, type, annee=None, format=FormatExport.XLSX, acting_user) -> Export:
    from .tasks import export_produire

    if type not in TypeExport.values:
        raise ValidationError({"type": f"Type d'export inconnu : choisissez parmi {', '.join(TypeExport.values)}."})
    annee = _annee(annee)
    export = Export(
        guichet=guichet,
        type=type,
        annee=annee,
        format=format,
        demandeur=acting_user,
        titre=f"{TypeExport(type).label} {annee}",
    )
    return _demander(export, task=export_produire, action="export.demande", acting_user=acting_user)


def document_enregistrer(document, *, nom, contenu) -> None:
    """Store what a task produced (``contenu``: a file object) in place of the previous file, deleted once this
    is committed."""
    ancien = document.fichier.name
    document.fichier.save(nom, File(contenu), save=False)
    document.genere_le = timezone.now()
    document.save(update_fields=["fichier", "genere_le"])
    supprimer_apres_commit(ancien, storage=document.fichier.storage)


def _verifier_logo(logo):
    if logo.size > LOGO_TAILLE_MAX_KO * 1024:
        raise ValidationError({"logo": f"Le logo dépasse {LOGO_TAILLE_MAX_KO} Ko."})
    debut = logo.read(8)
    logo.seek(0)
    if not any(debut.startswith(signature) for signature in SIGNATURES_LOGO):
        raise ValidationError({"logo": "Le logo doit être une image PNG ou JPEG."})
    # The right first bytes are not an image: WeasyPrint decodes the logo of every bilan, so a damaged file, or a
    # small one that decodes into billions of pixels, is refused here (reading the header and the chunks' checksums,
    # never the pixels).
    try:
        with Image.open(logo) as image:
            largeur, hauteur = image.size
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as erreur:
        raise ValidationError({"logo": "Ce fichier n'est pas une image PNG ou JPEG lisible."}) from erreur
    finally:
        logo.seek(0)
    if max(largeur, hauteur) > LOGO_COTE_MAX_PX:
        raise ValidationError(
            {
                "logo": f"Le logo mesure {largeur} × {hauteur} pixels : réduisez-le à {LOGO_COTE_MAX_PX} pixels "
                "de côté au plus."
            }
        )


@transaction.atomic
def logo_modifier(*, guichet, logo, acting_user):
    """Set (``logo``: an uploaded PNG or JPEG) or remove (``None``) the logo on the cover of the bilans."""
    parametres = parametres_of(guichet=guichet)
    ancien = parametres.logo.name
    if logo is not None:
        _verifier_logo(logo)
        parametres.logo.save(PurePath(logo.name).name, logo, save=False)
    else:
        parametres.logo = ""
    parametres.save(update_fields=["logo"])
    supprimer_apres_commit(ancien)
    audit(guichet=guichet, acteur=acting_user, action="parametres.logo", cible=parametres, logo=bool(logo))
    return parametres
