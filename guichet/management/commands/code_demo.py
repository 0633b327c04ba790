from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from guichet import totp

from .seed_demo import SECRET_TOTP_DEMO


class Command(BaseCommand):
    help = (
        "Affiche le code à usage unique du moment des comptes de démonstration (administrateurs et facilitateurs), "
        "pour se connecter sans application d'authentification. Démonstration seulement."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Commande de démonstration, refusée en production.")
        reste = totp.PERIODE - int(totp.time.time()) % totp.PERIODE
        self.stdout.write(f"{totp.code(SECRET_TOTP_DEMO)} (valable encore {reste} s)")
