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


class StatutReleve(models.TextChoices):
    """A monthly hour statement (api.md ``releves/``): the company drafts and submits, the facilitator validates.
    ``rejete``: every line was rejected."""

    BROUILLON = "brouillon", "Brouillon"
    SOUMIS = "soumis", "Soumis"
    VALIDE = "valide", "Validé"
    REJETE = "rejete", "Rejeté"


class StatutLigne(models.TextChoices):
    """A statement line: only ``valide`` lines count (domain.md §4)."""

    EN_ATTENTE = "en_attente", "En attente"
    VALIDE = "valide", "Validée"
    REJETE = "rejete", "Rejetée"


class SourceReleve(models.TextChoices):
    SAISIE = "saisie", "Saisie en ligne"
    IMPORT = "import", "Import d'un fichier"
    API = "api", "API"


class TypePiece(models.TextChoices):
    """Evidence a company attaches to a statement (issue: payslips, attestations, invoices)."""

    BULLETIN_PAIE = "bulletin_paie", "Bulletin de paie"
    ATTESTATION_STRUCTURE = "attestation_structure", "Attestation de la structure inclusive"
    FACTURE = "facture", "Facture de sous-traitance"
    AUTRE = "autre", "Autre pièce"


class RegleAllocation(models.TextChoices):
    """The rule that put hours on a lot: the ``regle`` of the ledger (api.md ``allocations/``, domain.md §5)."""

    EXPLICITE = "explicite", "Affectation explicite"
    ECHEANCE = "echeance", "Lot qui finit le premier"
    PRORATA = "prorata", "Prorata des heures restant dues"
    DEPASSEMENT = "depassement", "Dépassement"


class StatutRisque(models.TextChoices):
    """``statut_risque`` of a lot's progress (api.md ``lots/<id>/suivi/``)."""

    VERT = "vert", "Dans les temps"
    ORANGE = "orange", "En retard"
    ROUGE = "rouge", "À risque"
    TERMINE = "termine", "Terminé"
    NON_DEMARRE = "non_demarre", "Non démarré"


class ModaliteDecompte(models.TextChoices):
    """How hours counted (domain.md §4): the three modalities of a work contract, sous-traitance lines, and
    the valuation of a CDI (``bonus_cdi``), which is not declared hours."""

    EMBAUCHE_DIRECTE = "embauche_directe", "Embauche directe"
    MISE_A_DISPOSITION = "mise_a_disposition", "Mise à disposition"
    FORMATION = "formation", "Formation"
    SOUS_TRAITANCE = "sous_traitance", "Sous-traitance ou co-traitance inclusive"
    BONUS_CDI = "bonus_cdi", "Valorisation d'un CDI"
