from django.db import models


class StatutConvention(models.TextChoices):
    """``expiree`` is never stored: a signed convention whose end date has passed is expired."""

    PROJET = "projet", "Projet"
    SIGNEE = "signee", "Signée"
    EXPIREE = "expiree", "Expirée"
    RESILIEE = "resiliee", "Résiliée"


# The statuses a user sets; ``expiree`` is derived from ``date_fin``.
STATUTS_ENREGISTRES = [(value, label) for value, label in StatutConvention.choices if value != StatutConvention.EXPIREE]


class ServiceConvention(models.TextChoices):
    """The facilitator's offer of service to buyers (seed 000, II)."""

    ANALYSE_PROGRAMMATION = "analyse_programmation", "Analyse de la programmation des achats"
    SOURCING = "sourcing", "Sourcing inclusif"
    CALIBRAGE = "calibrage", "Calibrage du volet social"
    REDACTION = "redaction", "Rédaction des pièces du marché"
    ANALYSE_CRITERE = "analyse_critere", "Analyse du critère social"
    SUIVI_EXECUTION = "suivi_execution", "Suivi de l'exécution"


class ModeParticipation(models.TextChoices):
    AUCUNE = "aucune", "Aucune"
    FORFAIT_ANNUEL = "forfait_annuel", "Forfait annuel"
    PAR_MARCHE = "par_marche", "Par marché"
    PAR_HEURE = "par_heure", "Par heure d'insertion"


class Frequence(models.TextChoices):
    MENSUELLE = "mensuelle", "Mensuelle"
    TRIMESTRIELLE = "trimestrielle", "Trimestrielle"
    SEMESTRIELLE = "semestrielle", "Semestrielle"
    ANNUELLE = "annuelle", "Annuelle"
    A_LA_DEMANDE = "a_la_demande", "À la demande"


class PartenaireNational(models.TextChoices):
    """National buyers with an Alliance Villes Emploi convention declined locally (seed 000, I)."""

    UGAP = "ugap", "UGAP"
    VNF = "vnf", "Voies navigables de France (VNF)"
    ADEME = "ademe", "ADEME"
    AFPA = "afpa", "AFPA"
    ARMEES = "armees", "Ministère des Armées"
    RESAH = "resah", "RESAH"
    ANRU = "anru", "ANRU"
    NOVE = "nove", "Nove (concession du ministère des Armées)"
    DGAC = "dgac", "Direction générale de l'aviation civile (DGAC)"
    AUTRE = "autre", "Autre partenaire national"


class TypeEvenement(models.TextChoices):
    """How facilitators keep the partnership alive (seed 000, III)."""

    RENDEZ_VOUS_PROGRAMMATION = "rendez_vous_programmation", "Rendez-vous programmation"
    COMITE_PILOTAGE = "comite_pilotage", "Comité de pilotage"
    CLUB_ACHETEURS = "club_acheteurs", "Club des acheteurs"
    AFTER_WORK = "after_work", "After-work achat responsable"
    SENSIBILISATION_INTERNE = "sensibilisation_interne", "Sensibilisation interne"
    RENCONTRE_FOURNISSEURS = "rencontre_fournisseurs", "Rencontre acheteurs / fournisseurs inclusifs"
    RESTITUTION_ANNUELLE = "restitution_annuelle", "Restitution annuelle"
    COMMUNICATION = "communication", "Communication"
