"""The relevés feed the hours engine: a validation recomputes the company once committed, and a validated
correction replaces the relevé it corrects in the count (its lines would otherwise count twice)."""

from django.db.models import Sum

from entreprises import decompte, services
from entreprises.models import Allocation, SuiviLot
from guichet.enums import Role


def _comptees(entreprise):
    return Allocation.objects.filter(entreprise=entreprise).aggregate(total=Sum("heures"))["total"]


def test_validating_a_relevé_recomputes_the_company_on_commit(chantier, django_capture_on_commit_callbacks):
    territoire, _, lot_a, lot_b, _, lignes = chantier
    facilitateur = territoire.membres[Role.FACILITATEUR].utilisateur
    with territoire.scope():
        decompte.guichet_recalculer(territoire.guichet)
        assert SuiviLot.objects.get(lot=lot_a).heures_realisees == 250
        with django_capture_on_commit_callbacks(execute=True):
            services.releve_validate(releve=lignes[3].releve, acting_user=facilitateur)
        # June's 100 h: lot B (ends first) is full, so they go to lot A.
        assert SuiviLot.objects.get(lot=lot_a).heures_realisees == 350
        assert SuiviLot.objects.get(lot=lot_b).heures_realisees == 100


def test_a_validated_correction_replaces_the_corrected_relevé_in_the_count(
    chantier, django_capture_on_commit_callbacks
):
    territoire, entreprise, _, _, _, lignes = chantier
    facilitateur = territoire.membres[Role.FACILITATEUR].utilisateur
    mars = lignes[0].releve
    with territoire.scope():
        mars.statut = "valide"
        mars.save(update_fields=["statut"])
        decompte.guichet_recalculer(territoire.guichet)
        assert _comptees(entreprise) == 80 + 120 + 150
        with django_capture_on_commit_callbacks(execute=True):
            correction = services.releve_corriger(releve=mars, acting_user=facilitateur)
            copie = correction.lignes.get()
            services.releve_ligne_modifier(ligne=copie, acting_user=facilitateur, heures=60)
            services.releve_validate(releve=correction, acting_user=facilitateur)
        assert _comptees(entreprise) == 60 + 120 + 150
