"""The ``releves/`` API exactly as api.md writes it: fields, ``periode`` as ``YYYY-MM``, nested lines writable while
``brouillon``, ``soumettre/``, ``valider/``, ``import/``, ``modele/``, filters, roles, foreign ids."""

import io

import pytest
from openpyxl import load_workbook

from entreprises.models import LigneReleve, Releve
from guichet.enums import Role

from ..clients import api, url
from ..factories import LigneReleveFactory, ReleveFactory
from .fichiers import LEA, SOUS_TRAITANCE, csv
from .releves import MARS, monde


@pytest.fixture
def m(guichet_a, guichet_b):
    monde(guichet_b)
    return monde(guichet_a)


def client(m, role=Role.ENTREPRISE):
    return api(m.territoire.membres[role])


def personne(m, **data):
    return {"contrat": m.contrat.pk, "date_debut": "2026-03-02", "date_fin": "2026-03-13", "heures": "70.50", **data}


def test_a_company_creates_its_relevé_with_nested_lines_and_reads_it_back_as_in_api_md(m):
    sous_traitance = {
        "sous_traitant": m.structure.pk,
        "montant_ht": 12000,
        "lot": m.lot.pk,
        "date_debut": "2026-03-01",
        "date_fin": "2026-03-31",
    }
    reponse = client(m).post(
        url("api:releve-list", m.territoire),
        {"periode": "2026-03", "lignes": [personne(m), sous_traitance]},
        format="json",
    )
    assert reponse.status_code == 201, reponse.json()
    corps = reponse.json()
    assert {cle: corps[cle] for cle in ("entreprise", "periode", "statut", "source", "corrige")} == {
        "entreprise": m.entreprise.pk,
        "periode": "2026-03",
        "statut": "brouillon",
        "source": "api",
        "corrige": None,
    }
    st, ligne = corps["lignes"]  # by start date
    assert ligne == {
        "id": ligne["id"],
        "contrat": m.contrat.pk,
        "personne": "Léa Martin",
        "sous_traitant": None,
        "montant_ht": None,
        "lot": None,
        "date_debut": "2026-03-02",
        "date_fin": "2026-03-13",
        "heures": "70.50",
        "statut": "en_attente",
        "motif_rejet": "",
    }
    assert (st["sous_traitant"], st["montant_ht"], st["lot"], st["heures"]) == (
        m.structure.pk,
        "12000.00",
        m.lot.pk,
        None,
    )
    assert "eligible" not in str(corps) and "criteres" not in str(corps)


@pytest.mark.parametrize(
    ("donnees", "erreurs"),
    [
        ({"periode": "03/2026"}, {"periode": ["Indiquez le mois au format AAAA-MM (par exemple 2026-03)."]}),
        ({"periode": "2026-13"}, {"periode": ["Indiquez le mois au format AAAA-MM (par exemple 2026-03)."]}),
        (
            {"periode": "2026-03", "entreprise": "autre"},
            {"entreprise": ["Vous ne déclarez que pour votre entreprise."]},
        ),
    ],
)
def test_a_wrong_relevé_answers_400_in_french_and_writes_nothing(m, donnees, erreurs):
    if donnees.get("entreprise") == "autre":
        donnees["entreprise"] = m.autre_entreprise.pk
    reponse = client(m).post(url("api:releve-list", m.territoire), donnees, format="json")
    assert (reponse.status_code, reponse.json()) == (400, erreurs)
    with m.territoire.scope():
        assert not Releve.objects.exists()


def test_a_line_of_another_company_answers_400_with_the_line_number(m):
    reponse = client(m).post(
        url("api:releve-list", m.territoire),
        {"periode": "2026-03", "lignes": [personne(m), personne(m, contrat=m.contrat_autre.pk)]},
        format="json",
    )
    assert reponse.status_code == 400
    assert reponse.json() == {
        "lignes": ["Ligne 2 : contrat : Ce contrat n'est pas un contrat de l'entreprise du relevé."]
    }


def test_the_lines_are_written_while_draft_then_the_company_submits_and_the_facilitator_validates(m):
    entreprise, facilitateur = client(m), client(m, Role.FACILITATEUR)
    releve = entreprise.post(
        url("api:releve-list", m.territoire), {"periode": "2026-03", "lignes": [personne(m)]}, format="json"
    ).json()
    detail = url("api:releve-detail", m.territoire, pk=releve["id"])
    premiere = releve["lignes"][0]["id"]
    reponse = entreprise.patch(
        detail,
        {"lignes": [{"id": premiere, "heures": 35}, personne(m, contrat=m.contrat_non_eligible.pk)]},
        format="json",
    )
    assert reponse.status_code == 200, reponse.json()
    assert [(ligne["id"] == premiere, ligne["heures"]) for ligne in reponse.json()["lignes"]] == [
        (True, "35.00"),
        (False, "70.50"),
    ]
    seconde = reponse.json()["lignes"][1]["id"]

    assert (
        entreprise.post(url("api:releve-valider", m.territoire, pk=releve["id"]), {}, format="json").status_code == 403
    )
    reponse = entreprise.post(url("api:releve-soumettre", m.territoire, pk=releve["id"]))
    assert (reponse.status_code, reponse.json()["statut"]) == (200, "soumis")
    reponse = entreprise.patch(detail, {"lignes": []}, format="json")
    assert (reponse.status_code, reponse.json()) == (
        400,
        {"non_field_errors": ["Ce relevé est soumis : il n'est plus modifiable."]},
    )

    reponse = facilitateur.post(
        url("api:releve-valider", m.territoire, pk=releve["id"]),
        {"rejets": [{"ligne": seconde, "motif": "Contrat non signé"}]},
        format="json",
    )
    assert reponse.status_code == 200, reponse.json()
    assert reponse.json()["statut"] == "valide"
    assert [(ligne["statut"], ligne["motif_rejet"]) for ligne in reponse.json()["lignes"]] == [
        ("valide", ""),
        ("rejete", "Contrat non signé"),
    ]
    assert entreprise.delete(detail).status_code == 400
    correction = entreprise.post(url("api:releve-corriger", m.territoire, pk=releve["id"]))
    assert (correction.status_code, correction.json()["corrige"], correction.json()["statut"]) == (
        201,
        releve["id"],
        "brouillon",
    )


def test_validation_without_a_reason_answers_400_and_changes_nothing(m):
    with m.territoire.scope():
        releve = ReleveFactory(guichet=m.guichet, entreprise=m.entreprise, soumis=True)
        ligne = LigneReleveFactory(guichet=m.guichet, releve=releve, contrat=m.contrat)
    reponse = client(m, Role.FACILITATEUR).post(
        url("api:releve-valider", m.territoire, pk=releve.pk),
        {"rejets": [{"ligne": ligne.pk, "motif": ""}]},
        format="json",
    )
    assert (reponse.status_code, reponse.json()) == (
        400,
        {"rejets": [f"Indiquez le motif du rejet de la ligne {ligne.pk}."]},
    )
    with m.territoire.scope():
        assert Releve.objects.get().statut == "soumis"


def test_import_creates_a_draft_or_answers_the_row_by_row_errors_and_writes_nothing(m):
    entreprise = client(m)
    adresse = url("api:releve-import", m.territoire)
    reponse = entreprise.post(adresse, {"fichier": csv(LEA, SOUS_TRAITANCE), "periode": "2026-03"}, format="multipart")
    assert reponse.status_code == 201, reponse.json()
    assert (reponse.json()["statut"], reponse.json()["source"], len(reponse.json()["lignes"])) == (
        "brouillon",
        "import",
        2,
    )
    mauvais = csv(LEA, "Martin;Léa;02/03/1995;02/03/2026;13/03/2026;-5;;;")
    reponse = entreprise.post(
        adresse, {"fichier": mauvais, "periode": "2026-03", "entreprise": m.entreprise.pk}, format="multipart"
    )
    assert reponse.status_code == 400
    assert reponse.json() == {
        "erreurs": [{"ligne": 3, "colonne": "heures", "message": "Heures : un nombre négatif n'est pas accepté."}]
    }
    with m.territoire.scope():
        assert (Releve.objects.count(), LigneReleve.objects.count()) == (1, 2)


def test_a_facilitator_imports_for_a_named_company_only(m):
    reponse = client(m, Role.FACILITATEUR).post(
        url("api:releve-import", m.territoire), {"fichier": csv(LEA), "periode": "2026-03"}, format="multipart"
    )
    assert (reponse.status_code, reponse.json()) == (400, {"entreprise": ["Ce champ est obligatoire."]})


@pytest.mark.parametrize("format_", ["xlsx", "csv"])
def test_the_template_downloads_in_both_formats(m, format_):
    reponse = client(m).get(url("api:releve-modele", m.territoire), {"format": format_})
    assert reponse.status_code == 200
    assert reponse["Content-Disposition"] == f'attachment; filename="modele-releve.{format_}"'
    if format_ == "csv":
        assert reponse.content.decode("utf-8-sig").startswith(
            "nom;prenom;date_naissance;date_debut;date_fin;heures;lot;"
        )
    else:
        feuille = load_workbook(io.BytesIO(reponse.content), read_only=True).worksheets[0]
        assert next(feuille.iter_rows(values_only=True))[:3] == ("nom", "prenom", "date_naissance")
    assert client(m).get(url("api:releve-modele", m.territoire), {"format": "pdf"}).json() == {
        "format": ["Choisissez xlsx ou csv."]
    }


def test_filters_and_what_each_role_sees(m):
    with m.territoire.scope():
        siens = ReleveFactory(guichet=m.guichet, entreprise=m.entreprise, periode=MARS, soumis=True)
        ReleveFactory(guichet=m.guichet, entreprise=m.entreprise, periode=MARS.replace(month=4))
        autre = ReleveFactory(guichet=m.guichet, entreprise=m.autre_entreprise, periode=MARS, soumis=True)
    liste = url("api:releve-list", m.territoire)

    def ids(role, **filtres):
        return sorted(r["id"] for r in client(m, role).get(liste, filtres).json()["results"])

    assert ids(Role.FACILITATEUR, periode="2026-03", statut="soumis") == sorted([siens.pk, autre.pk])
    assert ids(Role.FACILITATEUR, entreprise=m.autre_entreprise.pk) == [autre.pk]
    assert ids(Role.ENTREPRISE, periode="2026-03") == [siens.pk]
    assert client(m, Role.ENTREPRISE).get(url("api:releve-detail", m.territoire, pk=autre.pk)).status_code == 404
    for role in (Role.LECTEUR, Role.ACHETEUR):
        assert client(m, role).get(liste).status_code == 403


def test_a_relevé_of_another_guichet_is_404_for_every_route(m, guichet_b):
    with guichet_b.scope():
        etranger = ReleveFactory(guichet=guichet_b.guichet, entreprise=guichet_b.membres[Role.ENTREPRISE].entreprise)
    facilitateur = client(m, Role.FACILITATEUR)
    for nom, methode in [
        ("detail", "get"),
        ("detail", "patch"),
        ("detail", "delete"),
        ("soumettre", "post"),
        ("valider", "post"),
        ("corriger", "post"),
    ]:
        reponse = getattr(facilitateur, methode)(
            url(f"api:releve-{nom}", m.territoire, pk=etranger.pk), {}, format="json"
        )
        assert reponse.status_code == 404, (nom, methode)
