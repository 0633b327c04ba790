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


class RoleContact(models.TextChoices):
    REFERENT_CLAUSE = "referent_clause", "Référent clause sociale"
    ACHETEUR = "acheteur", "Acheteur, chargé de marchés"
    DIRECTION_ACHATS = "direction_achats", "Direction de la commande publique"
    DIRECTION_GENERALE = "direction_generale", "Direction générale"
    ELU = "elu", "Élu"
    COMMUNICATION = "communication", "Communication"
    AUTRE = "autre", "Autre"


class PotentielSocial(models.TextChoices):
    """The facilitator's reading of a planned purchase: can it carry a social consideration? (seed 000)"""

    A_ETUDIER = "a_etudier", "À étudier"
    OUI = "oui", "Oui"
    NON = "non", "Non"
