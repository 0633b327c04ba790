from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from acheteurs import demo as acheteurs_demo
from conventions import demo as conventions_demo
from entreprises import decompte
from entreprises import demo as entreprises_demo
from entreprises.enums import TypeStructure
from entreprises.models import Entreprise
from guichet import deux_facteurs
from guichet.enums import Role
from guichet.models import DeuxFacteurs, Membre, Utilisateur
from guichet.tenancy import guichet_scope
from marches import demo as marches_demo
from publics import demo as publics_demo
from reporting import demo as reporting_demo

from .create_guichet import ensure_guichet, ensure_member

MOT_DE_PASSE_DEMO = "demo-clause-2026"
# Demo only, published in the README: the authenticator key of the demo admins and facilitators, whose role requires
# a second factor. A newcomer adds it to an app, or reads the current code with `manage.py code_demo`. The command
# refuses to run in production, so these accounts never exist there.
SECRET_TOTP_DEMO = "DEMOCLAUSESOCIALEDEMOCLAUSESOCIA"

# Two territories, so a newcomer can check that their data never mix.
DEMO = [
    {
        "slug": "plie-metropole",
        "nom": "PLIE de la Métropole",
        "domaine": "metropole.demo",
        "entreprise": ("Bâtir Ensemble", TypeStructure.CLASSIQUE, "73282932000074"),
    },
    {
        "slug": "mde-vallee",
        "nom": "Maison de l'emploi de la Vallée",
        "domaine": "vallee.demo",
        "entreprise": ("Net'Vallée Propreté", TypeStructure.CLASSIQUE, "44306184100047"),
    },
]
PERSONNES = {
    Role.ADMIN: ("Alice", "Administratrice"),
    Role.FACILITATEUR: ("Fabien", "Facilitateur"),
    Role.LECTEUR: ("Lou", "Lectrice"),
    Role.ACHETEUR: ("Aline", "Acheteuse"),
    Role.ENTREPRISE: ("Émile", "Entrepreneur"),
}


class Command(BaseCommand):
    help = "Charge le territoire de démonstration (deux guichets, un membre par rôle) ; sans effet s'il existe."

    def handle(self, *args, **options):
        if settings.PRODUCTION:  # before any connection: published passwords and keys have no place there
            raise CommandError("Les données de démonstration (mots de passe publiés) sont refusées en production.")
        self.charger()

    @transaction.atomic
    def charger(self):
        logins = []
        aujourdhui = timezone.localdate()
        for spec in DEMO:
            guichet = ensure_guichet(slug=spec["slug"], nom=spec["nom"])
            # One recompute of the hours at the end, rather than one per lot, clause and attribution loaded.
            with guichet_scope(guichet.pk), decompte.declencheurs_suspendus():
                # Buyers, contacts and programme; the acheteur member represents the first buyer.
                acheteurs = acheteurs_demo.charger(guichet=guichet, aujourdhui=aujourdhui)
                acheteur = acheteurs[0]
                conventions_demo.charger(guichet=guichet, acheteurs=acheteurs, aujourdhui=aujourdhui)
                raison, type_structure, siret = spec["entreprise"]
                entreprise, _ = Entreprise.objects.get_or_create(
                    guichet=guichet, siret=siret, defaults={"raison_sociale": raison, "type_structure": type_structure}
                )
                # Companies and structures inclusives, marchés, lots, considerations and attributions.
                marches_demo.charger(
                    guichet=guichet, acheteurs=acheteurs, entreprise_membre=entreprise, aujourdhui=aujourdhui
                )
                # People, eligibilities, positionings, contracts and outcomes.
                publics_demo.charger(guichet=guichet, aujourdhui=aujourdhui)
                # A year of monthly relevés d'heures (validated, rejected lines, submitted, drafts, missing).
                entreprises_demo.charger(guichet=guichet, aujourdhui=aujourdhui)
                # The ledger and the lots' progress, so that the lots' and companies' pages have figures.
                decompte.guichet_recalculer(guichet)
            for role, (prenom, nom) in PERSONNES.items():
                email = f"{role}@{spec['domaine']}"
                ensure_member(
                    guichet=guichet,
                    email=email,
                    password=MOT_DE_PASSE_DEMO,
                    role=role,
                    prenom=prenom,
                    nom=nom,
                    acheteur=acheteur if role == Role.ACHETEUR else None,
                    entreprise=entreprise if role == Role.ENTREPRISE else None,
                )
                if role in deux_facteurs.ROLES_REQUIS:
                    DeuxFacteurs.objects.get_or_create(
                        utilisateur=Utilisateur.objects.get(email=email),
                        defaults={
                            "secret_chiffre": deux_facteurs.chiffrer(SECRET_TOTP_DEMO),
                            "confirme_le": timezone.now(),
                        },
                    )
                logins.append((guichet, role, email))
            # One bilan of each kind, asked by the facilitator: the worker produces them once this commits.
            with guichet_scope(guichet.pk):
                facilitateur = Membre.objects.get(guichet=guichet, utilisateur__email=f"facilitateur@{spec['domaine']}")
                reporting_demo.charger(
                    guichet=guichet,
                    acheteur=acheteur,
                    entreprise=entreprise,
                    demandeur=facilitateur.utilisateur,
                    aujourdhui=aujourdhui,
                )
        self.stdout.write(f"Données de démonstration prêtes. Comptes (mot de passe : {MOT_DE_PASSE_DEMO}) :")
        for guichet, role, email in logins:
            self.stdout.write(f"  {guichet.nom:<34} {role:<13} {email}")
        self.stdout.write(
            "Administrateurs et facilitateurs : code à usage unique demandé après le mot de passe. "
            f"Clé de démonstration : {SECRET_TOTP_DEMO} ; code du moment : python manage.py code_demo"
        )
