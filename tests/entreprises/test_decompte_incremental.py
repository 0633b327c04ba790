"""The nightly recompute (``guichet_recalculer(forcer=False)``) rewrites only the companies whose inputs or ledger
changed since their last recompute (``EmpreinteDecompte``), and ends with the very ledger a full rewrite gives."""

from datetime import date

from entreprises import decompte
from entreprises.models import Allocation, EmpreinteDecompte, Exclusion, SuiviLot
from guichet.services import parametres_update
from publics.models import Eligibilite

from ..factories import AttributionFactory, EntrepriseFactory
from .chantier import D, contrat_eligible, exclusions, grand_livre, ligne, lot_clause


def etat():
    """The ledger and the lots' progress, without what changes from one run to the next."""
    suivis = SuiviLot.objects.order_by("lot_id").values_list(
        "lot_id", "heures_dues", "heures_realisees", "statut_risque"
    )
    return grand_livre(), exclusions(), list(suivis)


def ecrits_le():
    """When each row of the ledger and of the lots' progress was written."""
    return sorted(Allocation.objects.values_list("pk", "calcule_le")), sorted(
        SuiviLot.objects.values_list("lot_id", "calcule_le")
    )


def apres_une_reecriture_complete(territoire):
    """What a full rewrite gives from the same inputs (the reference the nightly run must match)."""
    decompte.guichet_recalculer(territoire.guichet, forcer=True)
    return etat()


def deuxieme_entreprise(territoire):
    entreprise = EntrepriseFactory(guichet=territoire.guichet)
    lot = lot_clause(territoire, heures=200, debut=date(2026, 1, 1), fin=date(2026, 12, 31))
    AttributionFactory(guichet=territoire.guichet, lot=lot, entreprise=entreprise)
    contrat = contrat_eligible(territoire, entreprise, date_debut=date(2026, 1, 1))
    ligne(territoire, contrat, date(2026, 2, 1), date(2026, 2, 28), 70)
    return entreprise


def test_nothing_changed_nothing_is_rewritten(chantier):
    territoire, *_ = chantier
    with territoire.scope():
        deuxieme_entreprise(territoire)
        decompte.guichet_recalculer(territoire.guichet)
        avant = etat(), ecrits_le()
        bilan = decompte.guichet_recalculer(territoire.guichet, forcer=False)
        assert (etat(), ecrits_le()) == avant
    assert (bilan["entreprises"], bilan["recalculees"], bilan["allocations"]) == (2, 0, 0)


def test_a_changed_line_recomputes_its_company_only(chantier):
    territoire, _, _, _, _, lignes = chantier
    with territoire.scope():
        autre = deuxieme_entreprise(territoire)
        decompte.guichet_recalculer(territoire.guichet)
        de_l_autre = sorted(Allocation.objects.filter(entreprise=autre).values_list("pk", "calcule_le"))
        # Written behind the services' back: no trigger ran, only the nightly run can see it.
        type(lignes[0]).objects.filter(pk=lignes[0].pk).update(heures=D("95"))
        bilan = decompte.guichet_recalculer(territoire.guichet, forcer=False)
        assert sorted(Allocation.objects.filter(entreprise=autre).values_list("pk", "calcule_le")) == de_l_autre
        incremental = etat()
        assert (D("95"), lignes[0].pk) in {(h, ligne_id) for _, ligne_id, *_, h, _, _ in grand_livre()}
        assert incremental == apres_une_reecriture_complete(territoire)
    assert (bilan["recalculees"], bilan["entreprises"]) == (1, 2)


def test_hours_due_changed_without_a_trigger_are_seen(chantier):
    territoire, _, lot_a, *_ = chantier
    with territoire.scope():
        decompte.guichet_recalculer(territoire.guichet)
        lot_a.considerations.update(heures_dues=120)
        bilan = decompte.guichet_recalculer(territoire.guichet, forcer=False)
        assert SuiviLot.objects.get(lot=lot_a).heures_dues == 120
        assert etat() == apres_une_reecriture_complete(territoire)
    assert bilan["recalculees"] == 1


def test_a_lost_eligibility_is_seen(chantier):
    territoire, entreprise, _, _, contrat, _ = chantier
    with territoire.scope():
        decompte.guichet_recalculer(territoire.guichet)
        Eligibilite.objects.filter(beneficiaire=contrat.beneficiaire).delete()
        bilan = decompte.guichet_recalculer(territoire.guichet, forcer=False)
        assert not Allocation.objects.filter(entreprise=entreprise).exists()
        assert etat() == apres_une_reecriture_complete(territoire)
    assert bilan["recalculees"] == 1


def test_new_counting_settings_recompute_every_company(chantier):
    territoire, *_ = chantier
    with territoire.scope():
        deuxieme_entreprise(territoire)
        decompte.guichet_recalculer(territoire.guichet)
        parametres_update(guichet=territoire.guichet, acting_user=None, regle_ventilation="prorata")
        bilan = decompte.guichet_recalculer(territoire.guichet, forcer=False)
        assert {regle for *_, regle, _ in grand_livre()} == {"prorata"}
        assert etat() == apres_une_reecriture_complete(territoire)
    assert bilan["recalculees"] == 2


def test_a_ledger_damaged_by_hand_is_rewritten(chantier):
    territoire, entreprise, *_ = chantier
    with territoire.scope():
        decompte.guichet_recalculer(territoire.guichet)
        complet = etat()
        Allocation.objects.filter(entreprise=entreprise).order_by("pk").first().delete()
        bilan = decompte.guichet_recalculer(territoire.guichet, forcer=False)
        assert etat() == complet
    assert bilan["recalculees"] == 1


def test_a_company_left_without_lots_nor_lines_loses_its_ledger_and_fingerprint(chantier):
    territoire, entreprise, lot_a, lot_b, _, lignes = chantier
    with territoire.scope():
        decompte.guichet_recalculer(territoire.guichet)
        assert EmpreinteDecompte.objects.filter(entreprise=entreprise).exists()
        for lot in (lot_a, lot_b):
            lot.attributions.all().delete()
        type(lignes[0]).objects.filter(pk__in=[ligne.pk for ligne in lignes]).delete()
        decompte.guichet_recalculer(territoire.guichet, forcer=False)
        assert not Allocation.objects.filter(entreprise=entreprise).exists()
        assert not Exclusion.objects.filter(entreprise=entreprise).exists()
        assert not EmpreinteDecompte.objects.filter(entreprise=entreprise).exists()


def test_a_company_recompute_stores_the_fingerprint_the_nightly_run_compares(chantier):
    territoire, entreprise, *_ = chantier
    with territoire.scope():
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        empreinte = EmpreinteDecompte.objects.get(entreprise=entreprise)
        total = sum(Allocation.objects.filter(entreprise=entreprise).values_list("heures", flat=True)) + sum(
            Exclusion.objects.filter(entreprise=entreprise).values_list("heures", flat=True)
        )
        assert (empreinte.heures_grand_livre, empreinte.lignes_grand_livre) == (total, 5)
        assert decompte.guichet_recalculer(territoire.guichet, forcer=False)["recalculees"] == 0
