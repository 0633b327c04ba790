from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from entreprises.enums import TypeStructure
from entreprises.models import Entreprise
from guichet.enums import Role, TypeConsideration
from guichet.models import Guichet, Membre
from guichet.tenancy import guichet_scope
from marches.enums import ModeCalcul
from marches.models import Attribution, AvenantHeures, Consideration, Marche


def test_the_demo_has_a_realistic_portfolio_in_each_guichet(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    capsys.readouterr()
    for guichet in Guichet.objects.all():
        with guichet_scope(guichet.pk):
            assert Marche.objects.count() >= 20
            assert Marche.objects.values("acheteur").distinct().count() == 5
            assert set(Consideration.objects.values_list("type", flat=True)) == set(TypeConsideration.values)
            modes = set(Consideration.objects.clauses_heures().values_list("mode_calcul", flat=True))
            assert modes == set(ModeCalcul.values)
            types = set(Entreprise.objects.values_list("type_structure", flat=True))
            contacts = Entreprise.objects.annotate(
                n=Count("contacts"), principaux=Count("contacts", filter=Q(contacts__principal=True))
            )
            assert {(e.n in {1, 2}, e.principaux) for e in contacts} == {(True, 1)}  # rerun: no more contacts
            assert {TypeStructure.EA, TypeStructure.GEIQ, TypeStructure.ACI, TypeStructure.ETTI} <= types
            assert Attribution.objects.count() >= 25 and AvenantHeures.objects.count() == 1
            statuts = Marche.objects.avec_climat(guichet.parametres).values_list("statut_climat", flat=True)
            assert {"non_conforme", "derogation", "non_concerne"} <= set(statuts)
            lie = Membre.objects.get(role=Role.ENTREPRISE).entreprise
            assert Attribution.objects.filter(entreprise=lie).count() >= 3
            assert Marche.objects.filter(achat_prevu__isnull=False).count() == 1
            assert Marche.objects.filter(date_notification__year=timezone.localdate().year).exists()
