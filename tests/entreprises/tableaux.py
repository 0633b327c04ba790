"""Readable tables for the hours engine's worked examples.

A table is a text block: a header row naming the columns, then one row per item, cells separated by spaces.
``-`` is an empty cell (``None``), ``oui``/``non`` are booleans, dates are ISO. Columns left out take the
engine's defaults, so each example shows only what matters to its rule.

The expected ledger is a table too; its header chooses which fields are compared, and rows are compared
regardless of order (the order of the ledger itself is checked by the determinism properties).
"""

from datetime import date
from decimal import Decimal

from entreprises.moteur import ContratEntree, LigneEntree, LotEntree

CENTIEME = Decimal("0.01")


def _cellule(valeur: str):
    if valeur == "-":
        return None
    if valeur in {"oui", "non"}:
        return valeur == "oui"
    return valeur


def lire(texte: str) -> list[dict]:
    """The rows of a text table, as dictionaries keyed by the header's column names."""
    lignes = [ligne.split() for ligne in texte.strip().splitlines() if ligne.strip()]
    entete, corps = lignes[0], lignes[1:]
    for rangee in corps:
        assert len(rangee) == len(entete), f"row {rangee} does not match the header {entete}"
    return [{nom: _cellule(valeur) for nom, valeur in zip(entete, rangee, strict=True)} for rangee in corps]


def _date(valeur):
    return None if valeur is None else date.fromisoformat(valeur)


def _decimal(valeur):
    return None if valeur is None else Decimal(valeur)


def _entier(valeur):
    return None if valeur is None else int(valeur)


# table column → (field of the input dataclass, conversion)
_LOTS = {
    "lot": ("id", int),
    "debut": ("debut", _date),
    "fin": ("fin", _date),
    "dues": ("heures_dues", Decimal),
    "clause": ("clause_heures", bool),
    "role": ("role", str),
    "mutualise": ("mutualisation_autorisee", bool),
    "taux_mo": ("taux_main_oeuvre", _decimal),
    "cout": ("cout_horaire", _decimal),
}
_CONTRATS = {
    "contrat": ("id", int),
    "modalite": ("modalite", str),
    "type": ("type_contrat", str),
    "debut": ("debut", _date),
    "fin": ("fin", _date),
    "lot": ("lot_id", _entier),
    "eligible": ("eligible", bool),
    "motif": ("motif_ineligibilite", lambda x: x and x.replace("_", " ")),
}
_LIGNES = {
    "ligne": ("id", int),
    "debut": ("debut", _date),
    "fin": ("fin", _date),
    "heures": ("heures", _decimal),
    "contrat": ("contrat_id", _entier),
    "st": ("sous_traitant_id", _entier),
    "lot": ("lot_id", _entier),
    "montant": ("montant_ht", _decimal),
    "statut": ("statut", str),
    "inclusive": ("structure_inclusive", bool),
}


def _construire(classe, colonnes, texte):
    objets = []
    for rangee in lire(texte):
        valeurs = {}
        for nom, valeur in rangee.items():
            champ, conversion = colonnes[nom]
            valeurs[champ] = None if valeur is None else conversion(valeur)
        objets.append(classe(**valeurs))
    return objets


def lots(texte: str) -> list[LotEntree]:
    return _construire(LotEntree, _LOTS, texte)


def contrats(texte: str) -> list[ContratEntree]:
    return _construire(ContratEntree, _CONTRATS, texte)


def lignes(texte: str) -> list[LigneEntree]:
    return _construire(LigneEntree, _LIGNES, texte)


def _valeur(ecriture, nom):
    if nom == "ligne":
        # A CDI bonus is not a line: it shows as ``cdi<contract id>``.
        return str(ecriture.ligne_id) if ecriture.ligne_id is not None else f"cdi{ecriture.contrat_id}"
    if nom == "heures":
        return ecriture.heures.quantize(CENTIEME)
    valeur = getattr(ecriture, {"lot": "lot_id"}.get(nom, nom))
    return "-" if valeur is None else str(valeur)


def _attendu(texte):
    rangees = lire(texte)
    entete = texte.strip().splitlines()[0].split()
    attendu = []
    for rangee in rangees:
        attendu.append(
            tuple(
                Decimal(rangee[nom]).quantize(CENTIEME)
                if nom == "heures"
                else ("-" if rangee[nom] is None else rangee[nom])
                for nom in entete
            )
        )
    return entete, sorted(attendu, key=str)


def _projeter(ecritures, entete):
    return sorted((tuple(_valeur(e, nom) for nom in entete) for e in ecritures), key=str)


def allocations(resultat, texte: str) -> tuple[list, list]:
    """(actual, expected) allocations projected on the expected table's columns, for ``assert a == b``."""
    entete, attendu = _attendu(texte)
    return _projeter(resultat.allocations, entete), attendu


def exclusions(resultat, texte: str) -> tuple[list, list]:
    entete, attendu = _attendu(texte)
    return _projeter(resultat.exclusions, entete), attendu
