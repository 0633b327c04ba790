"""Vocabulary of the marchés app (api.md ``marches/``, ``lots/``, ``considerations/``, ``attributions/``)."""

from dataclasses import dataclass

from django.db import models

from entreprises.enums import TypeStructure
from guichet.enums import TypeConsideration


class TypeContrat(models.TextChoices):
    MARCHE = "marche", "Marché"
    ACCORD_CADRE = "accord_cadre", "Accord-cadre"
    CONCESSION = "concession", "Concession"
    COMMANDE_PRIVEE = "commande_privee", "Commande privée"


class NatureMarche(models.TextChoices):
    """The nature that decides which EU threshold applies (Loi Climat, CCP L2112-2-1)."""

    TRAVAUX = "travaux", "Travaux"
    FOURNITURES = "fournitures", "Fournitures"
    SERVICES = "services", "Services"


class StatutMarche(models.TextChoices):
    """The lifecycle of a marché, in its order (api.md)."""

    PROGRAMME = "programme", "Programmé"
    CONSULTATION = "consultation", "En consultation"
    ATTRIBUE = "attribue", "Attribué"
    EXECUTION = "execution", "En exécution"
    CLOS = "clos", "Clos"


ORDRE_STATUTS = list(StatutMarche.values)
# A marché is "notified" (PNAD, domain.md §2) once it has been awarded.
STATUTS_NOTIFIES = [StatutMarche.ATTRIBUE, StatutMarche.EXECUTION, StatutMarche.CLOS]


class ModeCalcul(models.TextChoices):
    """Calibration modes of an hours clause (domain.md §3); same values as ``marches.calibrage.ModeCalcul``."""

    FORMULE = "formule", "Formule (montant × main-d'œuvre × taux d'insertion ÷ coût horaire)"
    FORFAIT = "forfait", "Forfait d'heures fixé par l'acheteur"
    PACT_PROPRETE = "pact_proprete", "PACT propreté (reprise du personnel)"
    TRANCHE_FACTUREE = "tranche_facturee", "Une heure par tranche facturée (bons de commande)"


class RoleAttribution(models.TextChoices):
    TITULAIRE = "titulaire", "Titulaire"
    COTRAITANT = "cotraitant", "Co-traitant"
    SOUS_TRAITANT = "sous_traitant", "Sous-traitant"


class StatutClimat(models.TextChoices):
    """A marché against the Loi Climat obligation (CCP L2112-2-1: a social consideration above the EU thresholds
    for the marchés launched from the date it applies, unless a motive is recorded)."""

    NON_CONCERNE = "non_concerne", "Non concerné"
    CONFORME = "conforme", "Conforme"
    DEROGATION = "derogation", "Dérogation motivée"
    NON_CONFORME = "non_conforme", "Non conforme"


class DecpConsideration(models.TextChoices):
    """Values of the national open data field ``considerationsSociales`` (DECP)."""

    CLAUSE_SOCIALE = "Clause sociale", "Clause sociale"
    CRITERE_SOCIAL = "Critère social", "Critère social"
    MARCHE_RESERVE = "Marché réservé", "Marché réservé"


@dataclass(frozen=True)
class Fiche:
    """What the product knows of a type of social consideration (domain.md §2, seed 004)."""

    base_legale: str
    decp: str
    suivi: str
    # Indicators proposed when the consideration is recorded (name, unit): the facilitator sets their targets.
    indicateurs: tuple = ()


FICHES = {
    TypeConsideration.CLAUSE_HEURES: Fiche(
        "CCP L2112-2 (L2112-2-1 au-dessus des seuils européens)",
        DecpConsideration.CLAUSE_SOCIALE,
        "Heures dues et réalisées, bénéficiaires, modalités, pénalités.",
    ),
    TypeConsideration.CLAUSE_ACTIONS: Fiche(
        "CCP L2112-2",
        DecpConsideration.CLAUSE_SOCIALE,
        "Nombre et nature des actions, participants, heures de tutorat ou de formation.",
        (("Actions réalisées", "actions"), ("Participants", "personnes"), ("Heures de tutorat", "h")),
    ),
    TypeConsideration.CRITERE_ATTRIBUTION: Fiche(
        "CCP R2152-7",
        DecpConsideration.CRITERE_SOCIAL,
        "Pondération, sous-critères, engagements de l'offre devenus contractuels et leur réalisation.",
        (("Engagements de l'offre tenus", "engagements"),),
    ),
    TypeConsideration.RESERVE_SIAE: Fiche(
        "CCP L2113-13 (au moins 50 % de travailleurs défavorisés)",
        DecpConsideration.MARCHE_RESERVE,
        "Montant, structures, heures, bénéficiaires.",
        (("Heures travaillées par des personnes en insertion", "h"), ("Bénéficiaires", "personnes")),
    ),
    TypeConsideration.RESERVE_EA_ESAT: Fiche(
        "CCP L2113-12",
        DecpConsideration.MARCHE_RESERVE,
        "Montant, structures, travailleurs.",
        (("Travailleurs en situation de handicap", "personnes"),),
    ),
    TypeConsideration.RESERVE_ESS: Fiche(
        "CCP L2113-15", DecpConsideration.MARCHE_RESERVE, "Montant et durée.", (("Emplois mobilisés", "personnes"),)
    ),
    TypeConsideration.MARCHE_INSERTION: Fiche(
        "CCP R2123-1",
        DecpConsideration.CLAUSE_SOCIALE,
        "Bénéficiaires, heures, formation, sorties.",
        (("Bénéficiaires", "personnes"), ("Heures d'insertion", "h"), ("Sorties dynamiques", "personnes")),
    ),
    TypeConsideration.CLAUSE_ILLETTRISME: Fiche(
        "CCP L2112-2",
        DecpConsideration.CLAUSE_SOCIALE,
        "Indicateurs libres (nom, unité, cible, réalisé).",
        (("Salariés formés aux savoirs de base", "personnes"),),
    ),
    TypeConsideration.CLAUSE_EGALITE: Fiche(
        "CCP L2112-2",
        DecpConsideration.CLAUSE_SOCIALE,
        "Indicateurs libres (nom, unité, cible, réalisé).",
        (("Femmes recrutées sur des métiers en tension", "personnes"),),
    ),
    TypeConsideration.PLAN_PROGRES: Fiche(
        "CCP L2112-2",
        DecpConsideration.CLAUSE_SOCIALE,
        "Axes de progrès, actions annuelles, évaluation.",
        (("Actions du plan annuel réalisées", "actions"),),
    ),
}

# Structures a reserved marché is open to, by type (the "kind" of reservation; the facilitator may narrow it).
STRUCTURES_RESERVATAIRES = {
    TypeConsideration.RESERVE_SIAE: [
        TypeStructure.EI,
        TypeStructure.ETTI,
        TypeStructure.AI,
        TypeStructure.ACI,
        TypeStructure.EITI,
    ],
    TypeConsideration.RESERVE_EA_ESAT: [TypeStructure.EA, TypeStructure.EATT, TypeStructure.ESAT],
    TypeConsideration.RESERVE_ESS: [
        TypeStructure.EI,
        TypeStructure.ACI,
        TypeStructure.AI,
        TypeStructure.GEIQ,
        TypeStructure.REGIE_QUARTIER,
        TypeStructure.AUTRE,
    ],
}
TYPES_RESERVES = set(STRUCTURES_RESERVATAIRES)
