"""Relevé files for the import tests, the browser journey and the benchmark: CSV and XLSX as a payroll clerk would
send them, and the bad ones."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from entreprises.import_releves import COLONNES

ENTETE = ";".join(COLONNES)
LEA = "Martin;Léa;02/03/1995;02/03/2026;13/03/2026;70,5;M-2026-VOIRIE/1;;"
SOUS_TRAITANCE = ";;;2026-03-01;2026-03-31;;M-2026-VOIRIE/1;732 829 320 00074;12 000,00"


def csv(*lignes, entete=ENTETE, nom="releve.csv", encodage="utf-8", bom=False):
    texte = "\r\n".join([entete, *lignes]) + "\r\n"
    contenu = ("\ufeff" if bom else "").encode(encodage) + texte.encode(encodage)
    return SimpleUploadedFile(nom, contenu, content_type="text/csv")


def classeur(*lignes, entete=COLONNES):
    """An XLSX workbook's bytes: ``lignes`` are lists of cell values (a string starting with « = » is a formula)."""
    workbook = Workbook()
    feuille = workbook.active
    feuille.append(list(entete))
    for ligne in lignes:
        feuille.append(list(ligne))
    sortie = io.BytesIO()
    workbook.save(sortie)
    return sortie.getvalue()


def xlsx(*lignes, nom="releve.xlsx", **kwargs):
    return SimpleUploadedFile(nom, classeur(*lignes, **kwargs), content_type="application/octet-stream")


def avec_macro(contenu):
    """The same workbook with a VBA project, as Excel saves an .xlsm."""
    entree, sortie = zipfile.ZipFile(io.BytesIO(contenu)), io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as archive:
        for nom in entree.namelist():
            archive.writestr(nom, entree.read(nom))
        archive.writestr("xl/vbaProject.bin", b'Attribute VB_Name = "Module1"\nSub AutoOpen()\nShell "calc"\nEnd Sub')
    return sortie.getvalue()
