from django.core.management import call_command
from django.db.models import F, Q
from django.utils import timezone

from entreprises.models import LigneReleve, Releve
from entreprises.selectors import releves_manquants
from guichet.dates import mois_precedent
from guichet.enums import Role
from guichet.models import Guichet, Membre
from guichet.tenancy import guichet_scope


def test_the_demo_has_a_year_of_relevés_some_validated_with_rejected_lines_some_submitted(db, capsys):
    call_command("seed_demo")
    compte = {}
    for guichet in Guichet.objects.all():
        with guichet_scope(guichet.pk):
            compte[guichet.pk] = (Releve.objects.count(), LigneReleve.objects.count())
    call_command("seed_demo")  # idempotent
    capsys.readouterr()
    mois_dernier = mois_precedent(timezone.localdate())
    for guichet in Guichet.objects.all():
        with guichet_scope(guichet.pk):
            assert (Releve.objects.count(), LigneReleve.objects.count()) == compte[guichet.pk]
            assert Releve.objects.values("periode").distinct().count() == 12
            assert {"valide", "soumis", "brouillon"} <= set(Releve.objects.values_list("statut", flat=True))
            assert LigneReleve.objects.filter(statut="rejete").exclude(motif_rejet="").exists()
            assert LigneReleve.objects.validees().exists() and LigneReleve.objects.filter(contrat=None).exists()
            # The demo follows the rules of a line: its company's contracts, dates in the month.
            assert not LigneReleve.objects.exclude(contrat=None).exclude(contrat__entreprise=F("releve__entreprise"))
            assert not LigneReleve.objects.filter(
                Q(date_debut__lt=F("releve__periode")) | Q(date_fin__lt=F("date_debut"))
            )
            entreprise = Membre.objects.get(guichet=guichet, role=Role.ENTREPRISE).entreprise
            assert Releve.objects.filter(entreprise=entreprise).count() >= 10
            assert releves_manquants(guichet=guichet, periode=mois_dernier).exists()
