"""What recomputes the ledger once committed (domain.md §5.5): attributions, dates and hours due of lots, marchés,
clauses and avenants, the buyer's pooling, contracts and eligibility, the guichet's settings. The tasks run eagerly
here; ``test_decompte_worker.py`` runs them through a real worker."""

from datetime import date

import pytest

from acheteurs.services import acheteur_update
from entreprises import decompte
from entreprises.models import SuiviLot
from guichet.services import parametres_update
from marches import services as marches
from publics import services as publics

from .chantier import D, exclusions, grand_livre


@pytest.fixture
def apres_commit(chantier, django_capture_on_commit_callbacks):
    """Run a service in guichet A and the recomputes it sent once its transaction commits (the ledger is
    computed first, as the nightly job leaves it)."""
    territoire = chantier[0]
    with territoire.scope():
        decompte.guichet_recalculer(territoire.guichet)

    def lancer(service, **kwargs):
        with territoire.scope(), django_capture_on_commit_callbacks(execute=True) as callbacks:
            service(acting_user=None, **kwargs)
        return callbacks

    return lancer


def realisees(lot):
    return SuiviLot.objects.get(lot=lot).heures_realisees


def test_an_attribution_created_counts_the_company_hours_on_the_lot(chantier, apres_commit):
    territoire, entreprise, lot_a, lot_b, *_ = chantier
    with territoire.scope():
        lot_a.attributions.all().delete()
        decompte.guichet_recalculer(territoire.guichet)
        assert (realisees(lot_a), realisees(lot_b)) == (0, 350)
    apres_commit(marches.attribution_create, guichet=territoire.guichet, lot=lot_a, entreprise=entreprise)
    with territoire.scope():
        assert (realisees(lot_a), realisees(lot_b)) == (250, 100)


def test_an_attribution_removed_takes_its_hours_off_the_lot(chantier, apres_commit):
    territoire, _, lot_a, lot_b, *_ = chantier
    with territoire.scope():
        attribution = lot_a.attributions.get()
    apres_commit(marches.attribution_delete, attribution=attribution)
    with territoire.scope():
        assert (realisees(lot_a), realisees(lot_b)) == (0, 350)


def test_new_lot_dates_move_the_hours(chantier, apres_commit):
    territoire, _, lot_a, lot_b, *_ = chantier
    apres_commit(marches.lot_update, lot=lot_b, date_fin_execution=date(2026, 3, 31))
    with territoire.scope():
        # B now closes with March: April's 120 h go to A too (B took 20 of them before).
        assert (realisees(lot_a), realisees(lot_b)) == (270, 80)


def test_new_marche_dates_move_the_hours_of_its_lots_without_dates(chantier, apres_commit):
    territoire, _, lot_a, lot_b, *_ = chantier
    with territoire.scope():
        lot_b.date_debut_execution = lot_b.date_fin_execution = None
        lot_b.save()
    apres_commit(
        marches.marche_update,
        marche=lot_b.marche,
        date_debut_execution=date(2026, 5, 1),
        date_fin_execution=date(2026, 12, 31),
    )
    with territoire.scope():
        # March is now outside every window; April and May go to A (both lots end on 31/12: the first lot first).
        assert (realisees(lot_a), realisees(lot_b)) == (270, 0)
        assert [heures for *_, heures, _ in exclusions(motif="hors_fenetre")] == [80]


def test_an_avenant_changes_the_hours_due_followed(chantier, apres_commit):
    territoire, _, lot_a, lot_b, *_ = chantier
    with territoire.scope():
        clause = lot_a.considerations.get()
    apres_commit(
        marches.avenant_create,
        guichet=territoire.guichet,
        consideration=clause,
        date_effet=date(2026, 6, 1),
        heures_dues=D("200"),
    )
    with territoire.scope():
        # A now owes 200 h: May fills it (100 h) and the other 50 h go to B, full, that ends first.
        suivi = SuiviLot.objects.get(lot=lot_a)
        assert (suivi.heures_dues, suivi.heures_realisees, realisees(lot_b)) == (200, 200, 150)


def test_removing_the_hours_clause_ends_the_lot_progress(chantier, apres_commit):
    territoire, _, lot_a, *_ = chantier
    with territoire.scope():
        clause = lot_a.considerations.get()
    apres_commit(marches.consideration_delete, consideration=clause)
    with territoire.scope():
        assert not SuiviLot.objects.filter(lot=lot_a).exists()


def test_an_eligibility_removed_excludes_the_person_hours(chantier, apres_commit):
    territoire, entreprise, lot_a, lot_b, contrat, _ = chantier
    with territoire.scope():
        eligibilite = contrat.beneficiaire.eligibilites.get()
    apres_commit(publics.eligibilite_delete, eligibilite=eligibilite)
    with territoire.scope():
        assert (realisees(lot_a), realisees(lot_b)) == (0, 0)
        assert [motif for *_, motif in exclusions(entreprise=entreprise)].count("non_eligible") == 3


def test_a_contract_assigned_to_a_lot_sends_its_hours_there(chantier, apres_commit):
    territoire, _, lot_a, lot_b, contrat, _ = chantier
    apres_commit(publics.contrat_update, contrat=contrat, lot=lot_a)
    with territoire.scope():
        # March is before A's window: excluded, never given to B.
        assert {regle for *_, regle, _ in grand_livre()} == {"explicite"}
        assert (realisees(lot_a), realisees(lot_b)) == (270, 0)
        assert [motif for *_, motif in exclusions()] == ["lot_explicite_hors_fenetre", "ligne_en_attente"]


def test_a_buyer_that_stops_pooling_keeps_only_explicit_hours(chantier, apres_commit):
    territoire, _, lot_a, lot_b, *_ = chantier
    apres_commit(acheteur_update, acheteur=lot_b.marche.acheteur, mutualisation_autorisee=False)
    with territoire.scope():
        assert realisees(lot_b) == 0
        assert realisees(lot_a) == 270
        assert [heures for *_, heures, _ in exclusions(motif="mutualisation_refusee")] == [80]


def test_the_counting_settings_recompute_the_whole_guichet(chantier, apres_commit):
    territoire, _, lot_a, lot_b, *_ = chantier
    apres_commit(parametres_update, guichet=territoire.guichet, regle_ventilation="prorata")
    with territoire.scope():
        # March → B (80 h). April's 120 h split by the hours still due, A 500 and B 20: 115.38 and 4.62 h.
        # May's 150 h by A 384.62 and B 15.38: 144.23 and 5.77 h (largest remainder for the last hundredth).
        assert (realisees(lot_a), realisees(lot_b)) == (D("259.61"), D("90.39"))


def test_a_clause_overrides_the_buyer_pooling(chantier, apres_commit):
    territoire, _, lot_a, lot_b, *_ = chantier
    with territoire.scope():
        clause = lot_b.considerations.get()
    apres_commit(marches.consideration_update, consideration=clause, mutualisation_autorisee=False)
    with territoire.scope():
        assert (realisees(lot_a), realisees(lot_b)) == (270, 0)
    apres_commit(acheteur_update, acheteur=lot_b.marche.acheteur, mutualisation_autorisee=False)
    apres_commit(marches.consideration_update, consideration=clause, mutualisation_autorisee=True)
    with territoire.scope():
        assert (realisees(lot_a), realisees(lot_b)) == (250, 100)


def test_the_nightly_job_recomputes_every_guichet(chantier, guichet_b):
    from entreprises.tasks import decompte_nuit

    territoire, _, lot_a, lot_b, *_ = chantier
    assert decompte_nuit() == 2  # eager in the tests: each guichet's task runs here
    with territoire.scope():
        assert (realisees(lot_a), realisees(lot_b)) == (250, 100)
