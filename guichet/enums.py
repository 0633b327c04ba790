from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrateur"
    FACILITATEUR = "facilitateur", "Facilitateur"
    LECTEUR = "lecteur", "Lecteur (partenaire du comité de pilotage)"
    ACHETEUR = "acheteur", "Acheteur"
    ENTREPRISE = "entreprise", "Entreprise"


class Secteur(models.TextChoices):
    """Keys of the sector table of labour shares (domain.md §3)."""

    BTP_GROS_OEUVRE = "btp_gros_oeuvre", "BTP – gros œuvre"
    BTP_SECOND_OEUVRE = "btp_second_oeuvre", "BTP – second œuvre"
    BTP_TRAVAUX_PUBLICS = "btp_travaux_publics", "BTP – travaux publics"
    BTP_CHARPENTE_METALLIQUE = "btp_charpente_metallique", "BTP – charpente métallique"
    ESPACES_VERTS = "espaces_verts", "Espaces verts"
    PROPRETE = "proprete", "Propreté"
    COLLECTE_DECHETS = "collecte_dechets", "Collecte des déchets"
    SERVICES = "services", "Services"
    PRESTATIONS_INTELLECTUELLES = "prestations_intellectuelles", "Prestations intellectuelles"
    FOURNITURES = "fournitures", "Fournitures"
    AUTRE = "autre", "Autre"


class Arrondi(models.TextChoices):
    NEAREST = "nearest", "À l'heure la plus proche"
    FLOOR = "floor", "À l'heure inférieure"
    CEIL = "ceil", "À l'heure supérieure"


class ConversionSousTraitance(models.TextChoices):
    MONTANT_MO = "montant_mo", "Montant × taux de main-d'œuvre du lot ÷ coût horaire du lot"
    TAUX_FORFAITAIRE = "taux_forfaitaire", "Montant ÷ taux horaire forfaitaire"
    HEURES_DECLAREES = "heures_declarees", "Heures déclarées par la structure"


class BonusCdi(models.TextChoices):
    AUCUN = "aucun", "Aucun"
    HEURES_FORFAITAIRES = "heures_forfaitaires", "Forfait d'heures"
    DUREE_RESTANTE = "duree_restante", "Durée restante du marché (plafonnée)"


class RegleVentilation(models.TextChoices):
    ECHEANCE = "echeance", "Le lot qui se termine le premier"
    PRORATA = "prorata", "Au prorata des heures restant dues"


class ModeAcces(models.TextChoices):
    """How a job reached several guichets (``tenancy.pour_chaque_guichet``, ``tenancy.tous_guichets``)."""

    GUICHET_PAR_GUICHET = "guichet_par_guichet", "Un guichet après l'autre"
    TOUS = "tous", "Tous les guichets à la fois"


class EtatTache(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    TERMINE = "termine", "Terminée"
    ECHEC = "echec", "Échec"


class TypeConsideration(models.TextChoices):
    """Social considerations of a contract (domain.md §2): shared by the buyers' programme and the marchés."""

    CLAUSE_HEURES = "clause_heures", "Clause d'insertion (heures)"
    CLAUSE_ACTIONS = "clause_actions", "Clause d'action sociale"
    CRITERE_ATTRIBUTION = "critere_attribution", "Critère d'attribution"
    RESERVE_SIAE = "reserve_siae", "Marché réservé aux SIAE"
    RESERVE_EA_ESAT = "reserve_ea_esat", "Marché réservé aux EA / ESAT"
    RESERVE_ESS = "reserve_ess", "Marché réservé aux entreprises de l'ESS"
    MARCHE_INSERTION = "marche_insertion", "Marché d'insertion et de qualification"
    CLAUSE_ILLETTRISME = "clause_illettrisme", "Clause de lutte contre l'illettrisme"
    CLAUSE_EGALITE = "clause_egalite", "Clause d'égalité et de diversité"
    PLAN_PROGRES = "plan_progres", "Plan de progrès"
