from django.db import models


class TypeStructure(models.TextChoices):
    CLASSIQUE = "classique", "Entreprise classique"
    EI = "ei", "Entreprise d'insertion (EI)"
    ETTI = "etti", "Entreprise de travail temporaire d'insertion (ETTI)"
    AI = "ai", "Association intermédiaire (AI)"
    ACI = "aci", "Atelier et chantier d'insertion (ACI)"
    EITI = "eiti", "Entreprise d'insertion par le travail indépendant (EITI)"
    GEIQ = "geiq", "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)"
    EA = "ea", "Entreprise adaptée (EA)"
    EATT = "eatt", "Entreprise adaptée de travail temporaire (EATT)"
    ESAT = "esat", "Établissement et service d'aide par le travail (ESAT)"
    ETT = "ett", "Entreprise de travail temporaire (ETT)"
    REGIE_QUARTIER = "regie_quartier", "Régie de quartier"
    AUTRE = "autre", "Autre"


# Structures inclusives (domain.md §1): they employ or place people in insertion.
STRUCTURES_INCLUSIVES = {
    TypeStructure.EI,
    TypeStructure.ETTI,
    TypeStructure.AI,
    TypeStructure.ACI,
    TypeStructure.EITI,
    TypeStructure.GEIQ,
    TypeStructure.EA,
    TypeStructure.EATT,
    TypeStructure.ESAT,
    TypeStructure.REGIE_QUARTIER,
}


class RoleContactEntreprise(models.TextChoices):
    """Whom the facilitator deals with at a company: the clause's referent, those who recruit and supervise the
    people in insertion, those who send the monthly hour statements."""

    REFERENT_CLAUSE = "referent_clause", "Référent clause sociale"
    DIRECTION = "direction", "Direction, gérance"
    RESSOURCES_HUMAINES = "ressources_humaines", "Ressources humaines, recrutement"
    ENCADREMENT = "encadrement", "Conducteur de travaux, encadrant"
    ACCOMPAGNEMENT = "accompagnement", "Chargé d'insertion, accompagnement socioprofessionnel"
    ADMINISTRATIF = "administratif", "Administratif, paie (relevés d'heures)"
    AUTRE = "autre", "Autre"
