"""Importing a relevé from an XLSX or CSV file: good files in every accepted form, and a corpus of bad files, each
refused with its French message and nothing written."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from entreprises import services
from entreprises.import_releves import COLONNES, ErreursImport, lire_lignes, modele_csv, modele_xlsx
from entreprises.models import LigneReleve, Releve
from guichet.enums import Role
from guichet.models import JournalAudit

from ..factories import LotFactory, MarcheFactory
from .fichiers import ENTETE, LEA, SOUS_TRAITANCE, avec_macro, classeur, csv, xlsx
from .releves import MARS, monde


@pytest.fixture
def m(guichet_a, guichet_b):
    with guichet_b.scope():
        LotFactory(
            guichet=guichet_b.guichet, numero=1, marche=MarcheFactory(guichet=guichet_b.guichet, reference="M-B")
        )
    return monde(guichet_a)


def importer(m, fichier, periode=MARS):
    return services.releve_importer(
        guichet=m.guichet,
        acting_user=m.territoire.membres[Role.ENTREPRISE].utilisateur,
        entreprise=m.entreprise,
        periode=periode,
        fichier=fichier,
    )


def refuse(m, fichier):
    """The file's errors, once checked that nothing was written."""
    with m.territoire.scope():
        avant = (Releve.objects.count(), LigneReleve.objects.count(), JournalAudit.objects.count())
        with pytest.raises(ErreursImport) as erreurs:
            importer(m, fichier)
        assert (Releve.objects.count(), LigneReleve.objects.count(), JournalAudit.objects.count()) == avant
    return erreurs.value.erreurs


@pytest.mark.parametrize("bom", [False, True])
def test_a_csv_file_becomes_a_draft_relevé_with_its_person_and_sous_traitance_lines(m, bom):
    with m.territoire.scope():
        releve = importer(m, csv(LEA, SOUS_TRAITANCE, bom=bom))
        assert (releve.statut, releve.source, releve.periode) == ("brouillon", "import", MARS)
        personne, sous_traitance = releve.lignes.order_by("rang_import")
        assert (personne.contrat, personne.heures, personne.lot, personne.rang_import) == (
            m.contrat,
            Decimal("70.5"),
            m.lot,
            2,
        )
        assert (personne.date_debut, personne.date_fin) == (date(2026, 3, 2), date(2026, 3, 13))
        assert (sous_traitance.sous_traitant, sous_traitance.montant_ht, sous_traitance.heures) == (
            m.structure,
            12000,
            None,
        )
        assert JournalAudit.objects.get(action="releve.import").details == {"fichier": "releve.csv", "lignes": 2}


def test_names_match_whatever_the_case_accents_and_hyphens(m):
    with m.territoire.scope():
        releve = importer(
            m,
            csv(
                "  MARTIN ; lea ;1995-03-02;2026-03-02;2026-03-13;7.25;;;",
                "petit;HUGO;30/11/1988;01/03/2026;01/03/2026;7;;;",
            ),
        )
        assert set(releve.lignes.values_list("contrat", "heures")) == {
            (m.contrat.pk, Decimal("7.25")),
            (m.contrat_non_eligible.pk, 7),
        }


def test_an_xlsx_workbook_with_dates_numbers_and_empty_rows_is_imported(m):
    fichier = xlsx(
        ["Martin", "Léa", date(1995, 3, 2), date(2026, 3, 2), date(2026, 3, 13), 35.5, None, None, None],
        [None] * 9,
        [None, None, None, "01/03/2026", "31/03/2026", None, "M-2026-VOIRIE/1", 73282932000074, 12000],
    )
    with m.territoire.scope():
        releve = importer(m, fichier)
        assert sorted(releve.lignes.values_list("rang_import", "heures", "montant_ht")) == [
            (2, Decimal("35.5"), None),
            (4, None, Decimal(12000)),
        ]


def test_the_templates_hold_the_header_of_the_contract_and_are_read_back(m):
    assert modele_csv().decode("utf-8-sig").strip() == ENTETE
    assert [ligne for _, ligne in lire_lignes(SimpleUploadedFile("modele.xlsx", modele_xlsx()))] == [ENTETE.split(";")]
    assert refuse(m, SimpleUploadedFile("modele.csv", modele_csv())) == [
        {"ligne": None, "colonne": "", "message": "Le fichier ne contient aucune ligne de relevé sous l'en-tête."}
    ]


PAS_DE_CONTRAT = "Aucun contrat de l'entreprise en cours le 02/03/2026 pour {} (relevé de mars 2026)."
PERSONNE = ["Martin", "Léa", "02/03/1995", "02/03/2026", "13/03/2026", "7", "", "", ""]
SOUS_TRAITANT = ["", "", "", "01/03/2026", "31/03/2026", "", "M-2026-VOIRIE/1", "73282932000074", "100"]


def rang(base=PERSONNE, **valeurs):
    """A CSV row: Léa Martin's (or a sous-traitance one), with some values changed."""
    return ";".join({**dict(zip(COLONNES, base, strict=True)), **valeurs}.values())


@pytest.mark.parametrize(
    ("ligne", "colonne", "message"),
    [
        (
            rang(date_debut="31/02/2026"),
            "date_debut",
            "Date invalide « 31/02/2026 » : écrivez-la JJ/MM/AAAA ou AAAA-MM-JJ.",
        ),
        (rang(heures="-5"), "heures", "Heures : un nombre négatif n'est pas accepté."),
        (rang(heures="sept"), "heures", "Heures : nombre attendu, « sept » n'en est pas un."),
        (rang(heures=""), "heures", "Ce champ est obligatoire sur la ligne d'une personne."),
        (rang(date_fin="02/04/2026"), "date_fin", "La date doit être dans le mois du relevé (mars 2026)."),
        (rang(date_debut="13/03/2026", date_fin="02/03/2026"), "date_fin", "La date de fin précède la date de début."),
        (
            rang(nom="Inconnue", prenom="Zoé", date_naissance="01/01/1990"),
            "nom",
            PAS_DE_CONTRAT.format("Zoé Inconnue, né(e) le 01/01/1990"),
        ),
        # Another company's employee: the same message, which tells nothing of the other company.
        (
            rang(nom="Durand", prenom="Inès", date_naissance="01/01/1999"),
            "nom",
            PAS_DE_CONTRAT.format("Inès Durand, né(e) le 01/01/1999"),
        ),
        (rang(lot="M-B/1"), "lot", "Aucun lot « M-B/1 » dans ce guichet."),
        (rang(lot="M-2026-VOIRIE/2"), "lot", "Ce lot n'est pas attribué à l'entreprise du relevé."),
        (
            rang(lot="lot 1"),
            "lot",
            "Lot « lot 1 » : écrivez la référence du marché, une barre oblique et le numéro du lot "
            "(par exemple M-2026-001/2).",
        ),
        (rang(SOUS_TRAITANT, lot=""), "lot", "Indiquez le lot sous-traité."),
        (
            rang(SOUS_TRAITANT, siret_sous_traitant="73282932000075"),
            "siret_sous_traitant",
            "SIRET invalide « 73282932000075 » : 14 chiffres et une clé correcte.",
        ),
        (
            rang(SOUS_TRAITANT, siret_sous_traitant="44306184100047"),
            "siret_sous_traitant",
            "Aucune structure du guichet n'a le SIRET 44306184100047 : demandez au guichet de l'enregistrer.",
        ),
        (
            rang(SOUS_TRAITANT, nom="Martin"),
            "nom",
            "Sur une ligne de sous-traitance, les colonnes de la personne restent vides.",
        ),
        (rang() + ";;en trop", "", "Cette ligne a des valeurs au-delà des 9 colonnes du modèle."),
    ],
)
def test_a_wrong_row_is_reported_with_its_row_column_and_french_message_and_nothing_is_written(
    m, ligne, colonne, message
):
    assert {"ligne": 3, "colonne": colonne, "message": message} in refuse(m, csv(LEA, ligne))


def test_every_wrong_row_is_reported_at_once_in_file_order(m):
    erreurs = refuse(m, csv("Martin;Léa;02/03/1995;02/03/2026;13/03/2026;-1;;;", LEA, ";;;x;31/03/2026;;;;1"))
    assert [(e["ligne"], e["colonne"]) for e in erreurs] == [
        (2, "heures"),
        (4, "date_debut"),
        (4, "siret_sous_traitant"),
    ]


COLONNES_ATTENDUES = (
    "Colonnes attendues, dans cet ordre : nom; prenom; date_naissance; date_debut; date_fin; heures; lot; "
    "siret_sous_traitant; montant_ht. Colonnes trouvées : nom; prénom; heures."
)
PAS_UTF8 = (
    "Le fichier n'est pas encodé en UTF-8 : dans votre tableur, enregistrez-le au format « CSV UTF-8 (délimité par "
    "des points-virgules) », ou importez le classeur .xlsx."
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600  # how an Excel 97-2003 file starts


@pytest.mark.parametrize(
    ("fichier", "message"),
    [
        (SimpleUploadedFile("releve.csv", b""), "Le fichier est vide."),
        (SimpleUploadedFile("releve.csv", b"\r\n \r\n"), "Le fichier est vide."),
        (csv(LEA, entete="nom;prénom;heures"), COLONNES_ATTENDUES),
        (csv(entete=ENTETE.replace(";", ",")), "Le séparateur des colonnes doit être le point-virgule (;)."),
        (csv(LEA, encodage="cp1252"), PAS_UTF8),
        (SimpleUploadedFile("releve.csv", ENTETE.encode("utf-16")), PAS_UTF8),
        (
            SimpleUploadedFile("releve.xlsx", (ENTETE + "\n" + LEA).encode()),
            "Ce fichier porte l'extension .xlsx mais n'est pas un classeur Excel : il est refusé.",
        ),
        (
            SimpleUploadedFile("releve.xls", OLE),
            "Les classeurs Excel 97-2003 (.xls) et les classeurs protégés par un mot de passe ne sont pas acceptés",
        ),
        (SimpleUploadedFile("releve.xlsm", avec_macro(classeur())), "Ce classeur contient des macros : il est refusé."),
        (
            SimpleUploadedFile("releve.xlsx", b"PK\x03\x04 pas un zip"),
            "Ce classeur est endommagé : il ne peut pas être lu.",
        ),
        (
            SimpleUploadedFile("releve.pdf", b"%PDF-1.4\x00\x01\x02"),
            "Ce fichier n'est ni un classeur XLSX ni un fichier CSV : il est refusé.",
        ),
        (xlsx(entete=["Salarié", "Heures"]), "Colonnes attendues, dans cet ordre"),
    ],
    ids=[
        "vide",
        "blanc",
        "colonnes",
        "virgules",
        "cp1252",
        "utf16",
        "faux-xlsx",
        "xls",
        "macros",
        "zip",
        "pdf",
        "xlsx",
    ],
)
def test_a_file_that_is_not_a_readable_relevé_is_refused_in_french_and_nothing_is_written(m, fichier, message):
    (erreur,) = refuse(m, fichier)
    assert message in erreur["message"]


def test_formula_cells_are_refused_one_by_one_and_never_evaluated(m):
    fichier = xlsx(
        ["Martin", "Léa", "02/03/1995", "02/03/2026", "13/03/2026", "=7*5", None, None, None],
        ["Martin", "Léa", "02/03/1995", "=TODAY()", "13/03/2026", 7, None, None, None],
    )
    message = (
        "Cette cellule est calculée par une formule : remplacez-la par sa valeur (copier, puis collage spécial "
        "« valeurs »)."
    )
    assert refuse(m, fichier) == [
        {"ligne": 2, "colonne": "heures", "message": message},
        {"ligne": 3, "colonne": "date_debut", "message": message},
    ]


def test_a_huge_file_is_refused_before_it_is_read(m, settings):
    settings.RELEVE_IMPORT_TAILLE_MAX_MO = 1
    lignes = [LEA] * 20_000  # about 1.3 Mo
    assert refuse(m, csv(*lignes)) == [
        {"ligne": None, "colonne": "", "message": "Le fichier dépasse la taille maximale de 1 Mo."}
    ]


def test_a_file_of_too_many_rows_is_refused(m, monkeypatch):
    monkeypatch.setattr("entreprises.import_releves.LIGNES_MAX", 3)
    (erreur,) = refuse(m, csv(LEA, LEA, LEA, LEA))
    assert erreur["message"] == "Le fichier dépasse 3 lignes : découpez-le."
