from django.core.management.base import BaseCommand
from django.utils import timezone

from guichet.models import Guichet
from guichet.tenancy import guichet_scope
from publics import services


class Command(BaseCommand):
    help = (
        "Anonymise les personnes sans activité depuis la durée de conservation du guichet (domain.md §10). "
        "Avec --simulation, affiche seulement le rapport."
    )

    def add_arguments(self, parser):
        parser.add_argument("--simulation", action="store_true", help="Rapport seul, rien n'est modifié.")
        parser.add_argument("--guichet", help="Identifiant d'adresse (slug) d'un seul guichet.")

    def handle(self, *args, simulation=False, guichet=None, **options):
        guichets = Guichet.objects.filter(actif=True)
        if guichet:
            guichets = guichets.filter(slug=guichet)
        aujourdhui = timezone.localdate()
        for g in guichets:
            with guichet_scope(g.pk):
                rapport = services.beneficiaires_anonymiser(guichet=g, aujourdhui=aujourdhui, simulation=simulation)
            verbe = "à anonymiser" if simulation else "anonymisée(s)"
            self.stdout.write(
                f"{g.slug} : {rapport['personnes']} personne(s) {verbe} (sans activité depuis le {rapport['limite']})"
            )
