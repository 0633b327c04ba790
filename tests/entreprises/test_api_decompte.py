"""The API of the hours counting (api.md): ``lots/<id>/suivi/``, ``allocations/``, ``exclusions/``, ``recalculs/``;
who reads which rows, and 404 for an object of another guichet."""

from datetime import date
from decimal import Decimal

import pytest

from entreprises import decompte
from entreprises.models import Allocation
from guichet.enums import Role
from guichet.models import Tache

from ..clients import api, url
from ..factories import AttributionFactory, LotFactory
from .chantier import chantier as construire_chantier
from .chantier import contrat_eligible, ligne


def client(territoire, role=Role.FACILITATEUR):
    return api(territoire.membres[role])


def test_the_suivi_of_a_lot_gives_the_fields_of_the_contract(chantier):
    territoire, entreprise, lot_a, *_ = chantier
    with territoire.scope():
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
    body = client(territoire).get(url("api:lot-suivi", territoire, pk=lot_a.pk)).json()
    assert Decimal(body["heures_dues"]) == 500 and Decimal(body["heures_realisees"]) == 250
    assert Decimal(body["depassement"]) == 0
    assert Decimal(body["taux_realisation"]) == Decimal("0.5") and Decimal(body["reste_a_realiser"]) == 250
    assert (body["statut_risque"], Decimal(body["projection_fin"]), Decimal(body["penalites_estimees"])) == (
        "vert",
        Decimal("747.28"),
        0,
    )
    assert body["calcule_le"] is not None


def test_the_suivi_of_a_lot_not_yet_recomputed_is_computed_from_the_ledger(chantier):
    territoire, _, lot_a, *_ = chantier
    body = client(territoire, Role.LECTEUR).get(url("api:lot-suivi", territoire, pk=lot_a.pk)).json()
    assert (Decimal(body["heures_dues"]), Decimal(body["heures_realisees"]), body["calcule_le"]) == (500, 0, None)
    assert (body["statut_risque"], Decimal(body["penalites_estimees"])) == ("rouge", Decimal("30000"))


def test_the_suivi_of_a_lot_of_another_guichet_is_404(deux_guichets):
    a, b = deux_guichets
    with b.scope():
        lot = LotFactory(guichet=b.guichet)
    assert client(a, Role.ADMIN).get(url("api:lot-suivi", a, pk=lot.pk)).status_code == 404


@pytest.fixture
def grand_livre_partage(chantier):
    """The company member co-contracts lot A with hours of its own; lot B belongs to the buyer member's buyer."""
    territoire, entreprise, lot_a, lot_b, *_ = chantier
    with territoire.scope():
        membre = territoire.membres[Role.ENTREPRISE].entreprise
        AttributionFactory(guichet=territoire.guichet, lot=lot_a, entreprise=membre, role="cotraitant")
        propre = ligne(territoire, contrat_eligible(territoire, membre), date(2026, 4, 1), date(2026, 4, 30), 35)
        lot_b.marche.acheteur = territoire.membres[Role.ACHETEUR].acheteur
        lot_b.marche.save()
        decompte.guichet_recalculer(territoire.guichet)
    return territoire, entreprise, membre, propre, lot_a, lot_b


def lister(territoire, role, name="api:allocation-list", **filtres):
    response = client(territoire, role).get(url(name, territoire), filtres)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_ledger_lists_line_lot_hours_rule_and_time(grand_livre_partage):
    territoire, entreprise, _, _, lot_a, _ = grand_livre_partage
    rangees = lister(territoire, Role.FACILITATEUR, lot=lot_a.pk, entreprise=entreprise.pk)
    assert {"ligne", "lot", "heures", "regle", "calcule_le"} <= set(rangees[0])
    assert sorted((Decimal(r["heures"]), r["regle"]) for r in rangees) == [(100, "echeance"), (150, "echeance")]
    with territoire.scope():
        une = Allocation.objects.filter(entreprise=entreprise).first()
    assert [r["id"] for r in lister(territoire, Role.ADMIN, ligne=une.ligne_id, lot=une.lot_id)] == [une.pk]


def test_a_company_reads_its_own_ledger_and_a_buyer_that_of_its_lots(grand_livre_partage):
    territoire, entreprise, membre, propre, _lot_a, lot_b = grand_livre_partage
    assert {r["ligne"] for r in lister(territoire, Role.ENTREPRISE)} == {propre.pk}
    assert {r["entreprise"] for r in lister(territoire, Role.FACILITATEUR)} == {entreprise.pk, membre.pk}
    assert {r["lot"] for r in lister(territoire, Role.ACHETEUR)} == {lot_b.pk}
    assert lister(territoire, Role.ENTREPRISE, entreprise=entreprise.pk) == []
    with territoire.scope():
        autre = Allocation.objects.filter(entreprise=entreprise).first()
    detail = url("api:allocation-detail", territoire, pk=autre.pk)
    assert client(territoire, Role.ENTREPRISE).get(detail).status_code == 404


def test_excluded_hours_carry_their_reason_in_french(grand_livre_partage):
    territoire, entreprise, *_ = grand_livre_partage
    (rangee,) = lister(territoire, Role.FACILITATEUR, "api:exclusion-list", entreprise=entreprise.pk)
    assert (rangee["motif"], rangee["motif_libelle"]) == (
        "ligne_en_attente",
        "Ligne pas encore validée par le facilitateur",
    )


def test_a_ledger_row_of_another_guichet_is_404(deux_guichets, voyage):
    a, b = deux_guichets
    voyage(date(2026, 7, 1))
    _, entreprise, *_ = construire_chantier(b)
    with b.scope():
        decompte.guichet_recalculer(b.guichet)
        rangee = Allocation.objects.filter(entreprise=entreprise).first()
    assert client(a, Role.ADMIN).get(url("api:allocation-detail", a, pk=rangee.pk)).status_code == 404
    assert lister(a, Role.ADMIN) == []


def test_recalculs_starts_a_task_followed_in_taches(chantier, django_capture_on_commit_callbacks):
    territoire, _entreprise, lot_a, *_ = chantier
    facilitateur = client(territoire)
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitateur.post(url("api:recalcul-list", territoire), {}, format="json")
    assert response.status_code == 202
    tache = facilitateur.get(url("api:tache-detail", territoire, pk=response.json()["tache"])).json()
    assert (tache["etat"], tache["progression"], tache["erreur"]) == ("termine", 100, None)
    assert tache["resultat"]["entreprises"] == 1 and tache["resultat"]["lots"] == 2
    suivi = facilitateur.get(url("api:lot-suivi", territoire, pk=lot_a.pk)).json()
    assert Decimal(suivi["heures_realisees"]) == 250


def test_recalculs_of_one_company(chantier, django_capture_on_commit_callbacks):
    territoire, entreprise, _lot_a, *_ = chantier
    with django_capture_on_commit_callbacks(execute=True):
        response = client(territoire, Role.ADMIN).post(
            url("api:recalcul-list", territoire), {"entreprise": entreprise.pk}, format="json"
        )
    assert response.status_code == 202
    with territoire.scope():
        tache = Tache.objects.get(pk=response.json()["tache"])
        assert (tache.etat, tache.resultat["entreprises"]) == ("termine", 1)
        assert Allocation.objects.filter(entreprise=entreprise).count() == 4


def test_recalculs_of_a_company_of_another_guichet_is_refused_and_starts_nothing(deux_guichets):
    a, b = deux_guichets
    etrangere = b.membres[Role.ENTREPRISE].entreprise
    response = client(a).post(url("api:recalcul-list", a), {"entreprise": etrangere.pk}, format="json")
    assert response.status_code == 400 and "entreprise" in response.json()
    with a.scope():
        assert not Tache.objects.exists()
