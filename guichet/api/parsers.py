"""Request bodies of the API, refused with a French message when they cannot be read.

DRF's JSON parser answers in English and lets a ``RecursionError`` out of ``json`` (a deeply nested body) become a
server error; its multipart parser streams files to disk whatever their size. JSON and form bodies are held by
Django to ``DATA_UPLOAD_MAX_MEMORY_SIZE``: its refusal (``RequestDataTooBig``) is answered as 413 by
``exceptions.exception_handler``.
"""

import json

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError


class RequeteTropGrande(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "requete_trop_grande"

    def __init__(self, maximum):
        mo = f"{maximum / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")
        super().__init__(f"La requête dépasse la taille maximale acceptée ({mo} Mo).")


def _encodage(parser_context):
    encodage = parser_context.get("encoding", settings.DEFAULT_CHARSET)
    try:
        "".encode(encodage)  # refuses bytes-to-bytes codecs (bz2_codec…), as DRF does
    except (LookupError, UnicodeError) as erreur:
        raise ParseError(f"Jeu de caractères « {encodage} » non accepté : envoyez le corps en UTF-8.") from erreur
    return encodage


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encodage = _encodage(parser_context or {})
        try:
            texte = stream.read().decode(encodage)
        except UnicodeDecodeError as erreur:
            raise ParseError(
                f"Le corps de la requête n'est pas du texte {encodage} : envoyez du JSON en UTF-8."
            ) from erreur
        try:
            return json.loads(texte, parse_constant=_constante_refusee if self.strict else None)
        except RecursionError as erreur:
            raise ParseError("Ce JSON est imbriqué trop profondément pour être lu.") from erreur
        except json.JSONDecodeError as erreur:
            raise ParseError(
                f"Le corps de la requête n'est pas du JSON valide (ligne {erreur.lineno}, colonne {erreur.colno})."
            ) from erreur


def _constante_refusee(constante):
    # NaN and Infinity are not JSON (RFC 8259 §6), and no amount or number of hours is either.
    raise ParseError(f"Le corps de la requête n'est pas du JSON valide : {constante} n'est pas un nombre accepté.")


class MultiPartParser(parsers.MultiPartParser):
    """Files: at most the largest document or relevé the guichet accepts, and the other fields; refused on the
    announced length, before anything is written to disk (RFC 9110 §15.5.14, 413 Content Too Large)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        fichier_max = max(settings.FICHIER_TAILLE_MAX_MO, settings.RELEVE_IMPORT_TAILLE_MAX_MO) * 1024 * 1024
        maximum = fichier_max + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            longueur = int(parser_context["request"].META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            longueur = 0
        if longueur > maximum:
            raise RequeteTropGrande(maximum)
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as erreur:
            raise ParseError("Le formulaire multipart est illisible (en-têtes ou séparateur invalides).") from erreur
