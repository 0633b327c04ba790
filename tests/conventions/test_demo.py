from django.core.management import call_command
from django.utils import timezone

from acheteurs.models import AchatPrevu, Acheteur, Contact
from conventions.models import Convention, Evenement
from conventions.selectors import conventions_a_echeance
from guichet.enums import Role
from guichet.models import Guichet, Membre
from guichet.tenancy import guichet_scope


def test_the_demo_has_buyers_conventions_in_every_state_a_programme_and_events(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent
    capsys.readouterr()
    for guichet in Guichet.objects.all():
        with guichet_scope(guichet.pk):
            types = set(Acheteur.objects.values_list("type", flat=True))
            assert types == {"commune", "epci", "departement", "bailleur_social", "acheteur_national"}
            assert Contact.objects.filter(principal=True).count() == 5
            etats = Convention.objects.avec_etat(timezone.localdate()).values_list("etat", flat=True)
            assert set(etats) == {"projet", "signee", "expiree", "resiliee"}
            assert Convention.objects.exclude(partenaire_national="").count() == 1
            assert conventions_a_echeance(guichet=guichet).exists()
            lie = Membre.objects.get(role=Role.ACHETEUR).acheteur
            assert AchatPrevu.objects.filter(programmation__acheteur=lie).count() == 5
            assert Evenement.objects.count() == 6
