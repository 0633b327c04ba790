"""The PDF bilans, asked for through the API and produced by their task (eager here): their text (pypdf) carries the
figures of ``reporting.indicateurs`` — the hand-computed territory of ``jeux.py`` — in every document; people are
aggregates with small cells hidden; each role reads its own bilans."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from guichet.enums import Role
from guichet.models import JournalAudit
from reporting import graphiques, indicateurs
from reporting.models import Bilan

from ..clients import api, url
from ..factories import AttributionFactory, EvenementFactory, SortieFactory, SuiviLotFactory
from .jeux import ANNEE, ATTENDU, ATTENDU_V, territoire_calcule

# Lots' progress as the recompute stores it (the end-of-marché bilan and the lots' table read it).
SUIVIS = {"l1": (220, "orange", Decimal("1200.00")), "l2": (100, "rouge", None), "l3": (85, "vert", None)}


def texte(contenu):
    """The PDF's text, every run of spaces (non-breaking ones included) made one space."""
    pages = PdfReader(io.BytesIO(contenu)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def ecrit(valeur, unite=""):
    return " ".join(graphiques.nombre(valeur, unite).split())


def seuil(territoire, valeur):
    from guichet.models import Parametres

    with territoire.scope():
        Parametres.objects.filter(guichet=territoire.guichet).update(seuil_petits_effectifs=valeur)


@pytest.fixture
def jeu(deux_guichets):
    """Guichet A holds the computed territory, its lots' suivis, a titulaire, an event and an outcome; B the same
    territory (its figures must never show in A's documents)."""
    a, b = deux_guichets
    territoire_calcule(b)
    t = territoire_calcule(a)
    g = a.guichet
    with a.scope():
        for nom, (realisees, statut, penalites) in SUIVIS.items():
            lot = getattr(t, nom)
            dues = lot.considerations.get(type="clause_heures").heures_dues
            SuiviLotFactory(
                guichet=g,
                lot=lot,
                heures_dues=dues,
                heures_realisees=realisees,
                statut_risque=statut,
                penalites_estimees=penalites,
            )
        AttributionFactory(guichet=g, lot=t.l1, entreprise=t.e1)
        EvenementFactory(guichet=g, date=date(2026, 5, 3), titre="Club des acheteurs du printemps")
        SortieFactory(guichet=g, contrat=t.c1, date=date(2026, 7, 31), situation="emploi_transition")
    return a, t


def produire(territoire, membre_role=Role.FACILITATEUR, django_capture=None, **demande):
    """POST ``bilans/`` then the eager task on commit; returns the bilan's JSON and its PDF."""
    client = api(territoire.membres[membre_role])
    with django_capture(execute=True):
        reponse = client.post(url("api:bilan-list", territoire), {"annee": ANNEE, **demande}, format="json")
    assert reponse.status_code == 202, reponse.content
    corps = reponse.json()
    assert set(corps) == {"id", "tache"}
    detail = client.get(url("api:bilan-detail", territoire, pk=corps["id"])).json()
    assert detail["statut"] == "termine", detail
    pdf = client.get(url("api:bilan-telecharger", territoire, pk=corps["id"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    return detail, b"".join(pdf.streaming_content)


def lignes_de(repartition, colonnes=None):
    """« libellé valeur… » of each line of a distribution, as the bilan's tables write them."""
    unite = "h" if repartition.unite == "h" else ""
    indices = colonnes or range(len(repartition.colonnes))
    return [
        f"{ligne.libelle} " + " ".join(ecrit(ligne.valeurs[i], unite) for i in indices)
        for ligne in repartition.lignes
        if len(ligne.libelle) < 50  # longer labels wrap inside their cell
    ]


def test_the_copil_bilan_carries_the_shared_indicators(jeu, django_capture_on_commit_callbacks):
    a, t = jeu
    seuil(a, 1)  # nothing hidden: every figure of the distributions is checked
    detail, pdf = produire(a, django_capture=django_capture_on_commit_callbacks, type="copil")
    assert detail["titre"] == "Bilan 2026 du comité de pilotage" and detail["fichier"].endswith("/telecharger/")
    lu = texte(pdf)
    for attendu in (
        f"HEURES RÉALISÉES {ecrit(ATTENDU['heures_realisees'], 'h')}",
        "HEURES DUES 1 670 h",
        "TAUX DE RÉALISATION 24,25 %",
        "ÉQUIVALENTS TEMPS PLEIN 0,25",
        "PERSONNES 3",
        "CONTRATS DE TRAVAIL 4",
        "ENTREPRISES 2",
        "STRUCTURES INCLUSIVES 1",
        "MARCHÉS NOTIFIÉS 3",
        "PART (OBJECTIF 30 %) 66,67 %",
        "Total 1 670 h 405 h",  # by buyer and by sector, summing to the key figures
        "Ville 940 h 320 h",
        "Club des acheteurs du printemps",
    ):
        assert attendu in lu, attendu
    with a.scope():
        portee = indicateurs.Portee(a.guichet, ANNEE)
        profils = indicateurs.personnes_par_profil(portee, seuil=1)
        attendues = [
            *lignes_de(indicateurs.heures_par_mois(portee)),
            *lignes_de(indicateurs.heures_par_secteur(portee)),
            *lignes_de(indicateurs.heures_par_acheteur(portee)),
            *lignes_de(indicateurs.heures_par_modalite(portee)),
            *lignes_de(indicateurs.heures_par_structure(portee)),
            *lignes_de(indicateurs.heures_par_type(portee), colonnes=[1]),
            *(ligne for cle in ("sexe", "age", "niveau", "qpv", "critere") for ligne in lignes_de(profils[cle])),
            *lignes_de(indicateurs.personnes_nouvelles(portee, seuil=1)),
            *lignes_de(indicateurs.contrats_par_type(portee, seuil=1)),
            *lignes_de(indicateurs.sorties_par_situation(portee, seuil=1)),
        ]
    assert "Femme 2" in attendues and "Emploi de transition 1 0" in attendues  # the hand-computed territory
    manquantes = [ligne for ligne in attendues if ligne not in lu]
    assert not manquantes
    # Cover, table of contents with page numbers, running footer, method note; no person's name.
    assert re.search(r"Sommaire Chiffres clés \.+ ?3", lu)
    assert "Page 3 sur" in lu and "Note de méthode" in lu
    with a.scope():
        assert not any(p.nom in lu for p in (t.p1, t.p2, t.p3))


def test_small_cells_are_hidden_in_a_public_bilan(jeu, django_capture_on_commit_callbacks):
    a, _ = jeu  # the default threshold: 5 people
    _, pdf = produire(a, django_capture=django_capture_on_commit_callbacks, type="copil")
    lu = texte(pdf)
    assert "Femme s Homme s" in lu and "Moins de 26 ans s" in lu
    assert "PERSONNES 3" in lu  # totals stay published


def test_a_buyer_bilan_holds_its_buyer_only(jeu, django_capture_on_commit_callbacks):
    a, t = jeu
    detail, pdf = produire(a, django_capture=django_capture_on_commit_callbacks, type="acheteur", acheteur=t.v.pk)
    lu = texte(pdf)
    assert detail["acheteur"] == t.v.pk and detail["titre"] == "Bilan 2026 – Ville"
    assert f"HEURES RÉALISÉES {ecrit(ATTENDU_V['heures_realisees'], 'h')}" in lu and "HEURES DUES 940 h" in lu
    assert "TAUX DE RÉALISATION 34,04 %" in lu and "PART (OBJECTIF 30 %) 100 %" in lu
    with a.scope():
        reference_m3 = t.m3.reference
        lot_l1 = f"{t.m1.reference}, lot {t.l1.numero}"
    assert reference_m3 not in lu and "Département" not in lu
    # Its lots: hours due of the year, hours of the year, the suivi's progress (220 / 640).
    assert f"{lot_l1} {t.l1.intitule} BTP – gros œuvre 640 h 220 h 34,38 % En retard" in lu


def test_the_end_of_marche_bilan_gives_each_lot_its_suivi_modalities_and_penalties(
    jeu, django_capture_on_commit_callbacks
):
    a, t = jeu
    _, pdf = produire(a, django_capture=django_capture_on_commit_callbacks, type="marche", marche=t.m1.pk)
    lu = texte(pdf)
    with a.scope():
        titulaire = t.e1.raison_sociale
        ligne = f"{t.l1.numero}. {t.l1.intitule} {titulaire} 640 h 220 h 34,38 % 420 h 0 h 1 200,00 €"
    assert ligne in lu
    # By modality, from the ledger: 200 h of direct hires and 20 h of training make the 220 h of the suivi.
    assert "Embauche directe 200 h Formation 20 h Total 220 h" in lu
    assert "1 personne · 1 contrat de travail" in lu


def test_an_attestation_states_the_company_hours_on_its_lot(jeu, django_capture_on_commit_callbacks):
    a, t = jeu
    capture = django_capture_on_commit_callbacks
    detail, pdf = produire(a, django_capture=capture, type="attestation_entreprise", entreprise=t.e1.pk, lot=t.l1.pk)
    lu = texte(pdf)
    with a.scope():
        entreprise = t.e1.raison_sociale
    assert detail["titre"].startswith(f"Attestation de réalisation – {entreprise}, lot")
    assert "Attestation de réalisation" in lu and f"l'entreprise {entreprise}" in lu and "titulaire du lot" in lu
    assert "220 h d'insertion pour 640 h dues au titre du lot, soit 34,38 %" in lu
    assert "du 1er avril 2026 au 31 décembre 2027" in lu and "Page 1 sur 1" in lu


@pytest.mark.parametrize(
    ("demande", "erreurs"),
    [
        ({"type": "acheteur"}, {"acheteur": ["Choisissez l'acheteur dont c'est le bilan."]}),
        ({"type": "marche"}, {"marche": ["Choisissez le marché."]}),
        (
            {"type": "attestation_entreprise"},
            {"entreprise": ["Choisissez l'entreprise."], "lot": ["Choisissez le lot."]},
        ),
        ({"type": "bilan"}, {"type": ["«\xa0bilan\xa0» n'est pas un choix valide."]}),
        ({"type": "copil", "annee": 1999}, {"annee": ["Indiquez une année à partir de 2000."]}),
    ],
)
def test_a_bad_request_is_a_clear_french_error_and_writes_nothing(guichet_a, demande, erreurs):
    reponse = api(guichet_a.membres[Role.FACILITATEUR]).post(url("api:bilan-list", guichet_a), demande, format="json")
    assert reponse.status_code == 400 and reponse.json() == erreurs
    with guichet_a.scope():
        assert not Bilan.objects.exists() and not JournalAudit.objects.filter(action="bilan.demande").exists()


def test_an_attestation_needs_a_company_owing_the_lot(jeu):
    a, t = jeu
    client = api(a.membres[Role.FACILITATEUR])
    demande = {"type": "attestation_entreprise", "annee": ANNEE, "entreprise": t.e4.pk, "lot": t.l1.pk}
    reponse = client.post(url("api:bilan-list", a), demande, format="json")
    assert reponse.json() == {"lot": ["Cette entreprise n'est ni titulaire ni co-traitante de ce lot."]}


def test_objects_of_another_guichet_are_unknown(deux_guichets):
    a, b = deux_guichets
    acheteur_b = b.membres[Role.ACHETEUR].acheteur_id
    reponse = api(a.membres[Role.FACILITATEUR]).post(
        url("api:bilan-list", a), {"type": "acheteur", "annee": 2026, "acheteur": acheteur_b}, format="json"
    )
    assert reponse.status_code == 400 and "acheteur" in reponse.json()


def test_each_role_lists_its_own_bilans_and_gets_404_for_the_others(jeu):
    from ..factories import BilanFactory

    a, t = jeu
    acheteur = a.membres[Role.ACHETEUR].acheteur
    entreprise = a.membres[Role.ENTREPRISE].entreprise
    with a.scope():
        t.m2.acheteur = acheteur
        t.m2.save()
        copil = BilanFactory(guichet=a.guichet, pret=True)
        du_sien = BilanFactory(guichet=a.guichet, type="acheteur", acheteur=acheteur)
        d_un_autre = BilanFactory(guichet=a.guichet, type="acheteur", acheteur=t.v)
        de_son_marche = BilanFactory(guichet=a.guichet, type="marche", marche=t.m2)
        attestation = BilanFactory(guichet=a.guichet, type="attestation_entreprise", entreprise=entreprise, lot=t.l2)
        autre_attestation = BilanFactory(guichet=a.guichet, type="attestation_entreprise", entreprise=t.e1, lot=t.l1)
    tous = {copil, du_sien, d_un_autre, de_son_marche, attestation, autre_attestation}
    attendus = {
        Role.ADMIN: tous,
        Role.FACILITATEUR: tous,
        Role.LECTEUR: {copil},
        Role.ACHETEUR: {du_sien, de_son_marche},
        Role.ENTREPRISE: {attestation},
    }
    for role, visibles in attendus.items():
        client = api(a.membres[role])
        lus = {b["id"] for b in client.get(url("api:bilan-list", a)).json()["results"]}
        assert lus == {b.pk for b in visibles}, role
        for cache in tous - visibles:
            assert client.get(url("api:bilan-detail", a, pk=cache.pk)).status_code == 404


def test_a_bilan_of_another_guichet_is_404(deux_guichets):
    from ..factories import BilanFactory

    a, b = deux_guichets
    with b.scope():
        etranger = BilanFactory(guichet=b.guichet, pret=True)
    client = api(a.membres[Role.ADMIN])
    for nom in ("api:bilan-detail", "api:bilan-telecharger"):
        assert client.get(url(nom, a, pk=etranger.pk)).status_code == 404
    assert client.post(url("api:bilan-regenerer", a, pk=etranger.pk)).status_code == 404


def test_regenerating_replaces_the_file_with_todays_figures(jeu, django_capture_on_commit_callbacks):
    a, t = jeu
    detail, _ = produire(a, django_capture=django_capture_on_commit_callbacks, type="marche", marche=t.m1.pk)
    with a.scope():
        bilan = Bilan.objects.get(pk=detail["id"])
        ancien = bilan.fichier.path
        t.l1.suivi.penalites_estimees = Decimal("3000")
        t.l1.suivi.save()
    client = api(a.membres[Role.FACILITATEUR])
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url("api:bilan-regenerer", a, pk=bilan.pk))
    assert reponse.status_code == 202 and reponse.json()["id"] == bilan.pk
    nouveau = client.get(url("api:bilan-telecharger", a, pk=bilan.pk))
    assert "3 000,00 €" in texte(b"".join(nouveau.streaming_content))
    import os

    assert not os.path.exists(ancien)
    with a.scope():
        assert JournalAudit.objects.filter(action="bilan.regenere", cible_id=str(bilan.pk)).exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_produces_a_bilan_the_web_then_serves(jeu, worker):
    """Through Redis to a separate worker process, as in production: the bilan's task writes the PDF where the web
    reads it."""
    import time

    from guichet.models import Tache
    from reporting import services

    a, t = jeu
    with a.scope():
        bilan = services.bilan_demander(
            guichet=a.guichet, type="marche", marche=t.m1, acting_user=a.membres[Role.FACILITATEUR].utilisateur
        )
        limite = time.monotonic() + 60
        while time.monotonic() < limite and not Tache.objects.get(pk=bilan.tache_id).finie:
            time.sleep(0.1)
        bilan.refresh_from_db()
        assert (bilan.statut, bilan.progression) == ("termine", 100), (bilan.tache.erreur, worker.poll())
        assert "Bilan de fin de marché" in texte(bilan.fichier.open("rb").read())
