from django.db import models


class TypeAcheteur(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    ETAT = "etat", "Service de l'État"
    ETABLISSEMENT_PUBLIC = "etablissement_public", "Établissement public"
    BAILLEUR_SOCIAL = "bailleur_social", "Bailleur social"
    HOPITAL = "hopital", "Hôpital"
    ACHETEUR_NATIONAL = "acheteur_national", "Acheteur national"
    ENTREPRISE_PRIVEE = "entreprise_privee", "Entreprise privée"
    AUTRE = "autre", "Autre"
