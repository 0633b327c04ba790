"""Reading a relevé from an XLSX or CSV file (api.md ``releves/import/``): the company's payroll export, checked row
by row. Either every row is right and the lines come back ready to write, or ``ErreursImport`` lists every fault
(row number in the file, column, French message) and the caller writes nothing.

The file (``FORMATS``, api.md): a header row with ``COLONNES`` in this order, one line per row. CSV: ``;``
separator, UTF-8 with or without BOM. Dates ``JJ/MM/AAAA`` or ``AAAA-MM-JJ``; decimal comma or point, amounts
and hours rounded to the cent (as the hours engine does). A person line is matched to the company's work contract
of that person (nom, prénom, date de naissance; case and accents ignored) running on ``date_debut``; a
sous-traitance line names the structure by its SIRET and needs ``lot`` (``<référence du marché>/<numéro>``).

Safety: the size is capped (``RELEVE_IMPORT_TAILLE_MAX_MO``), and so is the number of rows (``LIGNES_MAX``); the
content decides the format, not the name (an XLSX is a zip holding an OOXML workbook; a file with macros, an old
``.xls`` or a protected workbook is refused, never opened by anything that could run it); openpyxl reads
in read-only mode, values only, never evaluating formulas: a formula cell is refused (its value is whatever the
last program that saved it computed, or nothing).

Speed: every lookup (contracts, lots, structures) is one query for the whole file; 10 000 rows import in a few
seconds (``bench/import_releves.py``).
"""

import csv
import io
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import PurePath

from django.conf import settings
from stdnum.fr import siret as stdnum_siret

from guichet.dates import libelle_mois
from marches.models import Lot
from publics.models import Contrat

from .controles import ContexteReleve, controler_ligne
from .models import Entreprise

COLONNES = [
    "nom",
    "prenom",
    "date_naissance",
    "date_debut",
    "date_fin",
    "heures",
    "lot",
    "siret_sous_traitant",
    "montant_ht",
]
COLONNES_PERSONNE = COLONNES[:3]
LIGNES_MAX = 20_000  # a month of one company; a large guichet has 10 000 to 40 000 lines a year (domain.md §11)
# An XLSX may unpack to this many times the file's size limit: 20 000 rows weigh about 8 Mo of sheet XML.
DECOMPRESSE_MAX = 10
ERREURS_MAX = 500
CENTIEME = Decimal("0.01")
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0"  # Excel 97-2003, and password-protected workbooks
TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Where a rule of ``controles.controler_ligne`` points in the file.
COLONNE_DU_CHAMP = {
    "contrat": "nom",
    "sous_traitant": "siret_sous_traitant",
    "montant_ht": "montant_ht",
    "lot": "lot",
    "date_debut": "date_debut",
    "date_fin": "date_fin",
    "heures": "heures",
    "__all__": "",
}


class ErreursImport(Exception):
    """The faults of a file: ``erreurs`` is ``[{"ligne": row number (1 = header), "colonne", "message"}]``, the first
    ``ERREURS_MAX`` of them and a last one that counts the others (a file of 20 000 wrong rows is not answered with
    100 000 messages)."""

    def __init__(self, erreurs):
        super().__init__(f"{len(erreurs)} erreur(s) dans le fichier")
        if len(erreurs) > ERREURS_MAX:
            autres = len(erreurs) - ERREURS_MAX
            erreurs = [
                *erreurs[:ERREURS_MAX],
                {
                    "ligne": None,
                    "colonne": "",
                    "message": f"… et {autres} autres erreurs : corrigez celles-ci, puis importez le fichier de "
                    "nouveau.",
                },
            ]
        self.erreurs = erreurs


def _fichier(message, ligne=None, colonne=""):
    return ErreursImport([{"ligne": ligne, "colonne": colonne, "message": message}])


# --- From bytes to rows -----------------------------------------------------------------------------------


def lire_lignes(fichier):
    """The file's rows as ``[(row number, [cell values])]``, header included; cells are ``str`` (stripped),
    ``datetime``, numbers or ``None``. Raises ``ErreursImport`` for a file that is not a readable relevé."""
    maximum = settings.RELEVE_IMPORT_TAILLE_MAX_MO * 1024 * 1024
    taille = getattr(fichier, "size", None)
    if taille is not None and taille > maximum:
        raise _fichier(f"Le fichier dépasse la taille maximale de {settings.RELEVE_IMPORT_TAILLE_MAX_MO} Mo.")
    contenu = fichier.read(maximum + 1)
    if len(contenu) > maximum:
        raise _fichier(f"Le fichier dépasse la taille maximale de {settings.RELEVE_IMPORT_TAILLE_MAX_MO} Mo.")
    extension = PurePath(getattr(fichier, "name", "") or "").suffix.lower()
    if not contenu.strip():
        raise _fichier("Le fichier est vide.")
    if contenu.startswith(ZIP):
        if extension == ".csv":
            raise _fichier("Ce fichier porte l'extension .csv mais contient un classeur : choisissez le bon fichier.")
        return _lignes_xlsx(contenu, maximum)
    if contenu.startswith(OLE):
        raise _fichier(
            "Les classeurs Excel 97-2003 (.xls) et les classeurs protégés par un mot de passe ne sont pas acceptés : "
            "enregistrez le fichier au format .xlsx, sans mot de passe, ou en CSV."
        )
    if extension in {".xlsx", ".xlsm", ".xls"}:
        raise _fichier(f"Ce fichier porte l'extension {extension} mais n'est pas un classeur Excel : il est refusé.")
    return _lignes_csv(contenu)


def _lignes_csv(contenu):
    if contenu.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fichier(_PAS_UTF8)
    if b"\x00" in contenu:
        raise _fichier("Ce fichier n'est ni un classeur XLSX ni un fichier CSV : il est refusé.")
    try:
        texte = contenu.decode("utf-8-sig")
    except UnicodeDecodeError as erreur:
        ligne = contenu[: erreur.start].count(b"\n") + 1
        raise _fichier(_PAS_UTF8, ligne=ligne) from erreur
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=";")
    lignes = []
    try:
        for cellules in lecteur:
            lignes.append((lecteur.line_num, [c.strip() or None for c in cellules]))
            _verifier_nombre(len(lignes))
    except csv.Error as erreur:
        # The csv module's only error here: a cell longer than 128 Kio (an unclosed quote swallows the rest of the
        # file into one cell).
        raise _fichier(
            "Le fichier CSV est mal formé : une cellule est démesurément longue (un guillemet n'est-il pas refermé ?).",
            ligne=lecteur.line_num,
        ) from erreur
    return lignes


_PAS_UTF8 = (
    "Le fichier n'est pas encodé en UTF-8 : dans votre tableur, enregistrez-le au format "
    "« CSV UTF-8 (délimité par des points-virgules) », ou importez le classeur .xlsx."
)


def _verifier_nombre(lignes):
    if lignes > LIGNES_MAX + 1:  # the header row, then the lines
        raise _fichier(f"Le fichier dépasse {LIGNES_MAX:,} lignes : découpez-le.".replace(",", "\u202f"))


def _lignes_xlsx(contenu, maximum):
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
        noms = set(archive.namelist())
        types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in noms else b""
        decompresse = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as erreur:
        raise _fichier("Ce classeur est endommagé : il ne peut pas être lu.") from erreur
    if "xl/vbaProject.bin" in noms or b"macroEnabled" in types or b"vbaProject" in types:
        raise _fichier(
            "Ce classeur contient des macros : il est refusé. Enregistrez-le au format .xlsx (classeur sans macros)."
        )
    if "xl/workbook.xml" not in noms or TYPE_XLSX.encode() not in types.replace(b".main+xml", b""):
        raise _fichier("Ce fichier n'est pas un classeur Excel (.xlsx) : il est refusé.")
    # A "zip bomb": a small file that unpacks into gigabytes. The sizes the archive declares are an upper bound
    # (Python's zipfile stops at the declared size, then fails on the checksum). The sheets are read as a stream;
    # every other part (shared strings, styles…) is loaded whole by openpyxl, so each is held to the file's limit.
    trop_gros = decompresse > DECOMPRESSE_MAX * maximum or any(
        info.file_size > maximum for info in archive.infolist() if not info.filename.startswith("xl/worksheets/")
    )
    if trop_gros:
        raise _fichier("Ce classeur est anormalement volumineux une fois décompressé : il est refusé.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=False, keep_links=False)
            try:
                feuille = classeur.worksheets[0]
                # The size the sheet declares (``<dimension ref="A1:XFD1048576"/>``) would make openpyxl pad every
                # row to 16 384 cells: a few kilobytes of file, gigabytes of memory. Rows are read as they are.
                feuille.reset_dimensions()
                return _cellules_xlsx(feuille)
            finally:
                classeur.close()
    except ErreursImport:
        raise
    except Exception as erreur:  # openpyxl raises many kinds of errors on a damaged or odd workbook
        raise _fichier("Ce classeur est endommagé ou d'un format inattendu : il ne peut pas être lu.") from erreur


def _cellules_xlsx(feuille):
    lignes, formules = [], []
    for numero, cellules in enumerate(feuille.iter_rows(), start=1):
        valeurs = []
        for rang, cellule in enumerate(cellules):
            valeur = cellule.value
            if cellule.data_type == "f":
                colonne = COLONNES[rang] if rang < len(COLONNES) else ""
                formules.append(
                    {
                        "ligne": numero,
                        "colonne": colonne,
                        "message": "Cette cellule est calculée par une formule : remplacez-la par sa valeur "
                        "(copier, puis collage spécial « valeurs »).",
                    }
                )
            elif isinstance(valeur, str):
                valeur = valeur.strip() or None
            if rang < len(COLONNES):
                valeurs.append(valeur)
            elif valeur is not None:  # beyond the template's columns, only whether there is something matters
                valeurs.append(True)
                break
        lignes.append((numero, valeurs))
        _verifier_nombre(len(lignes))
    if formules:
        raise ErreursImport(formules)
    return lignes


# --- From rows to lines -----------------------------------------------------------------------------------


def _normaliser(texte):
    """For matching names: no accents, no case, hyphens and apostrophes as spaces, spaces collapsed."""
    texte = unicodedata.normalize("NFKD", str(texte))
    texte = "".join(c for c in texte if not unicodedata.combining(c)).casefold()
    for signe in "-'’":
        texte = texte.replace(signe, " ")
    return " ".join(texte.split())


def _entete(cellules):
    noms = [_normaliser(c) if c is not None else "" for c in cellules]
    while noms and not noms[-1]:
        noms.pop()
    return [nom.replace(" ", "_") for nom in noms]


def _date(valeur):
    if isinstance(valeur, datetime):
        return valeur.date()
    if isinstance(valeur, date):
        return valeur
    texte = str(valeur)
    for format_ in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(texte, format_).date()
        except ValueError:
            continue
    raise ValueError(f"Date invalide « {texte} » : écrivez-la JJ/MM/AAAA ou AAAA-MM-JJ.")


def _decimal(valeur, quoi):
    if isinstance(valeur, bool):
        raise ValueError(f"{quoi} : nombre attendu.")
    texte = str(valeur)
    for espace in (" ", "\u00a0", "\u202f"):
        texte = texte.replace(espace, "")
    try:
        nombre = Decimal(texte.replace(",", "."))
    except InvalidOperation:
        nombre = None
    if nombre is None or not nombre.is_finite():
        raise ValueError(f"{quoi} : nombre attendu, « {valeur} » n'en est pas un.")
    if nombre < 0:
        raise ValueError(f"{quoi} : un nombre négatif n'est pas accepté.")
    if nombre >= 10**9:
        raise ValueError(f"{quoi} : nombre trop grand.")
    return nombre.quantize(CENTIEME, rounding=ROUND_HALF_UP)


def _lot_cle(texte):
    reference, separateur, numero = str(texte).rpartition("/")
    if not separateur or not reference.strip() or not numero.strip().isdigit():
        raise ValueError(
            f"Lot « {texte} » : écrivez la référence du marché, une barre oblique et le numéro du lot "
            "(par exemple M-2026-001/2)."
        )
    return reference.strip(), int(numero)


def lire_releve(*, fichier, entreprise, periode):
    """The lines of ``entreprise``'s relevé for ``periode`` (first day of the month) read from ``fichier``, as
    keyword arguments of ``LigneReleve`` (``rang_import`` included); ``ErreursImport`` lists every fault."""
    lignes = lire_lignes(fichier)
    if not lignes:
        raise _fichier("Le fichier est vide.")
    numero_entete, entete = lignes[0]
    if _entete(entete) != COLONNES:
        trouvees = "; ".join(str(c) for c in entete if c is not None) or "aucune"
        indice = ""
        if len(entete) == 1 and entete[0] and ("," in entete[0] or "\t" in entete[0]):
            indice = " Le séparateur des colonnes doit être le point-virgule (;)."
        raise _fichier(
            f"Colonnes attendues, dans cet ordre : {'; '.join(COLONNES)}. Colonnes trouvées : {trouvees}.{indice}",
            ligne=numero_entete,
        )
    lecture = _Lecture(entreprise=entreprise, periode=periode)
    for numero, cellules in lignes[1:]:
        if any(c is not None for c in cellules):
            lecture.lire(numero, cellules)
    if not lecture.brutes and not lecture.erreurs:
        raise _fichier("Le fichier ne contient aucune ligne de relevé sous l'en-tête.")
    return lecture.resoudre()


def _ordre(erreur):
    """Errors in the order of the file: by row, then by column."""
    colonne = COLONNES.index(erreur["colonne"]) if erreur["colonne"] in COLONNES else -1
    return erreur["ligne"] or 0, colonne


class _Lecture:
    """Reads the rows in two passes: each row's values first, then every lookup at once (one query each), then the
    rules of a line (``controles``) on the matched objects."""

    def __init__(self, *, entreprise, periode):
        self.entreprise, self.periode = entreprise, periode
        self.erreurs, self.brutes = [], []

    def erreur(self, numero, colonne, message):
        self.erreurs.append({"ligne": numero, "colonne": colonne, "message": message})

    def lire(self, numero, cellules):
        if len(cellules) > len(COLONNES) and any(c is not None for c in cellules[len(COLONNES) :]):
            self.erreur(numero, "", f"Cette ligne a des valeurs au-delà des {len(COLONNES)} colonnes du modèle.")
            return
        valeurs = dict(zip(COLONNES, [*cellules, *[None] * len(COLONNES)], strict=False))
        ligne = {"numero": numero}
        sous_traitance = valeurs["siret_sous_traitant"] is not None or valeurs["montant_ht"] is not None
        conversions = [
            ("date_debut", _date, ()),
            ("date_fin", _date, ()),
            ("heures", _decimal, ("Heures",)),
            ("montant_ht", _decimal, ("Montant HT",)),
            ("lot", _lot_cle, ()),
        ]
        if sous_traitance:
            for colonne in COLONNES_PERSONNE:
                if valeurs[colonne] is not None:
                    self.erreur(
                        numero, colonne, "Sur une ligne de sous-traitance, les colonnes de la personne restent vides."
                    )
            ligne["siret"] = self._siret(numero, valeurs["siret_sous_traitant"])
        else:
            conversions.append(("date_naissance", _date, ()))
            for colonne in (*COLONNES_PERSONNE, "heures"):
                if valeurs[colonne] is None:
                    self.erreur(numero, colonne, "Ce champ est obligatoire sur la ligne d'une personne.")
                    ligne["invalide"] = True
            ligne["personne"] = (valeurs["nom"], valeurs["prenom"])
        for colonne in ("date_debut", "date_fin"):
            if valeurs[colonne] is None:
                self.erreur(numero, colonne, "Ce champ est obligatoire.")
                ligne["invalide"] = True
        for colonne, convertir, arguments in conversions:
            if valeurs[colonne] is None:
                ligne[colonne] = None
                continue
            try:
                ligne[colonne] = convertir(valeurs[colonne], *arguments)
            except ValueError as probleme:
                self.erreur(numero, colonne, str(probleme))
                ligne["invalide"] = True
        self.brutes.append(ligne)

    def _siret(self, numero, valeur):
        if valeur is None:
            self.erreur(numero, "siret_sous_traitant", "Indiquez le SIRET de la structure sous-traitante.")
            return None
        compact = stdnum_siret.compact(str(valeur))
        if not stdnum_siret.is_valid(compact):
            self.erreur(
                numero, "siret_sous_traitant", f"SIRET invalide « {valeur} » : 14 chiffres et une clé correcte."
            )
            return None
        return compact

    def resoudre(self):
        contrats = self._contrats()
        lots = self._lots()
        structures = {
            e.siret: e for e in Entreprise.objects.filter(siret__in={b["siret"] for b in self.brutes if b.get("siret")})
        }
        ctx = ContexteReleve.de(entreprise=self.entreprise, periode=self.periode)
        pretes = []
        for brute in self.brutes:
            if brute.get("invalide"):
                continue
            numero = brute["numero"]
            ligne = {
                "date_debut": brute["date_debut"],
                "date_fin": brute["date_fin"],
                "heures": brute["heures"],
                "montant_ht": brute["montant_ht"],
                "lot": None,
                "contrat": None,
                "sous_traitant": None,
            }
            if brute["lot"] is not None:
                ligne["lot"] = lots.get(brute["lot"])
                if ligne["lot"] is None:
                    reference, rang = brute["lot"]
                    self.erreur(numero, "lot", f"Aucun lot « {reference}/{rang} » dans ce guichet.")
                    continue
            if "siret" in brute:
                if brute["siret"] is None:
                    continue
                ligne["sous_traitant"] = structures.get(brute["siret"])
                if ligne["sous_traitant"] is None:
                    self.erreur(
                        numero,
                        "siret_sous_traitant",
                        f"Aucune structure du guichet n'a le SIRET {brute['siret']} : demandez au guichet de "
                        "l'enregistrer.",
                    )
                    continue
            else:
                ligne["contrat"] = self._contrat(contrats, brute)
                if ligne["contrat"] is None:
                    continue
            for champ, message in controler_ligne(ctx, **ligne).items():
                self.erreur(numero, COLONNE_DU_CHAMP[champ], message)
            pretes.append({**ligne, "rang_import": numero})
        if self.erreurs:
            raise ErreursImport(sorted(self.erreurs, key=_ordre))
        return pretes

    def _contrats(self):
        """The company's contracts by person (normalised name, first name, birth date)."""
        index = defaultdict(list)
        rows = Contrat.objects.filter(entreprise=self.entreprise).values_list(
            "pk", "beneficiaire__nom", "beneficiaire__prenom", "beneficiaire__date_naissance", "date_debut", "date_fin"
        )
        for pk, nom, prenom, naissance, debut, fin in rows:
            contrat = Contrat(
                pk=pk,
                guichet_id=self.entreprise.guichet_id,
                entreprise_id=self.entreprise.pk,
                date_debut=debut,
                date_fin=fin,
            )
            index[(_normaliser(nom), _normaliser(prenom), naissance)].append(contrat)
        return index

    def _contrat(self, index, brute):
        (nom, prenom), naissance, debut = brute["personne"], brute["date_naissance"], brute["date_debut"]
        candidats = [
            c
            for c in index.get((_normaliser(nom), _normaliser(prenom), naissance), ())
            if c.date_debut <= debut and (c.date_fin is None or c.date_fin >= debut)
        ]
        if len(candidats) == 1:
            return candidats[0]
        qui = f"{prenom} {nom}, né(e) le {naissance:%d/%m/%Y}"
        if candidats:
            self.erreur(
                brute["numero"],
                "nom",
                f"Plusieurs contrats de l'entreprise sont en cours le {debut:%d/%m/%Y} pour {qui} : saisissez "
                "cette ligne en ligne en choisissant le contrat.",
            )
        else:
            self.erreur(
                brute["numero"],
                "nom",
                f"Aucun contrat de l'entreprise en cours le {debut:%d/%m/%Y} pour {qui} "
                f"(relevé de {libelle_mois(self.periode)}).",
            )
        return None

    def _lots(self):
        cles = {b["lot"] for b in self.brutes if b.get("lot")}
        if not cles:
            return {}
        lots = Lot.objects.filter(marche__reference__in={reference for reference, _ in cles}).select_related("marche")
        return {(lot.marche.reference, lot.numero): lot for lot in lots}


# --- The template -----------------------------------------------------------------------------------------

AIDE = [
    ("nom", "Nom de la personne (lignes de personne)."),
    ("prenom", "Prénom de la personne."),
    ("date_naissance", "Date de naissance, JJ/MM/AAAA : avec le nom et le prénom, elle retrouve le contrat."),
    ("date_debut", "Premier jour de la période déclarée, dans le mois du relevé (JJ/MM/AAAA)."),
    ("date_fin", "Dernier jour de la période, dans le même mois."),
    ("heures", "Heures travaillées (ou facturées pour une mise à disposition), virgule décimale acceptée."),
    ("lot", "Facultatif pour une personne, obligatoire en sous-traitance : référence du marché/numéro du lot."),
    ("siret_sous_traitant", "Sous-traitance seulement : SIRET de la structure inclusive (colonnes personne vides)."),
    ("montant_ht", "Sous-traitance seulement : montant HT facturé par la structure sur la période."),
]


def modele_csv() -> bytes:
    """The header row, ``;``-separated, with a BOM so that spreadsheets open it as UTF-8."""
    return ("\ufeff" + ";".join(COLONNES) + "\r\n").encode("utf-8")


def modele_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Relevé"
    feuille.append(COLONNES)
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    for lettre, largeur in zip("ABCDEFGHI", [18, 16, 16, 12, 12, 10, 18, 20, 12], strict=True):
        feuille.column_dimensions[lettre].width = largeur
    aide = classeur.create_sheet("Mode d'emploi")
    aide.append(["colonne", "contenu"])
    for ligne in AIDE:
        aide.append(list(ligne))
    aide.append([])
    aide.append(["", "Seule la première feuille est lue. Pas de formule : des valeurs seulement."])
    aide.column_dimensions["A"].width, aide.column_dimensions["B"].width = 20, 100
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()
