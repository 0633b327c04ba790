from django.core.management.base import BaseCommand

from guichet.services import taches_relancer


class Command(BaseCommand):
    help = (
        "Envoie aux workers les tâches gardées pendant une panne du service des tâches (Redis) ; "
        "Celery beat le fait aussi chaque minute."
    )

    def handle(self, *args, **options):
        bilan = taches_relancer()
        self.stdout.write(f"Tâches envoyées : {bilan['envoyees']} ; toujours en attente : {bilan['en_attente']}.")
