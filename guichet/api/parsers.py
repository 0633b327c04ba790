"""Request bodies of the API: JSON, forms and multipart (files), each refused with a French message when it cannot
be read, and refused before it is read when it is larger than the API accepts.

DRF's own parsers read a JSON or form body whatever its size (Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` only guards
``request.body`` and ``request.POST``), answer in English, and let a ``RecursionError`` out of ``json`` (a deeply
nested body) become a server error.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.template.defaultfilters import filesizeformat
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.utils import json


class RequeteTropGrande(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "requete_trop_grande"


def _verifier_taille(parser_context, maximum):
    """Refuse on the announced length, before reading anything (RFC 9110 §15.5.14, 413 Content Too Large)."""
    meta = parser_context["request"].META
    try:
        longueur = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        longueur = 0
    if longueur > maximum:
        raise RequeteTropGrande(f"La requête dépasse la taille maximale acceptée ({filesizeformat(maximum)}).")


def _encodage(parser_context):
    encodage = parser_context.get("encoding", settings.DEFAULT_CHARSET)
    try:
        "".encode(encodage)  # refuses bytes-to-bytes codecs (bz2_codec…) as DRF does
    except (LookupError, UnicodeError) as erreur:
        raise ParseError(f"Jeu de caractères « {encodage} » non accepté : envoyez le corps en UTF-8.") from erreur
    return encodage


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        maximum = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        _verifier_taille(parser_context, maximum)
        encodage = _encodage(parser_context)
        contenu = stream.read(maximum + 1)
        if len(contenu) > maximum:  # a body sent without its length, or longer than announced
            raise RequeteTropGrande(f"La requête dépasse la taille maximale acceptée ({filesizeformat(maximum)}).")
        try:
            texte = contenu.decode(encodage)
        except UnicodeDecodeError as erreur:
            raise ParseError(
                f"Le corps de la requête n'est pas du texte {encodage} : envoyez du JSON en UTF-8."
            ) from erreur
        try:
            return json.loads(texte, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError as erreur:
            raise ParseError("Ce JSON est imbriqué trop profondément pour être lu.") from erreur
        except json.JSONDecodeError as erreur:
            raise ParseError(
                f"Le corps de la requête n'est pas du JSON valide (ligne {erreur.lineno}, colonne {erreur.colno})."
            ) from erreur
        except ValueError as erreur:  # NaN, Infinity: not JSON (RFC 8259 §6)
            raise ParseError(
                "Le corps de la requête n'est pas du JSON valide : NaN et Infinity sont refusés."
            ) from erreur


def _formulaire(lire):
    """A form read by Django: its own refusals (too many fields or files, fields too large) are suspicious operations
    that would answer a bare HTML 400; here they answer in JSON and in French."""
    try:
        return lire()
    except RequestDataTooBig as erreur:
        raise RequeteTropGrande(
            "Les champs du formulaire dépassent la taille maximale acceptée "
            f"({filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)})."
        ) from erreur
    except (TooManyFieldsSent, TooManyFilesSent) as erreur:
        raise ParseError("Le formulaire compte trop de champs ou de fichiers.") from erreur
    except ParseError as erreur:
        raise ParseError("Le formulaire multipart est illisible (en-têtes ou séparateur invalides).") from erreur


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        _verifier_taille(parser_context or {}, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return _formulaire(lambda: super(FormParser, self).parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    """Files: the largest document or relevé the guichet accepts, and a margin for the other fields."""

    def parse(self, stream, media_type=None, parser_context=None):
        fichier_max = max(settings.FICHIER_TAILLE_MAX_MO, settings.RELEVE_IMPORT_TAILLE_MAX_MO) * 1024 * 1024
        _verifier_taille(parser_context or {}, fichier_max + settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return _formulaire(lambda: super(MultiPartParser, self).parse(stream, media_type, parser_context))
