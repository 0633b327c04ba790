"""Private files (signed conventions, event documents, task outputs, proofs): stored outside any public URL,
served only by views that checked the member's right to the object that holds them."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename

# Documents people exchange with buyers: office formats, PDF and scans.
EXTENSIONS_DOCUMENTS = ["pdf", "odt", "ods", "odp", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg", "png"]
# How each of them starts: OpenDocument and Office Open XML files are zip archives, Office 97-2003 ones OLE
# compound files. A file whose content is not what its name says (a page or a program renamed .pdf) is refused.
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIGNATURES_DOCUMENTS = {
    "pdf": b"%PDF",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    **dict.fromkeys(["odt", "ods", "odp", "docx", "xlsx", "pptx"], _ZIP),
    **dict.fromkeys(["doc", "xls", "ppt"], _OLE),
}


def fichier_prive(fichier):
    """Serve a private file as a download.

    Callers have already checked the member's right to the object that holds it; files are never under
    a public URL. ``as_attachment`` (with ``nosniff``) keeps a browser from rendering an uploaded HTML or SVG.
    """
    if not fichier:
        raise Http404
    try:
        handle = fichier.open("rb")
    except FileNotFoundError as missing:
        raise Http404("Fichier introuvable.") from missing
    return FileResponse(handle, as_attachment=True, filename=nom_fichier(fichier))


def nom_fichier(fichier):
    return PurePath(fichier.name).name if fichier else ""


def chemin_prive(instance, filename):
    """``<app>/<guichet id>/<random>/<name>``: one folder per guichet, a name nobody can guess or overwrite,
    and the original name kept for the download."""
    path = PurePath(get_valid_filename(PurePath(filename).name) or "document")
    stem = path.stem[: 80 - len(path.suffix)]
    return f"{instance._meta.app_label}/{instance.guichet_id}/{uuid.uuid4().hex}/{stem}{path.suffix.lower()}"


def valider_document(fichier):
    """A new upload: an office document, a PDF or a scan, of at most FICHIER_TAILLE_MAX_MO, whose first bytes are
    those of its format.

    Files already stored were checked when they came in: reading them again (and failing if the volume
    is missing) is not this validator's job.
    """
    if not fichier or getattr(fichier, "_committed", True):
        return
    extension = PurePath(fichier.name).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS_DOCUMENTS:
        raise ValidationError(
            f"Format « {extension or 'sans extension'} » refusé. Formats acceptés : {', '.join(EXTENSIONS_DOCUMENTS)}.",
            code="extension",
        )
    if fichier.size > settings.FICHIER_TAILLE_MAX_MO * 1024 * 1024:
        raise ValidationError(
            f"Le fichier dépasse la taille maximale de {settings.FICHIER_TAILLE_MAX_MO} Mo.", code="taille"
        )
    signature = SIGNATURES_DOCUMENTS[extension]
    fichier.seek(0)
    debut = fichier.read(len(signature))
    fichier.seek(0)
    if debut != signature:
        raise ValidationError(
            f"Le contenu de ce fichier n'est pas celui d'un fichier .{extension} : il est refusé.", code="contenu"
        )


def supprimer_apres_commit(*noms, storage=None):
    """Delete stored files once the transaction that stopped referencing them has committed."""
    from django.core.files.storage import default_storage

    storage = storage or default_storage
    noms = [nom for nom in noms if nom]

    def supprimer():
        for nom in noms:
            storage.delete(nom)

    if noms:
        transaction.on_commit(supprimer)
