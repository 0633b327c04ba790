"""Beneficiaries, eligibility, positionings, contracts, outcomes and the personal-data rules (domain.md §6, §7, §10)."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guichet.enums import Role
from guichet.models import JournalAudit, Parametres
from publics import selectors, services
from publics.models import (
    MOTIF_APRES,
    MOTIF_AUCUNE,
    MOTIF_EXPIREE,
    AccesDonnees,
    Beneficiaire,
    Contrat,
    CritereEligibilite,
    Eligibilite,
    RevisionCriteres,
)
from publics.tasks import beneficiaires_conservation

from ..clients import api, connecte, url
from ..factories import (
    BeneficiaireFactory,
    ContratFactory,
    EligibiliteFactory,
    EntrepriseFactory,
    LotFactory,
    PositionnementFactory,
    SortieFactory,
)

pytestmark = pytest.mark.django_db


def _membre(territoire, role=Role.FACILITATEUR):
    return territoire.membres[role]


# --- Eligibility and the contract's ``eligible`` ---------------------------------------------------------


def test_contract_is_eligible_only_with_a_validated_eligibility_covering_its_start(guichet_a):
    with guichet_a.scope():
        g = guichet_a.guichet
        sans = ContratFactory(guichet=g)
        apres = ContratFactory(guichet=g, date_debut=date(2026, 1, 5))
        EligibiliteFactory(guichet=g, beneficiaire=apres.beneficiaire)  # validated 2026-01-10
        expiree = ContratFactory(guichet=g, date_debut=date(2028, 6, 1), date_fin=None)
        EligibiliteFactory(guichet=g, beneficiaire=expiree.beneficiaire)  # until 2028-01-10
        ok = ContratFactory(guichet=g, date_debut=date(2026, 2, 1))
        EligibiliteFactory(guichet=g, beneficiaire=ok.beneficiaire)
        lus = {c.pk: (c.eligible, c.motif_ineligibilite) for c in Contrat.objects.avec_eligibilite()}
        entrees = {e.id: e for e in Contrat.objects.filter(pk__in=[ok.pk, sans.pk]).entrees_moteur()}
    assert lus[sans.pk] == (False, MOTIF_AUCUNE)
    assert lus[apres.pk] == (False, MOTIF_APRES)
    assert lus[expiree.pk] == (False, MOTIF_EXPIREE)
    assert lus[ok.pk] == (True, "")
    assert entrees[ok.pk].eligible and entrees[ok.pk].motif_ineligibilite is None
    assert not entrees[sans.pk].eligible and entrees[sans.pk].motif_ineligibilite == MOTIF_AUCUNE


def test_validity_end_defaults_to_the_guichet_setting_and_valide_is_read_today(guichet_a, voyage):
    voyage(date(2026, 3, 1))
    with guichet_a.scope():
        Parametres.objects.filter(guichet=guichet_a.guichet).update(validite_eligibilite_mois=6)
        personne = BeneficiaireFactory(guichet=guichet_a.guichet)
    client = api(_membre(guichet_a))
    reponse = client.post(
        url("api:eligibilite-list", guichet_a),
        {"beneficiaire": personne.pk, "criteres": ["rsa", "qpv"], "base": "criteres", "date_validation": "2026-01-31"},
        format="json",
    )
    assert reponse.status_code == 201, reponse.content
    assert reponse.json()["valide_jusqu_au"] == "2026-07-31"
    assert reponse.json()["valide"] is True
    voyage(date(2026, 8, 1))
    assert client.get(url("api:eligibilite-detail", guichet_a, pk=reponse.json()["id"])).json()["valide"] is False


def test_criteria_outside_the_guichet_list_are_refused_and_each_change_is_a_new_version(guichet_a):
    with guichet_a.scope():
        critere = CritereEligibilite.objects.get(code="ppsmj")
        avant = RevisionCriteres.objects.count()
        services.critere_update(critere=critere, acting_user=None, actif=False)
        assert RevisionCriteres.objects.count() == avant + 1
        personne = BeneficiaireFactory(guichet=guichet_a.guichet)
    reponse = api(_membre(guichet_a)).post(
        url("api:eligibilite-list", guichet_a),
        {"beneficiaire": personne.pk, "criteres": ["ppsmj"], "date_validation": "2026-01-31"},
        format="json",
    )
    assert reponse.status_code == 400 and "criteres" in reponse.json()


@pytest.mark.parametrize("supprimer", [True, False])
def test_scanned_proof_is_deleted_once_validated_when_the_setting_says_so(
    guichet_a, supprimer, django_capture_on_commit_callbacks
):
    with guichet_a.scope():
        Parametres.objects.filter(guichet=guichet_a.guichet).update(supprimer_justificatif_valide=supprimer)
        eligibilite = EligibiliteFactory(guichet=guichet_a.guichet, a_valider=True)
        nom = eligibilite.justificatif.name
    client = api(_membre(guichet_a))
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("api:eligibilite-valider", guichet_a, pk=eligibilite.pk), {}, format="json")
    assert reponse.status_code == 200, reponse.content
    assert reponse.json()["valide"] is True and reponse.json()["valide_par"] == _membre(guichet_a).utilisateur.email
    assert default_storage.exists(nom) is not supprimer
    assert (reponse.json()["justificatif"] is None) is supprimer
    assert reponse.json()["justificatif_type"] == "attestation_france_travail"  # the metadata stay


def test_eligibility_expiring_within_30_days_are_listed_once_per_person(guichet_a):
    with guichet_a.scope():
        g = guichet_a.guichet
        bientot = EligibiliteFactory(guichet=g, valide_jusqu_au=date(2026, 3, 20))
        renouvelee = EligibiliteFactory(guichet=g, valide_jusqu_au=date(2026, 3, 20))
        EligibiliteFactory(guichet=g, beneficiaire=renouvelee.beneficiaire, valide_jusqu_au=date(2028, 3, 1))
        EligibiliteFactory(guichet=g, valide_jusqu_au=date(2026, 6, 1))
        lues = list(selectors.eligibilites_a_echeance(guichet=g, aujourdhui=date(2026, 3, 1)))
    assert lues == [bientot]


# --- Duplicates ----------------------------------------------------------------------------------------


def test_duplicates_are_flagged_and_merged_with_their_history(guichet_a):
    with guichet_a.scope():
        g = guichet_a.guichet
        garde = BeneficiaireFactory(guichet=g, nom="Leroy", prenom="Nadia", commune="")
        doublon = BeneficiaireFactory(guichet=g, nom="LEROY", prenom="nadia", commune="Arras")
        BeneficiaireFactory(guichet=g, nom="Leroy", prenom="Nadia", date_naissance=date(1991, 1, 1))
        EligibiliteFactory(guichet=g, beneficiaire=doublon)
        ContratFactory(guichet=g, beneficiaire=doublon)
        PositionnementFactory(guichet=g, beneficiaire=doublon)
    client = api(_membre(guichet_a))
    liste = client.get(url("api:beneficiaire-list", guichet_a), {"doublon": "true"}).json()
    assert {p["id"] for p in liste["results"]} == {garde.pk, doublon.pk}
    reponse = client.post(
        url("api:beneficiaire-fusionner", guichet_a, pk=garde.pk), {"doublon": doublon.pk}, format="json"
    )
    assert reponse.status_code == 200, reponse.content
    assert reponse.json()["commune"] == "Arras" and reponse.json()["doublon"] is False
    with guichet_a.scope():
        assert not Beneficiaire.objects.filter(pk=doublon.pk).exists()
        assert garde.eligibilites.count() == 1 and garde.contrats.count() == 1 and garde.positionnements.count() == 1
        assert JournalAudit.objects.filter(action="beneficiaire.merge", cible_id=str(garde.pk)).exists()


def test_a_persons_duplicates_ignore_case_and_leave_out_the_anonymised(guichet_a):
    with guichet_a.scope():
        g = guichet_a.guichet
        personne = BeneficiaireFactory(guichet=g, nom="Müller", prenom="Élodie")
        ne_le = personne.date_naissance
        meme = BeneficiaireFactory(guichet=g, nom="MÜLLER", prenom="élodie", date_naissance=ne_le)
        anonymisee = BeneficiaireFactory(guichet=g, nom="Müller", prenom="Élodie", date_naissance=ne_le)
        Beneficiaire.objects.filter(pk=anonymisee.pk).update(anonymise_le=timezone.now())
        BeneficiaireFactory(guichet=g, nom="Müller", prenom="Elodie", date_naissance=ne_le)  # not the same name
        assert list(selectors.doublons_de(beneficiaire=personne)) == [meme]
        assert set(selectors.doublons(guichet=g)) == {personne, meme}


def test_merging_a_person_of_another_guichet_is_refused(deux_guichets):
    a, b = deux_guichets
    with a.scope():
        garde = BeneficiaireFactory(guichet=a.guichet)
    with b.scope():
        autre = BeneficiaireFactory(guichet=b.guichet)
    reponse = api(_membre(a)).post(
        url("api:beneficiaire-fusionner", a, pk=garde.pk), {"doublon": autre.pk}, format="json"
    )
    assert reponse.status_code == 400


# --- Positionings, contracts, outcomes -----------------------------------------------------------------------


def test_hiring_a_positioned_person_creates_the_contract(guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet)
        positionnement = PositionnementFactory(guichet=guichet_a.guichet, lot=lot, poste="Maçon")
        EligibiliteFactory(guichet=guichet_a.guichet, beneficiaire=positionnement.beneficiaire)
    reponse = api(_membre(guichet_a)).post(
        url("api:positionnement-embaucher", guichet_a, pk=positionnement.pk),
        {"type_contrat": "cdi", "date_debut": "2026-04-01"},
        format="json",
    )
    assert reponse.status_code == 201, reponse.content
    contrat = reponse.json()
    assert contrat["eligible"] is True and contrat["lot"] == lot.pk and contrat["poste"] == "Maçon"
    assert contrat["beneficiaire"] == positionnement.beneficiaire_id
    with guichet_a.scope():
        positionnement.refresh_from_db()
    assert positionnement.statut == "embauche" and positionnement.contrat_id == contrat["id"]


def test_not_retained_needs_a_reason(guichet_a):
    with guichet_a.scope():
        positionnement = PositionnementFactory(guichet=guichet_a.guichet)
    client = api(_membre(guichet_a))
    lien = url("api:positionnement-detail", guichet_a, pk=positionnement.pk)
    assert client.patch(lien, {"statut": "non_retenu"}, format="json").status_code == 400
    assert (
        client.patch(lien, {"statut": "non_retenu", "motif_non_retenu": "Permis B requis"}, format="json").status_code
        == 200
    )


def test_mise_a_disposition_needs_a_placing_structure(guichet_a):
    with guichet_a.scope():
        personne = BeneficiaireFactory(guichet=guichet_a.guichet)
        entreprise = EntrepriseFactory(guichet=guichet_a.guichet)
        etti = EntrepriseFactory(guichet=guichet_a.guichet, type_structure="etti")
    client = api(_membre(guichet_a))
    data = {
        "beneficiaire": personne.pk,
        "entreprise": entreprise.pk,
        "modalite": "mise_a_disposition",
        "type_contrat": "interim",
        "date_debut": "2026-03-01",
    }
    assert client.post(url("api:contrat-list", guichet_a), data, format="json").status_code == 400
    reponse = client.post(url("api:contrat-list", guichet_a), {**data, "structure": etti.pk}, format="json")
    assert reponse.status_code == 201 and reponse.json()["structure"] == etti.pk


def test_outcomes_still_to_record_at_the_end_and_six_months_later(guichet_a):
    with guichet_a.scope():
        g = guichet_a.guichet
        fini = ContratFactory(guichet=g, date_debut=date(2025, 11, 1), date_fin=date(2026, 1, 31))
        saisi = ContratFactory(guichet=g, date_debut=date(2025, 11, 1), date_fin=date(2026, 1, 31))
        SortieFactory(guichet=g, contrat=saisi, moment="fin_contrat")
        ContratFactory(guichet=g, date_fin=None)
        ancien = ContratFactory(guichet=g, date_debut=date(2025, 1, 1), date_fin=date(2025, 6, 30))
        SortieFactory(guichet=g, contrat=ancien, moment="fin_contrat", date=date(2025, 6, 30))
        lignes = {(c.pk, m) for c, m, _ in selectors.sorties_a_saisir(guichet=g, aujourdhui=date(2026, 3, 1))}
    assert lignes == {(fini.pk, "fin_contrat"), (ancien.pk, "six_mois")}


def test_the_same_outcome_moment_is_recorded_once(guichet_a):
    with guichet_a.scope():
        sortie = SortieFactory(guichet=guichet_a.guichet)
    reponse = api(_membre(guichet_a)).post(
        url("api:sortie-list", guichet_a),
        {"contrat": sortie.contrat_id, "date": "2026-08-01", "moment": "fin_contrat", "situation": "autre"},
        format="json",
    )
    assert reponse.status_code == 400


# --- Personal data per role ------------------------------------------------------------------------------------


def test_a_company_sees_its_contracts_and_its_employees_names_never_their_criteria(guichet_a):
    entreprise = _membre(guichet_a, Role.ENTREPRISE).entreprise
    with guichet_a.scope():
        sien = ContratFactory(guichet=guichet_a.guichet, entreprise=entreprise)
        EligibiliteFactory(guichet=guichet_a.guichet, beneficiaire=sien.beneficiaire)
        autre = ContratFactory(guichet=guichet_a.guichet)
    client = api(_membre(guichet_a, Role.ENTREPRISE))
    contrats = client.get(url("api:contrat-list", guichet_a)).json()["results"]
    assert [c["id"] for c in contrats] == [sien.pk] and contrats[0]["eligible"] is True
    personnes = client.get(url("api:beneficiaire-list", guichet_a)).json()["results"]
    assert personnes == [{"id": sien.beneficiaire_id, "nom": sien.beneficiaire.nom, "prenom": "Sam"}]
    assert client.get(url("api:beneficiaire-detail", guichet_a, pk=autre.beneficiaire_id)).status_code == 404
    assert client.get(url("api:eligibilite-list", guichet_a)).status_code == 403
    assert client.get(url("api:beneficiaire-export", guichet_a, pk=sien.beneficiaire_id)).status_code == 403
    contenu = connecte(Client(), guichet_a, Role.ENTREPRISE).get(url("contrats", guichet_a)).content.decode()
    assert sien.beneficiaire.nom in contenu and autre.beneficiaire.nom not in contenu
    assert "Demandeur d'emploi" not in contenu and "17/05/1990" not in contenu


@pytest.mark.parametrize("role", [Role.LECTEUR, Role.ACHETEUR])
def test_readers_and_buyers_see_no_personal_data(guichet_a, role):
    client = api(_membre(guichet_a, role))
    for nom in ("api:beneficiaire-list", "api:eligibilite-list", "api:contrat-list", "api:sortie-list"):
        assert client.get(url(nom, guichet_a)).status_code == 403, nom


def test_every_read_of_an_eligibility_is_logged_and_admins_consult_the_log(guichet_a, client):
    with guichet_a.scope():
        eligibilites = [EligibiliteFactory(guichet=guichet_a.guichet) for _ in range(3)]
    facilitateur = _membre(guichet_a)
    api(facilitateur).get(url("api:eligibilite-list", guichet_a))
    api(facilitateur).get(url("api:eligibilite-detail", guichet_a, pk=eligibilites[0].pk))
    connecte(client, guichet_a).get(url("beneficiaire", guichet_a, pk=eligibilites[1].beneficiaire_id))
    with guichet_a.scope():
        acces = list(
            AccesDonnees.objects.filter(utilisateur=facilitateur.utilisateur).values_list("beneficiaire", "objet")
        )
    assert sorted(acces) == sorted(
        [(e.beneficiaire_id, "eligibilite") for e in eligibilites]
        + [(eligibilites[0].beneficiaire_id, "eligibilite"), (eligibilites[1].beneficiaire_id, "eligibilite")]
    )
    admin = connecte(client, guichet_a, Role.ADMIN)
    page = admin.get(url("journal_acces", guichet_a))
    assert page.status_code == 200 and facilitateur.utilisateur.email in page.content.decode()
    log = api(_membre(guichet_a, Role.ADMIN)).get(url("api:acces-donnees-list", guichet_a)).json()
    assert log["count"] == 5


def test_right_of_access_export_holds_everything_on_the_person_and_is_logged(guichet_a):
    with guichet_a.scope():
        contrat = ContratFactory(guichet=guichet_a.guichet)
        EligibiliteFactory(guichet=guichet_a.guichet, beneficiaire=contrat.beneficiaire)
        SortieFactory(guichet=guichet_a.guichet, contrat=contrat)
    reponse = api(_membre(guichet_a)).get(url("api:beneficiaire-export", guichet_a, pk=contrat.beneficiaire_id))
    donnees = reponse.json()
    assert donnees["identite"]["nom"] == contrat.beneficiaire.nom
    assert donnees["eligibilites"][0]["criteres"] == ["deld", "qpv"]
    assert donnees["contrats"][0]["sorties"][0]["situation"] == "emploi_transition"
    with guichet_a.scope():
        assert AccesDonnees.objects.filter(beneficiaire=contrat.beneficiaire, objet="export").count() == 1
        assert JournalAudit.objects.filter(action="beneficiaire.export").count() == 1


def test_page_export_is_a_json_download(guichet_a, client):
    with guichet_a.scope():
        personne = BeneficiaireFactory(guichet=guichet_a.guichet)
    reponse = connecte(client, guichet_a).get(url("beneficiaire_export", guichet_a, pk=personne.pk))
    assert reponse["Content-Type"].startswith("application/json") and b'"identite"' in reponse.content


# --- Retention (domain.md §10) ----------------------------------------------------------------------------------


def test_retention_reports_first_then_anonymises_inactive_people_keeping_aggregates(
    guichet_a, voyage, django_capture_on_commit_callbacks
):
    with guichet_a.scope():
        g = guichet_a.guichet
        inactif = ContratFactory(guichet=g, date_debut=date(2026, 2, 1), date_fin=date(2026, 6, 30))
        eligibilite = EligibiliteFactory(
            guichet=g,
            beneficiaire=inactif.beneficiaire,
            justificatif=ContentFile(b"%PDF-1.4", name="piece.pdf"),
        )
        nom_piece = eligibilite.justificatif.name
        actif = ContratFactory(guichet=g, date_debut=date(2026, 2, 1), date_fin=None)
    voyage(date(2028, 6, 30))  # 24 months after the last activity: not yet
    with guichet_a.scope():
        assert services.beneficiaires_anonymiser(guichet=g, aujourdhui=date(2028, 6, 30))["personnes"] == 0
    voyage(date(2028, 7, 1))
    with guichet_a.scope():
        rapport = services.beneficiaires_anonymiser(guichet=g, aujourdhui=date(2028, 7, 1), simulation=True)
        assert rapport["identifiants"] == [inactif.beneficiaire_id]
        assert Beneficiaire.objects.get(pk=inactif.beneficiaire_id).anonymise_le is None  # a dry run changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        bilan = beneficiaires_conservation.delay().get()
    assert bilan["anonymisees"] == 1
    with guichet_a.scope():
        personne = Beneficiaire.objects.get(pk=inactif.beneficiaire_id)
        assert personne.anonymise_le is not None and personne.nom == "Anonyme" and personne.prenom == ""
        assert personne.date_naissance == date(1990, 1, 1) and personne.sexe == "F" and personne.code_postal == "62300"
        assert personne.contrats.count() == 1
        assert not Eligibilite.objects.get(pk=eligibilite.pk).justificatif
        assert Beneficiaire.objects.get(pk=actif.beneficiaire_id).anonymise_le is None
    assert not default_storage.exists(nom_piece)


def test_retention_page_shows_the_dry_run_and_runs_on_confirmation(guichet_a, client, voyage):
    with guichet_a.scope():
        personne = BeneficiaireFactory(guichet=guichet_a.guichet, date_entree=date(2020, 1, 1))
    voyage(date(2026, 3, 1))
    admin = connecte(client, guichet_a, Role.ADMIN)
    assert f"n°{personne.pk}" in admin.get(url("conservation", guichet_a)).content.decode()
    assert admin.post(url("conservation", guichet_a), {}).status_code == 400
    assert admin.post(url("conservation", guichet_a), {"confirmer": "on"}).status_code == 302
    with guichet_a.scope():
        assert Beneficiaire.objects.get(pk=personne.pk).anonymise_le is not None


# --- Fiche de prescription, tenancy, queries -----------------------------------------------------------------


def test_fiche_de_prescription_is_a_pdf_listing_the_guichet_criteria(guichet_a, client):
    with guichet_a.scope():
        critere = CritereEligibilite.objects.get(code="senior")
        services.critere_update(critere=critere, acting_user=None, libelle="Personne de 50 ans et plus, du territoire")
    reponse = connecte(client, guichet_a).get(url("fiche_prescription", guichet_a))
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse.content.startswith(b"%PDF") and len(reponse.content) > 2000
    try:
        from pypdf import PdfReader
    except ImportError:
        return
    import io

    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(reponse.content)).pages)
    assert "Personne de 50 ans et plus" in texte


@pytest.mark.parametrize(
    ("nom", "factory"),
    [
        ("api:beneficiaire-detail", BeneficiaireFactory),
        ("api:eligibilite-detail", EligibiliteFactory),
        ("api:contrat-detail", ContratFactory),
        ("api:sortie-detail", SortieFactory),
        ("api:positionnement-detail", PositionnementFactory),
        ("api:beneficiaire-export", BeneficiaireFactory),
        ("beneficiaire", BeneficiaireFactory),
        ("beneficiaire_export", BeneficiaireFactory),
        ("beneficiaire_modifier", BeneficiaireFactory),
        ("eligibilite_supprimer", EligibiliteFactory),
        ("contrat_modifier", ContratFactory),
        ("positionnement_embaucher", PositionnementFactory),
        ("sortie_supprimer", SortieFactory),
    ],
)
def test_objects_of_another_guichet_are_404(deux_guichets, client, nom, factory):
    a, b = deux_guichets
    with b.scope():
        objet = factory(guichet=b.guichet)
    if nom.startswith("api:"):
        reponse = api(_membre(a, Role.ADMIN)).get(url(nom, a, pk=objet.pk))
    else:
        reponse = connecte(client, a, Role.ADMIN).get(url(nom, a, pk=objet.pk))
    assert reponse.status_code == 404


def test_creating_a_contract_with_a_company_of_another_guichet_is_refused(deux_guichets):
    a, b = deux_guichets
    with a.scope():
        personne = BeneficiaireFactory(guichet=a.guichet)
    with b.scope():
        autre = EntrepriseFactory(guichet=b.guichet)
    reponse = api(_membre(a)).post(
        url("api:contrat-list", a),
        {"beneficiaire": personne.pk, "entreprise": autre.pk, "type_contrat": "cdd", "date_debut": "2026-03-01"},
        format="json",
    )
    assert reponse.status_code == 400 and "entreprise" in reponse.json()


@pytest.mark.parametrize(
    "nom", ["api:beneficiaire-list", "api:contrat-list", "api:eligibilite-list", "api:sortie-list"]
)
def test_lists_answer_in_a_constant_number_of_queries(guichet_a, nom):
    client = api(_membre(guichet_a))

    def peupler(n):
        with guichet_a.scope():
            lot = LotFactory(guichet=guichet_a.guichet)
            for _ in range(n):
                contrat = ContratFactory(guichet=guichet_a.guichet, lot=lot)
                EligibiliteFactory(guichet=guichet_a.guichet, beneficiaire=contrat.beneficiaire)
                SortieFactory(guichet=guichet_a.guichet, contrat=contrat)

    def compter():
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(url(nom, guichet_a)).status_code == 200
        return len(requetes)

    peupler(2)
    petit = compter()
    peupler(8)
    assert compter() == petit


def test_pages_of_a_person_render_for_a_facilitator(guichet_a, client):
    with guichet_a.scope():
        contrat = ContratFactory(guichet=guichet_a.guichet)
        EligibiliteFactory(guichet=guichet_a.guichet, beneficiaire=contrat.beneficiaire)
        PositionnementFactory(guichet=guichet_a.guichet, beneficiaire=contrat.beneficiaire)
        SortieFactory(guichet=guichet_a.guichet, contrat=contrat)
    c = connecte(client, guichet_a)
    fiche = c.get(url("beneficiaire", guichet_a, pk=contrat.beneficiaire_id)).content.decode()
    assert "Demandeur d&#x27;emploi de longue durée" in fiche and "Emploi de transition" in fiche
    for nom in ("beneficiaires", "contrats", "prescripteurs", "criteres", "doublons", "sorties_a_saisir"):
        assert c.get(url(nom, guichet_a)).status_code == 200, nom
    assert "Bénéficiaires" in c.get(url("guichet_accueil", guichet_a)).content.decode()


def test_the_retention_command_reports_without_changing_anything_in_simulation(guichet_a, capsys):
    from django.core.management import call_command

    with guichet_a.scope():
        personne = BeneficiaireFactory(guichet=guichet_a.guichet, date_entree=date(2015, 1, 1))
    call_command("anonymiser_beneficiaires", "--simulation", "--guichet", guichet_a.slug)
    assert "1 personne(s) à anonymiser" in capsys.readouterr().out
    with guichet_a.scope():
        assert Beneficiaire.objects.get(pk=personne.pk).anonymise_le is None
    call_command("anonymiser_beneficiaires", "--guichet", guichet_a.slug)
    with guichet_a.scope():
        assert Beneficiaire.objects.get(pk=personne.pk).anonymise_le is not None


def test_a_pending_eligibility_is_validated_from_the_page(guichet_a, client):
    with guichet_a.scope():
        eligibilite = EligibiliteFactory(guichet=guichet_a.guichet, a_valider=True)
    reponse = connecte(client, guichet_a).post(url("eligibilite_valider", guichet_a, pk=eligibilite.pk))
    assert reponse.status_code == 302
    with guichet_a.scope():
        eligibilite.refresh_from_db()
        assert eligibilite.date_validation is not None and eligibilite.valide_jusqu_au is not None
        assert eligibilite.valide_par == _membre(guichet_a).utilisateur
