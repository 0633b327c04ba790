"""The OpenAPI schema of the API (drf-spectacular), with the error answers every operation may give.

drf-spectacular documents the success answer of an operation only; an integrator (and the fuzzing of
``tests/test_schemathesis.py``, which checks every answer against the schema) must also know the errors that
api.md promises: 400 ``{"champ": ["message"]}`` for a refused input, 401 without a valid token, 404 for anything
outside the member's guichet (never 403 for "not yours"), 403 for a role that may not act, 415 for a body that is
not JSON (or multipart where a file is sent), 413 for a body larger than accepted, 429 after repeated failed sign-ins.
"""

import mimetypes

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent

from ..fichiers import EXTENSIONS_DOCUMENTS

ERREUR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "Le message, en français."}},
    "required": ["detail"],
}
ERREURS_VALIDATION = {
    "type": "object",
    "description": "Les messages par champ (``non_field_errors`` pour l'ensemble), en français : une liste de "
    "messages, ou, pour un champ composé (liste, objet), la même structure que le champ.",
    "additionalProperties": {},
}
# (code, description, component, when): ``when`` tells whether the operation may answer it.
ERREURS = [
    ("400", "Données refusées : rien n'est enregistré.", "ErreursValidation", lambda op: op.peut_refuser),
    ("401", "Authentification requise (jeton absent ou invalide).", "Erreur", lambda op: op.authentifiee),
    ("403", "Le rôle du membre ne permet pas cette action.", "Erreur", lambda op: op.dans_un_guichet),
    (
        "404",
        "Introuvable dans ce guichet (ou guichet dont on n'est pas membre).",
        "Erreur",
        lambda op: op.dans_un_guichet,
    ),
    ("413", "Corps de requête trop volumineux.", "Erreur", lambda op: op.a_un_corps),
    ("415", "Type de contenu non accepté.", "Erreur", lambda op: op.a_un_corps),
    ("429", "Trop d'essais : réessayez plus tard.", "Erreur", lambda op: op.limitee),
]


class _Operation:
    def __init__(self, schema, operation):
        parametres = operation.get("parameters", [])
        self.a_un_corps = "requestBody" in operation
        self.dans_un_guichet = "{guichet_slug}" in schema.path
        self.authentifiee = bool(schema.view.authentication_classes)
        # A write may be refused by its serializer or a service's rule; a read only for its query parameters.
        self.peut_refuser = schema.method != "GET" or any(p["in"] == "query" for p in parametres)
        self.limitee = schema.path.endswith("/auth/token/")


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        quelle = _Operation(self, operation)
        for code, description, composant, quand in ERREURS:
            if quand(quelle) and code not in operation["responses"]:
                operation["responses"][code] = {
                    "description": description,
                    "content": {"application/json": {"schema": self._composant(composant)}},
                }
        return operation

    def _composant(self, nom):
        schema = ERREURS_VALIDATION if nom == "ErreursValidation" else ERREUR
        composant = ResolvedComponent(name=nom, type=ResolvedComponent.SCHEMA, object=nom, schema=schema)
        self.registry.register_on_missing(composant)
        return composant.ref


def telechargement(*types):
    """The ``responses`` of a download: a 200 for each media type the file may have (``fichier_prive`` names it
    from the file's extension), so that a client knows what it receives."""
    return {(200, type_): bytes for type_ in types}


def _type_mime(extension):
    return mimetypes.guess_type(f"fichier.{extension}")[0] or "application/octet-stream"


# A document uploaded by a member (``fichiers.EXTENSIONS_DOCUMENTS``).
TYPES_DOCUMENTS = sorted({_type_mime(extension) for extension in EXTENSIONS_DOCUMENTS})
TYPE_PDF = _type_mime("pdf")
TYPE_XLSX = _type_mime("xlsx")
TYPE_CSV = _type_mime("csv")
TYPE_ZIP = _type_mime("zip")
