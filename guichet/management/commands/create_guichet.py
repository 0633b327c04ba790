from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from guichet.enums import Role
from guichet.models import Guichet, Membre, Utilisateur
from guichet.services import guichet_create
from guichet.tenancy import guichet_scope


class Command(BaseCommand):
    help = "Crée un guichet avec ses paramètres par défaut et un administrateur (sans effet s'il existe déjà)."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--nom", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password", required=True)

    @transaction.atomic
    def handle(self, *args, slug, nom, admin_email, admin_password, **options):
        try:
            guichet = ensure_guichet(slug=slug, nom=nom)
            created = ensure_member(guichet=guichet, email=admin_email, password=admin_password, role=Role.ADMIN)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Guichet « {guichet.nom} » (/{guichet.slug}/) prêt ; administrateur {admin_email}"
            + (" créé." if created else " déjà présent.")
        )


def ensure_guichet(*, slug, nom):
    return Guichet.objects.filter(slug=slug).first() or guichet_create(slug=slug, nom=nom)


def ensure_member(*, guichet, email, password, role, acheteur=None, entreprise=None, **identity):
    """Idempotent: the user gets ``password`` only when created here (or never had a usable one)."""
    email = email.lower()
    user = Utilisateur.objects.filter(email=email).first()
    if user is None:
        user = Utilisateur.objects.create_user(email, password, **identity)
    elif not user.has_usable_password():
        user.set_password(password)
        user.save(update_fields=["password"])
    with guichet_scope(guichet.pk):
        _, created = Membre.objects.get_or_create(
            guichet=guichet,
            utilisateur=user,
            defaults={"role": role, "acheteur": acheteur, "entreprise": entreprise},
        )
    return created
