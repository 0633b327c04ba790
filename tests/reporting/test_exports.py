"""The exports, asked for through the API and produced by their task (eager here): they open with openpyxl (or as
CSV), their totals are the shared indicators of ``jeux.py``, people are pseudonymised, and no cell can become a
formula."""

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from guichet.enums import Role
from reporting.exports import CLASSEURS, dictionnaire_markdown
from reporting.models import Export

from ..clients import api, url
from .jeux import ANNEE, ATTENDU, territoire_calcule

INJECTION = '=HYPERLINK("http://exemple.invalid";"clic")'


@pytest.fixture
def jeu(deux_guichets):
    a, b = deux_guichets
    territoire_calcule(b)
    t = territoire_calcule(a)
    with a.scope():
        t.m1.objet = INJECTION
        t.m1.save()
    return a, t


def exporter(territoire, capture, **demande):
    client = api(territoire.membres[Role.FACILITATEUR])
    with capture(execute=True):
        reponse = client.post(url("api:export-list", territoire), {"annee": ANNEE, **demande}, format="json")
    assert reponse.status_code == 202, reponse.content
    detail = client.get(url("api:export-detail", territoire, pk=reponse.json()["id"])).json()
    assert detail["statut"] == "termine", detail
    fichier = client.get(url("api:export-telecharger", territoire, pk=detail["id"]))
    assert fichier.status_code == 200
    return fichier, b"".join(fichier.streaming_content)


def feuille(classeur, nom):
    """A sheet as a list of dicts keyed by the header row."""
    lignes = list(classeur[nom].iter_rows(values_only=True))
    return [dict(zip(lignes[0], ligne, strict=True)) for ligne in lignes[1:]]


def somme(lignes, colonne):
    return sum(Decimal(str(ligne[colonne] or 0)) for ligne in lignes)


def test_the_annual_workbook_opens_and_its_totals_are_the_indicators(jeu, django_capture_on_commit_callbacks):
    a, t = jeu
    reponse, contenu = exporter(a, django_capture_on_commit_callbacks, type="restitution_annuelle", format="xlsx")
    assert reponse["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    classeur = load_workbook(io.BytesIO(contenu))
    assert classeur.sheetnames == [f.nom for f in CLASSEURS["restitution_annuelle"].feuilles] + ["Dictionnaire"]
    realisees = ATTENDU["heures_realisees"]
    lots = feuille(classeur, "Lots")
    assert somme(lots, "Heures réalisées dans l'année") == realisees
    assert somme(lots, "Heures dues de l'année") == ATTENDU["heures_dues"]
    assert somme(feuille(classeur, "Heures mensuelles"), "Total") == realisees
    grand_livre = feuille(classeur, "Grand livre")
    assert somme(grand_livre, "Heures") == realisees and len(grand_livre) == 8
    personnes = feuille(classeur, "Personnes")
    assert len(personnes) == ATTENDU["beneficiaires"]
    assert somme(personnes, "Heures dans l'année") == realisees - 40  # the 40 h of sous-traitance have no person
    assert {ligne["Personne"] for ligne in grand_livre} - {""} - {None} == {p["Pseudonyme"] for p in personnes}
    assert sorted(p["Nouvelle"] for p in personnes) == ["non", "oui", "oui"]  # P3 had hours in 2025
    with a.scope():
        noms = {p.nom for p in (t.p1, t.p2, t.p3)}
        m2 = t.m2.reference
    cellules = {str(v) for f in classeur.worksheets for ligne in f.iter_rows(values_only=True) for v in ligne}
    assert not noms & cellules
    marches = {ligne["Référence du marché"]: ligne for ligne in feuille(classeur, "Marchés")}
    assert marches[m2]["considerationsSociales (DECP)"] == "Clause sociale, Marché réservé"
    # The dictionary lists every column of every sheet.
    dictionnaire = feuille(classeur, "Dictionnaire")
    assert len(dictionnaire) == sum(len(f.colonnes) for f in CLASSEURS["restitution_annuelle"].feuilles)


def test_a_formula_typed_in_a_record_stays_a_text(jeu, django_capture_on_commit_callbacks):
    a, _ = jeu
    _, contenu = exporter(a, django_capture_on_commit_callbacks, type="restitution_annuelle", format="xlsx")
    cellules = [c for ligne in load_workbook(io.BytesIO(contenu))["Marchés"].iter_rows() for c in ligne]
    (cellule,) = [c for c in cellules if c.value == INJECTION]
    assert cellule.data_type == "s"
    _, contenu = exporter(a, django_capture_on_commit_callbacks, type="decp", format="csv")
    assert f"'{INJECTION}".replace('"', '""') in contenu.decode("utf-8-sig")


def lire_csv(octets):
    assert octets.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(octets.decode("utf-8-sig")), delimiter=";"))


def test_the_annual_export_in_csv_is_a_zip_of_one_file_per_sheet(jeu, django_capture_on_commit_callbacks):
    a, _ = jeu
    reponse, contenu = exporter(a, django_capture_on_commit_callbacks, type="restitution_annuelle", format="csv")
    assert reponse["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(contenu))
    assert set(archive.namelist()) == {
        "marches.csv",
        "lots.csv",
        "considerations.csv",
        "attributions.csv",
        "entreprises.csv",
        "heures-mensuelles.csv",
        "grand-livre.csv",
        "personnes.csv",
        "sorties.csv",
        "dictionnaire.csv",
    }
    grand_livre = lire_csv(archive.read("grand-livre.csv"))
    assert sum(Decimal(ligne["Heures"].replace(",", ".")) for ligne in grand_livre) == ATTENDU["heures_realisees"]
    assert all("/" in ligne["Du"] for ligne in grand_livre)  # JJ/MM/AAAA


def test_the_national_consolidation_is_one_long_table_of_the_indicators(jeu, django_capture_on_commit_callbacks):
    a, _ = jeu
    _, contenu = exporter(a, django_capture_on_commit_callbacks, type="consolidation_nationale", format="xlsx")
    lignes = feuille(load_workbook(io.BytesIO(contenu)), "Consolidation")
    valeurs = {(ligne["Rubrique"], ligne["Indicateur"]): ligne["Valeur"] for ligne in lignes}
    assert Decimal(str(valeurs["Heures", "Heures réalisées"])) == ATTENDU["heures_realisees"]
    assert Decimal(str(valeurs["Heures", "Équivalents temps plein"])) == ATTENDU["etp"]
    assert valeurs["Participants", "Participants"] == ATTENDU["beneficiaires"]
    assert valeurs["Contrats de travail", "Contrats de travail"] == ATTENDU["contrats_travail"]
    assert valeurs["Entreprises", "Entreprises (SIREN distincts)"] == ATTENDU["entreprises"]
    assert Decimal(str(valeurs["Participants", "Heures par participant"])) == Decimal("135.00")
    par_montant = [ligne["Valeur"] for ligne in lignes if ligne["Rubrique"].endswith("par montant")]
    assert sum(par_montant) == ATTENDU["marches_avec_consideration_sociale"]
    par_modalite = [ligne["Valeur"] for ligne in lignes if ligne["Rubrique"] == "Heures par modalité"]
    assert sum(Decimal(str(v)) for v in par_modalite) == ATTENDU["heures_realisees"]
    _, contenu = exporter(a, django_capture_on_commit_callbacks, type="consolidation_nationale", format="csv")
    assert len(lire_csv(contenu)) == len(lignes)


def test_decp_gives_each_marche_notified_in_the_year_its_social_considerations(jeu, django_capture_on_commit_callbacks):
    a, t = jeu
    reponse, contenu = exporter(a, django_capture_on_commit_callbacks, type="decp", format="csv")
    assert reponse["Content-Type"].startswith("text/csv")
    lignes = {ligne["id"]: ligne["considerationsSociales"] for ligne in lire_csv(contenu)}
    with a.scope():
        notifies = {m.reference for m in t.m1.__class__.objects.filter(date_notification__year=ANNEE)}
        attendu = {t.m1.reference: "Clause sociale", t.m2.reference: "Clause sociale, Marché réservé"}
    assert set(lignes) == notifies
    assert {ref: lignes[ref] for ref in attendu} == attendu
    assert set(lignes.values()) - set(attendu.values()) == {"Pas de considération sociale"}  # the 4th marché


@pytest.mark.parametrize(
    ("demande", "erreurs"),
    [
        ({"type": "tout"}, {"type": ["«\xa0tout\xa0» n'est pas un choix valide."]}),
        ({"type": "decp", "format": "pdf"}, {"format": ["«\xa0pdf\xa0» n'est pas un choix valide."]}),
        ({"type": "decp", "annee": 2101}, {"annee": ["Indiquez une année jusqu'à 2100."]}),
    ],
)
def test_a_bad_export_request_is_a_french_error_and_writes_nothing(guichet_a, demande, erreurs):
    reponse = api(guichet_a.membres[Role.ADMIN]).post(url("api:export-list", guichet_a), demande, format="json")
    assert reponse.status_code == 400 and reponse.json() == erreurs
    with guichet_a.scope():
        assert not Export.objects.exists()


def test_the_documented_dictionary_is_up_to_date():
    """``docs/exports.md`` is written by ``manage.py dictionnaire_exports`` from the exports' definitions."""
    document = Path(settings.BASE_DIR) / "docs" / "exports.md"
    assert document.read_text(encoding="utf-8") == dictionnaire_markdown() + "\n"
