"""Demo buyers of a guichet (``seed_demo``): a commune, an EPCI, a département, a social landlord and a
national buyer, with their contacts and the programme of the year. Idempotent: what exists is kept."""

from datetime import timedelta
from decimal import Decimal

from guichet.demo import contacts_demo
from guichet.enums import Secteur, TypeConsideration

from . import services
from .enums import PotentielSocial, RoleContact, TypeAcheteur
from .models import Acheteur, Programmation

# (nom, type, SIRET, adresse, code postal, commune, mutualisation, contacts: (prénom, nom, rôle, fonction))
ACHETEURS = {
    "plie-metropole": [
        (
            "Ville de Villeneuve",
            TypeAcheteur.COMMUNE,
            "21590009300018",
            "1 place de l'Hôtel de Ville",
            "59650",
            "Villeneuve",
            True,
            [
                ("Nadia", "Benali", RoleContact.REFERENT_CLAUSE, "Chargée de la commande publique"),
                ("Pierre", "Lefebvre", RoleContact.ELU, "Adjoint à l'emploi"),
            ],
        ),
        (
            "Métropole Rives-et-Lys",
            TypeAcheteur.EPCI,
            "20004143200010",
            "2 boulevard des Cités Unies",
            "59000",
            "Lille",
            True,
            [("Sophie", "Martin", RoleContact.DIRECTION_ACHATS, "Directrice de la commande publique")],
        ),
        (
            "Département de la Haute-Rive",
            TypeAcheteur.DEPARTEMENT,
            "22590001800014",
            "51 rue Gustave Delory",
            "59000",
            "Lille",
            True,
            [("Karim", "Haddad", RoleContact.ACHETEUR, "Acheteur travaux")],
        ),
        (
            "Habitat Métropole",
            TypeAcheteur.BAILLEUR_SOCIAL,
            "27590002500014",
            "14 rue de Tournai",
            "59200",
            "Tourcoing",
            False,
            [("Julie", "Roussel", RoleContact.REFERENT_CLAUSE, "Responsable RSE")],
        ),
        (
            "UGAP – Direction interrégionale Nord",
            TypeAcheteur.ACHETEUR_NATIONAL,
            "77566001200011",
            "10 rue du Pont",
            "59000",
            "Lille",
            True,
            [("Marc", "Dubois", RoleContact.ACHETEUR, "Acheteur public")],
        ),
    ],
    "mde-vallee": [
        (
            "Vallée Habitat",
            TypeAcheteur.BAILLEUR_SOCIAL,
            "39234528600018",
            "8 quai de la Vallée",
            "38500",
            "Voiron",
            True,
            [("Hélène", "Garnier", RoleContact.REFERENT_CLAUSE, "Chargée de mission clauses")],
        ),
        (
            "Commune de Saint-Aubin",
            TypeAcheteur.COMMUNE,
            "21730001100012",
            "Place de la Mairie",
            "38140",
            "Saint-Aubin",
            True,
            [("Luc", "Perrin", RoleContact.DIRECTION_GENERALE, "Directeur général des services")],
        ),
        (
            "Communauté de communes de la Vallée",
            TypeAcheteur.EPCI,
            "20005678600011",
            "40 rue Mainssieux",
            "38500",
            "Voiron",
            True,
            [("Inès", "Morel", RoleContact.DIRECTION_ACHATS, "Responsable des achats")],
        ),
        (
            "Département de l'Isère-Amont",
            TypeAcheteur.DEPARTEMENT,
            "28590003100011",
            "7 rue Fantin-Latour",
            "38000",
            "Grenoble",
            True,
            [("Paul", "Girard", RoleContact.ACHETEUR, "Acheteur")],
        ),
        (
            "VNF – Direction territoriale Rhône-Saône",
            TypeAcheteur.ACHETEUR_NATIONAL,
            "13000502800019",
            "2 rue de la Quarantaine",
            "69005",
            "Lyon",
            True,
            [("Anne", "Fabre", RoleContact.ACHETEUR, "Acheteuse")],
        ),
    ],
}

# The yearly programme of the buyer bound to the demo "acheteur" member (the first of each list).
ACHATS = [
    (
        "Réhabilitation du groupe scolaire Jules-Ferry",
        "1850000",
        60,
        Secteur.BTP_SECOND_OEUVRE,
        PotentielSocial.OUI,
        TypeConsideration.CLAUSE_HEURES,
        "Clause d'heures sur les lots gros œuvre et peinture.",
    ),
    (
        "Entretien des espaces verts (accord-cadre 4 ans)",
        "420000",
        120,
        Secteur.ESPACES_VERTS,
        PotentielSocial.OUI,
        TypeConsideration.RESERVE_SIAE,
        "Un lot réservé aux SIAE : deux ACI du territoire.",
    ),
    (
        "Nettoyage des bâtiments communaux",
        "310000",
        180,
        Secteur.PROPRETE,
        PotentielSocial.OUI,
        TypeConsideration.CLAUSE_HEURES,
        "Reprise du personnel : calibrage selon le PACT propreté.",
    ),
    (
        "Fourniture de matériel informatique",
        "95000",
        90,
        Secteur.FOURNITURES,
        PotentielSocial.NON,
        "",
        "Via la centrale d'achat : pas de levier local.",
    ),
    (
        "Étude de programmation de la médiathèque",
        "60000",
        240,
        Secteur.PRESTATIONS_INTELLECTUELLES,
        PotentielSocial.A_ETUDIER,
        "",
        "Critère social possible (stage, tutorat).",
    ),
]


def charger(*, guichet, aujourdhui):
    """The guichet's demo buyers (created when missing), in the order of ``ACHETEURS``."""
    acheteurs = []
    for nom, type_, siret, adresse, code_postal, commune, mutualisation, contacts in ACHETEURS[guichet.slug]:
        acheteur = Acheteur.objects.filter(nom=nom).first()
        if acheteur is None:
            acheteur = services.acheteur_create(
                guichet=guichet,
                acting_user=None,
                nom=nom,
                type=type_,
                siret=siret,
                adresse=adresse,
                code_postal=code_postal,
                commune=commune,
                mutualisation_autorisee=mutualisation,
            )
        elif not acheteur.contacts.exists():
            # The buyer seed_demo made before this module existed: complete it.
            services.acheteur_update(
                acheteur=acheteur,
                acting_user=None,
                siret=siret,
                adresse=adresse,
                code_postal=code_postal,
                commune=commune,
            )
        if not acheteur.contacts.exists():
            for champs in contacts_demo(contacts, domaine="acheteur.demo", telephone="03 20 00 00"):
                services.contact_create(guichet=guichet, acting_user=None, acheteur=acheteur, **champs)
        acheteurs.append(acheteur)
    _programmation(guichet=guichet, acheteur=acheteurs[0], aujourdhui=aujourdhui)
    return acheteurs


def _programmation(*, guichet, acheteur, aujourdhui):
    if Programmation.objects.filter(acheteur=acheteur, annee=aujourdhui.year).exists():
        return
    programmation = services.programmation_create(
        guichet=guichet,
        acting_user=None,
        acheteur=acheteur,
        annee=aujourdhui.year,
        date_rencontre=aujourdhui.replace(month=1, day=20),
        commentaire="Revue de la programmation avec la direction de la commande publique : trois achats "
        "retenus pour une considération sociale, une étude complémentaire sur la médiathèque.",
    )
    debut = aujourdhui.replace(month=1, day=1)
    for objet, montant, jours, secteur, possible, conseillee, commentaire in ACHATS:
        services.achat_prevu_create(
            guichet=guichet,
            acting_user=None,
            programmation=programmation,
            objet=objet,
            montant_estime_ht=Decimal(montant),
            date_prevue=debut + timedelta(days=jours),
            secteur=secteur,
            consideration_possible=possible,
            consideration_conseillee=conseillee,
            commentaire=commentaire,
        )
