from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from guichet.models import Guichet
from guichet.tenancy import guichet_scope
from publics.models import Beneficiaire, Contrat, Eligibilite, Positionnement, Sortie


def test_the_demo_has_about_150_people_per_guichet_with_their_parcours(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    capsys.readouterr()
    aujourdhui = timezone.localdate()
    for guichet in Guichet.objects.all():
        with guichet_scope(guichet.pk):
            assert 140 <= Beneficiaire.objects.count() <= 160
            assert set(Beneficiaire.objects.values_list("sexe", flat=True)) == {"F", "M"}
            assert Beneficiaire.objects.values("niveau_qualification").distinct().count() == 4
            assert Beneficiaire.objects.filter(qpv=True).exists()
            assert Eligibilite.objects.filter(valide_jusqu_au__lt=aujourdhui).exists()  # some expired
            assert Eligibilite.objects.filter(date_validation__isnull=True).exists()  # some awaiting validation
            statuts = set(Positionnement.objects.values_list("statut", flat=True))
            assert {"embauche", "non_retenu", "propose"} <= statuts
            contrats = Contrat.objects.avec_eligibilite()
            assert contrats.filter(eligible=True).count() >= 40 and contrats.filter(eligible=False).exists()
            assert Sortie.objects.values("situation").annotate(n=Count("pk")).count() >= 4
            assert Beneficiaire.objects.avec_doublon().filter(doublon=True).exists()
