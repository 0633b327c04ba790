"""Demo conventions (one in each state, a tacit renewal, a national declination, one ending soon so the
warning shows) and partnership events of a guichet (``seed_demo``). Idempotent: what exists is kept."""

from datetime import timedelta
from decimal import Decimal

from guichet.dates import ajouter_mois

from . import services
from .enums import Frequence, ModeParticipation, PartenaireNational, ServiceConvention, StatutConvention, TypeEvenement
from .models import Convention, Evenement

TOUS_SERVICES = ServiceConvention.values
ENGAGEMENTS_GUICHET = (
    "Analyser la programmation des achats, calibrer et rédiger le volet social des marchés, accompagner les "
    "entreprises attributaires, suivre l'exécution et rendre compte des résultats."
)
ENGAGEMENTS_ACHETEUR = (
    "Transmettre sa programmation annuelle, associer le facilitateur dès la définition du besoin, insérer les "
    "clauses proposées et participer au comité de pilotage."
)
CONFIDENTIALITE = (
    "Les parties tiennent confidentielles les informations relatives aux consultations en cours et aux "
    "personnes en parcours d'insertion ; les bilans ne publient que des données agrégées."
)


def charger(*, guichet, acheteurs, aujourdhui):
    """``acheteurs``: the guichet's demo buyers, in the order of ``acheteurs.demo.ACHETEURS``."""
    local, epci, departement, bailleur, national = acheteurs
    annee = aujourdhui.year
    prefixe = guichet.slug.split("-")[0].upper()
    conventions = [
        # Signed, ending within the warning period: the home page warns the facilitators.
        {
            "acheteur": local,
            "reference": f"{prefixe}-{annee - 2}-01",
            "statut": StatutConvention.SIGNEE,
            "objet": "Convention de partenariat pour la mise en œuvre des clauses sociales",
            "date_debut": ajouter_mois(aujourdhui, -34),
            "date_fin": aujourdhui + timedelta(days=55),
            "date_signature": ajouter_mois(aujourdhui, -35),
            "services": TOUS_SERVICES,
            "participation_mode": ModeParticipation.FORFAIT_ANNUEL,
            "participation_montant": Decimal("6000"),
            "frequence_copil": Frequence.SEMESTRIELLE,
            "frequence_reporting": Frequence.ANNUELLE,
        },
        # Signed with tacit renewal.
        {
            "acheteur": epci,
            "reference": f"{prefixe}-{annee - 1}-02",
            "statut": StatutConvention.SIGNEE,
            "objet": "Guichet unique de la clause sociale sur le territoire métropolitain",
            "date_debut": ajouter_mois(aujourdhui, -10),
            "date_fin": ajouter_mois(aujourdhui, 14),
            "date_signature": ajouter_mois(aujourdhui, -11),
            "reconduction_tacite": True,
            "duree_reconduction_mois": 12,
            "reconductions_max": 2,
            "services": TOUS_SERVICES,
            "participation_mode": ModeParticipation.PAR_HEURE,
            "participation_montant": Decimal("1.50"),
            "frequence_copil": Frequence.ANNUELLE,
            "frequence_reporting": Frequence.SEMESTRIELLE,
        },
        # Signed, ended: expired.
        {
            "acheteur": departement,
            "reference": f"{prefixe}-{annee - 4}-03",
            "statut": StatutConvention.SIGNEE,
            "date_debut": ajouter_mois(aujourdhui, -48),
            "date_fin": ajouter_mois(aujourdhui, -12),
            "date_signature": ajouter_mois(aujourdhui, -48),
            "services": [ServiceConvention.CALIBRAGE, ServiceConvention.SUIVI_EXECUTION],
        },
        # Terminated.
        {
            "acheteur": bailleur,
            "reference": f"{prefixe}-{annee - 2}-04",
            "statut": StatutConvention.RESILIEE,
            "date_debut": ajouter_mois(aujourdhui, -24),
            "date_fin": ajouter_mois(aujourdhui, 12),
            "services": [ServiceConvention.SUIVI_EXECUTION],
            "commentaire": "Résiliée d'un commun accord : le bailleur internalise la mission.",
        },
        # In preparation.
        {
            "acheteur": bailleur,
            "reference": f"{prefixe}-{annee}-05",
            "statut": StatutConvention.PROJET,
            "date_debut": aujourdhui.replace(month=12, day=1),
            "date_fin": ajouter_mois(aujourdhui.replace(day=1), 36),
            "services": [ServiceConvention.ANALYSE_PROGRAMMATION, ServiceConvention.SOURCING],
            "participation_mode": ModeParticipation.PAR_MARCHE,
            "participation_montant": Decimal("800"),
        },
        # Local declination of a national convention.
        {
            "acheteur": national,
            "reference": f"{prefixe}-{annee - 1}-06",
            "statut": StatutConvention.SIGNEE,
            "date_debut": ajouter_mois(aujourdhui, -6),
            "date_fin": ajouter_mois(aujourdhui, 30),
            "date_signature": ajouter_mois(aujourdhui, -6),
            "services": [ServiceConvention.SOURCING, ServiceConvention.SUIVI_EXECUTION],
            "partenaire_national": PartenaireNational.UGAP if prefixe == "PLIE" else PartenaireNational.VNF,
            "convention_nationale": "Convention nationale Alliance Villes Emploi",
        },
    ]
    for data in conventions:
        if Convention.objects.filter(reference=data["reference"]).exists():
            continue
        data.setdefault("signataire_guichet", f"La présidente de {guichet.nom}")
        data.setdefault("signataire_acheteur", f"Le représentant de {data['acheteur'].nom}")
        data.setdefault("engagements_guichet", ENGAGEMENTS_GUICHET)
        data.setdefault("engagements_acheteur", ENGAGEMENTS_ACHETEUR)
        data.setdefault("clause_confidentialite", CONFIDENTIALITE)
        services.convention_create(guichet=guichet, acting_user=None, **data)

    evenements = [
        (
            TypeEvenement.RENDEZ_VOUS_PROGRAMMATION,
            f"Programmation {annee} de {local.nom}",
            aujourdhui.replace(month=1, day=20),
            [local],
            "Revue des achats prévus : voir la programmation.",
        ),
        (
            TypeEvenement.COMITE_PILOTAGE,
            "Comité de pilotage du dispositif",
            ajouter_mois(aujourdhui, -2),
            [local, epci, departement],
            "Bilan de l'année écoulée ; objectif de diversification des secteurs.",
        ),
        (
            TypeEvenement.SENSIBILISATION_INTERNE,
            f"Sensibilisation des services techniques de {epci.nom}",
            ajouter_mois(aujourdhui, -1),
            [epci],
            "Présentation du dispositif à douze chargés d'opération.",
        ),
        (
            TypeEvenement.AFTER_WORK,
            "After-work : les marchés réservés",
            aujourdhui - timedelta(days=10),
            [local, bailleur],
            "",
        ),
        (
            TypeEvenement.CLUB_ACHETEURS,
            "Club des acheteurs socialement responsables",
            aujourdhui + timedelta(days=21),
            [local, epci, departement, bailleur, national],
            "",
        ),
        (
            TypeEvenement.RENCONTRE_FOURNISSEURS,
            "Rencontre acheteurs – structures inclusives",
            aujourdhui + timedelta(days=45),
            [epci, national],
            "",
        ),
    ]
    for type_, titre, date, presents, compte_rendu in evenements:
        if Evenement.objects.filter(titre=titre).exists():
            continue
        services.evenement_create(
            guichet=guichet,
            acting_user=None,
            type=type_,
            titre=titre,
            date=date,
            acheteurs=presents,
            compte_rendu=compte_rendu,
            lieu="Hôtel de la Métropole" if type_ == TypeEvenement.CLUB_ACHETEURS else "",
        )
