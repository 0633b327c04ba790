from django.db import models


class TypePrescripteur(models.TextChoices):
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    CAP_EMPLOI = "cap_emploi", "Cap emploi"
    PLIE = "plie", "PLIE"
    MAISON_EMPLOI = "maison_emploi", "Maison de l'emploi"
    DEPARTEMENT = "departement", "Département (service insertion)"
    CCAS_CIAS = "ccas_cias", "CCAS / CIAS"
    SPIP = "spip", "SPIP"
    EPIDE = "epide", "EPIDE"
    E2C = "e2c", "École de la deuxième chance (E2C)"
    SIAE = "siae", "SIAE"
    AUTRE = "autre", "Autre"


class RoleContactPrescripteur(models.TextChoices):
    CONSEILLER = "conseiller", "Conseiller, référent de parcours"
    DIRECTION = "direction", "Direction, encadrement"
    AUTRE = "autre", "Autre"


class Sexe(models.TextChoices):
    F = "F", "Femme"
    M = "M", "Homme"


class NiveauQualification(models.TextChoices):
    INFRA_3 = "infra_3", "Infra 3 (sans diplôme, inférieur au CAP)"
    NIVEAU_3 = "3", "3 (CAP, BEP)"
    NIVEAU_4 = "4", "4 (baccalauréat)"
    NIVEAU_5_PLUS = "5_plus", "5 et plus (bac + 2 et au-delà)"


class Critere(models.TextChoices):
    """Eligibility criteria commonly listed in clauses (domain.md §6; the CCAG list is open: « notamment »)."""

    DELD = "deld", "Demandeur d'emploi de longue durée (plus de 12 mois)"
    DETLD = "detld", "Demandeur d'emploi de très longue durée (plus de 24 mois)"
    RSA = "rsa", "Bénéficiaire du RSA"
    ASS = "ass", "Bénéficiaire de l'ASS"
    AAH = "aah", "Bénéficiaire de l'AAH, d'une pension d'invalidité ou de l'allocation veuvage"
    RQTH = "rqth", "Reconnaissance de la qualité de travailleur handicapé (RQTH)"
    JEUNE_PEU_QUALIFIE = (
        "jeune_peu_qualifie",
        "Jeune de moins de 26 ans de niveau inférieur au CAP/BEP ou sorti du système scolaire depuis 6 mois",
    )
    SENIOR = "senior", "Senior de 50 ans et plus"
    QPV = "qpv", "Habitant d'un quartier prioritaire de la politique de la ville (QPV)"
    REFUGIE = "refugie", "Réfugié ou bénéficiaire de la protection internationale"
    SALARIE_SIAE = "salarie_siae", "Salarié d'une SIAE ou d'une régie de quartier"
    EA_ESAT = "ea_esat", "Travailleur d'une EA ou d'un ESAT"
    GEIQ = "geiq", "Salarié d'un GEIQ"
    EPIDE_E2C = "epide_e2c", "Jeune accompagné par un EPIDE ou une E2C"
    PPSMJ = "ppsmj", "Personne placée sous main de justice"
    AVIS_MOTIVE = "avis_motive", "Autre situation, sur avis motivé d'un prescripteur"
    AUTRE = "autre", "Autre critère du guichet"


class BaseEligibilite(models.TextChoices):
    CRITERES = "criteres", "Critères"
    STATUT_STRUCTURE = "statut_structure", "Statut de la structure employeuse"
    AVIS_MOTIVE = "avis_motive", "Avis motivé d'un prescripteur"


class TypeJustificatif(models.TextChoices):
    ATTESTATION_FRANCE_TRAVAIL = "attestation_france_travail", "Attestation France Travail"
    ATTESTATION_CAF = "attestation_caf", "Attestation CAF ou MSA"
    NOTIFICATION_MDPH = "notification_mdph", "Notification MDPH"
    ATTESTATION_PRESCRIPTEUR = "attestation_prescripteur", "Attestation ou fiche du prescripteur"
    JUSTIFICATIF_DOMICILE = "justificatif_domicile", "Justificatif de domicile"
    CONTRAT_STRUCTURE = "contrat_structure", "Contrat ou attestation de la structure"
    AUTRE = "autre", "Autre pièce"


class StatutPositionnement(models.TextChoices):
    PROPOSE = "propose", "Proposé"
    ENTRETIEN = "entretien", "Entretien"
    EMBAUCHE = "embauche", "Embauché"
    NON_RETENU = "non_retenu", "Non retenu"


class Modalite(models.TextChoices):
    EMBAUCHE_DIRECTE = "embauche_directe", "Embauche directe"
    MISE_A_DISPOSITION = "mise_a_disposition", "Mise à disposition"
    FORMATION = "formation", "Formation"


class TypeContrat(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    INTERIM = "interim", "Intérim"
    CONTRAT_PRO = "contrat_pro", "Contrat de professionnalisation"
    APPRENTISSAGE = "apprentissage", "Apprentissage"
    CDDI = "cddi", "CDDI"
    PEC = "pec", "Parcours emploi compétences (PEC)"
    FORMATION = "formation", "Formation"
    AUTRE = "autre", "Autre"


class MomentSortie(models.TextChoices):
    FIN_CONTRAT = "fin_contrat", "À la fin du contrat"
    SIX_MOIS = "six_mois", "Six mois après"


class SituationSortie(models.TextChoices):
    """DGEFP/IAE categories (domain.md §7)."""

    EMPLOI_DURABLE = "emploi_durable", "Emploi durable"
    EMPLOI_TRANSITION = "emploi_transition", "Emploi de transition"
    SORTIE_POSITIVE = "sortie_positive", "Sortie positive"
    AUTRE = "autre", "Autre sortie"
    NON_COMPTABILISEE = "non_comptabilisee", "Sortie non comptabilisée"


class ObjetAcces(models.TextChoices):
    ELIGIBILITE = "eligibilite", "Éligibilité"
    EXPORT = "export", "Export des données (droit d'accès)"
