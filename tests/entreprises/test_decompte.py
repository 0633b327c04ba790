"""The recorded counting (``entreprises.decompte``): inputs read from the database, the ledger replaced in one
transaction, the lots' progress summed over every company of the lot, the locks, the same ledger on a retry."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from entreprises import decompte
from entreprises.models import Allocation, SuiviLot
from guichet.models import Guichet
from guichet.services import parametres_update
from guichet.tenancy import guichet_scope
from marches.models import Consideration

from ..conftest import EN_ROLE_APPLICATION
from ..factories import AttributionFactory, EntrepriseFactory
from .chantier import D, contrat_eligible, exclusions, grand_livre, ligne, lot_clause, recalcul_concurrent


def test_a_company_recompute_writes_its_ledger_with_rules_and_one_computation_time(chantier):
    territoire, entreprise, lot_a, lot_b, contrat, lignes = chantier
    with territoire.scope():
        bilan = decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        e, mars, avril, mai = entreprise.pk, *(ligne.pk for ligne in lignes[:3])
        # March: only B is open. April: B ends first (20 h left), the rest to A. May: B is full, A takes it.
        assert grand_livre("ligne_id", "lot_id", "debut", "fin", "heures", "regle") == sorted(
            [
                (mars, lot_b.pk, date(2026, 3, 1), date(2026, 3, 31), D("80.00"), "echeance"),
                (avril, lot_a.pk, date(2026, 4, 1), date(2026, 4, 30), D("100.00"), "echeance"),
                (avril, lot_b.pk, date(2026, 4, 1), date(2026, 4, 30), D("20.00"), "echeance"),
                (mai, lot_a.pk, date(2026, 5, 1), date(2026, 5, 31), D("150.00"), "echeance"),
            ]
        )
        assert set(grand_livre("entreprise_id", "contrat_id", "modalite")) == {(e, contrat.pk, "embauche_directe")}
        assert exclusions() == [(e, lignes[3].pk, None, D("100.00"), "ligne_en_attente")]
        assert len(set(Allocation.objects.values_list("calcule_le", flat=True))) == 1
        assert bilan["allocations"] == 4 and bilan["exclusions"] == 1 and bilan["lots"] == 2


def test_the_progress_of_each_lot_comes_from_its_ledger(chantier):
    territoire, entreprise, lot_a, lot_b, *_ = chantier
    with territoire.scope():
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        a, b = SuiviLot.objects.get(lot=lot_a), SuiviLot.objects.get(lot=lot_b)
    # Lot A: 250 h in the first 92 days of 275 → 250 × 275 ÷ 92 = 747.28 h projected, on track, no penalty.
    assert (a.heures_dues, a.heures_realisees, a.taux_realisation, a.reste_a_realiser) == (500, 250, D("0.5"), 250)
    assert (a.projection_fin, a.statut_risque, a.penalites_estimees) == (D("747.28"), "vert", D("0"))
    # Lot B ended on 30 June with its 100 h: terminé, nothing missing.
    assert (b.heures_realisees, b.taux_realisation, b.depassement, b.statut_risque) == (100, 1, 0, "termine")


def test_a_lot_of_a_groupement_sums_the_ledger_of_every_member(chantier):
    territoire, entreprise, lot_a, _, _, _ = chantier
    with territoire.scope():
        cotraitant = EntrepriseFactory(guichet=territoire.guichet)
        AttributionFactory(guichet=territoire.guichet, lot=lot_a, entreprise=cotraitant, role="cotraitant")
        contrat = contrat_eligible(territoire, cotraitant, date_debut=date(2026, 4, 1))
        ligne(territoire, contrat, date(2026, 6, 1), date(2026, 6, 30), 300)
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=cotraitant.pk)
        suivi = SuiviLot.objects.get(lot=lot_a)
    assert (suivi.heures_realisees, suivi.depassement, suivi.reste_a_realiser) == (550, 50, 0)


def test_a_lot_whose_attribution_disappears_loses_the_hours_of_that_company(chantier):
    territoire, entreprise, lot_a, lot_b, *_ = chantier
    with territoire.scope():
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        lot_a.attributions.get().delete()
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        assert SuiviLot.objects.get(lot=lot_a).heures_realisees == 0
        assert not Allocation.objects.filter(lot=lot_a).exists()
        # B, the only lot left, takes every hour: 250 h beyond its 100 h due.
        b = SuiviLot.objects.get(lot=lot_b)
        assert (b.heures_realisees, b.depassement) == (350, 250)


def test_a_retry_writes_the_same_ledger(chantier):
    territoire, entreprise, *_ = chantier
    with territoire.scope():
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        premier = grand_livre(), exclusions(), list(SuiviLot.objects.values_list("lot_id", "heures_realisees"))
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        second = grand_livre(), exclusions(), list(SuiviLot.objects.values_list("lot_id", "heures_realisees"))
    assert premier == second


# As the application's role, each of the two ledger tables goes through a temporary table (decompte._copier):
# CREATE, INSERT … SELECT and TRUNCATE, plus the one question whether its policy applies.
REQUETES_DE_PLUS_SOUS_RLS = 8 if EN_ROLE_APPLICATION else 0


def test_the_guichet_recompute_gives_the_ledger_of_the_company_recomputes_and_follows_lots_without_company(
    chantier, django_assert_max_num_queries
):
    territoire, entreprise, *_ = chantier
    with territoire.scope():
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        par_entreprise = grand_livre(), exclusions()
        seul = lot_clause(territoire, heures=300, debut=date(2026, 1, 1), fin=date(2026, 12, 31))
        with django_assert_max_num_queries(24 + REQUETES_DE_PLUS_SOUS_RLS):
            bilan = decompte.guichet_recalculer(territoire.guichet)
        assert (grand_livre(), exclusions()) == par_entreprise
        suivi = SuiviLot.objects.get(lot=seul)
    assert (suivi.heures_realisees, suivi.statut_risque, bilan["lots"]) == (0, "rouge", 3)


def test_the_guichet_recompute_reads_in_a_constant_number_of_queries(chantier):
    territoire, *_ = chantier

    def requetes():
        with CaptureQueriesContext(connection) as capture:
            decompte.guichet_recalculer(territoire.guichet)
        return len(capture)

    with territoire.scope():
        avant = requetes()
        for _ in range(5):
            autre = EntrepriseFactory(guichet=territoire.guichet)
            AttributionFactory(
                guichet=territoire.guichet,
                entreprise=autre,
                lot=lot_clause(territoire, heures=100, debut=date(2026, 1, 1), fin=date(2026, 12, 31)),
            )
            contrat = contrat_eligible(territoire, autre)
            ligne(territoire, contrat, date(2026, 3, 1), date(2026, 3, 31), 10)
        assert requetes() == avant


def test_a_lot_without_hours_clause_has_no_progress(chantier):
    territoire, _, lot_a, *_ = chantier
    with territoire.scope():
        decompte.guichet_recalculer(territoire.guichet)
        lot_a.considerations.all().delete()
        decompte.lots_recalculer(guichet=territoire.guichet, lot_ids=[lot_a.pk])
        assert not SuiviLot.objects.filter(lot=lot_a).exists()
        assert not Allocation.objects.filter(lot=lot_a).exists()


def test_the_guichet_settings_choose_the_risk_thresholds(chantier):
    territoire, entreprise, lot_a, *_ = chantier
    with territoire.scope():
        parametres_update(
            guichet=territoire.guichet, acting_user=None, seuil_risque_vert=D("1"), seuil_risque_orange=D("0.8")
        )
        lot_a.considerations.update(heures_dues=900)
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        assert SuiviLot.objects.get(lot=lot_a).statut_risque == "orange"  # 747.28 h projected ÷ 900 h = 0.83
        parametres_update(guichet=territoire.guichet, acting_user=None, seuil_risque_orange=D("0.9"))
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        assert SuiviLot.objects.get(lot=lot_a).statut_risque == "rouge"


@pytest.mark.django_db(transaction=True)
def test_a_recompute_waits_for_the_lock_of_the_same_company_and_gives_up_without_writing(guichet_a, settings):
    settings.DECOMPTE_ATTENTE_VERROU = 0.2
    with guichet_a.scope():
        entreprise = EntrepriseFactory(guichet=guichet_a.guichet)
        autre = EntrepriseFactory(guichet=guichet_a.guichet)
    with recalcul_concurrent(guichet_a, entreprise), guichet_a.scope():
        with pytest.raises(OperationalError):
            decompte.entreprise_recalculer(guichet=guichet_a.guichet, entreprise_id=entreprise.pk)
        # Another company of the guichet is not held up.
        decompte.entreprise_recalculer(guichet=guichet_a.guichet, entreprise_id=autre.pk)
        # The whole guichet waits for every company recompute.
        with pytest.raises(OperationalError):
            decompte.guichet_recalculer(guichet_a.guichet)
    with guichet_a.scope():
        decompte.entreprise_recalculer(guichet=guichet_a.guichet, entreprise_id=entreprise.pk)
        assert transaction.get_autocommit()


def test_the_demo_recomputes_its_lots_once_at_the_end(db, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as envois:
        call_command("seed_demo")
    capsys.readouterr()
    assert not [envoi for envoi in envois if "_apres_commit" in repr(envoi)]  # no recompute per object loaded
    for guichet in Guichet.objects.all():
        with guichet_scope(guichet.pk):
            clauses = Consideration.objects.clauses_heures().values_list("lot_id", flat=True)
            assert set(SuiviLot.objects.values_list("lot_id", flat=True)) == set(clauses)
