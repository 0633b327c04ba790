"""Demo companies and marchés of a guichet (``seed_demo``): companies of every kind (SIAE, EA, ESAT, a GEIQ, a
régie de quartier) with one or two contacts each, 22 marchés across the demo buyers and sectors, every type of social
consideration, the four calibration modes, an avenant, attributions, an operation, one marché short of the Loi
Climat and one with a recorded motive. Idempotent: a marché whose reference exists is kept as it is, and so are the
contacts of a company that has some."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils.text import slugify
from stdnum import luhn

from acheteurs.models import AchatPrevu
from entreprises import services as entreprises_services
from entreprises.enums import RoleContactEntreprise as R
from entreprises.enums import TypeStructure
from entreprises.models import Entreprise
from guichet.demo import contacts_demo
from guichet.enums import Secteur
from guichet.enums import TypeConsideration as T

from . import services
from .enums import NatureMarche, StatutMarche, TypeContrat
from .models import Marche, Operation

# (raison sociale, type, code NAF, commune): the first is the demo "entreprise" member's company.
ENTREPRISES = [
    ("Rénov'Habitat", TypeStructure.CLASSIQUE, "43.34Z", "Roubaix"),
    ("Voirie et Réseaux", TypeStructure.CLASSIQUE, "42.11Z", "Lille"),
    ("Propreté Services Plus", TypeStructure.CLASSIQUE, "81.21Z", "Tourcoing"),
    ("Charpentes Métalliques Réunies", TypeStructure.CLASSIQUE, "25.11Z", "Douai"),
    ("Jardins de l'Avenir", TypeStructure.ACI, "81.30Z", "Villeneuve"),
    ("Rebond Intérim", TypeStructure.ETTI, "78.20Z", "Lille"),
    ("Atelier Adapté", TypeStructure.EA, "82.92Z", "Lens"),
    ("GEIQ BTP", TypeStructure.GEIQ, "78.30Z", "Lille"),
    ("Régie de quartier des Provinces", TypeStructure.REGIE_QUARTIER, "81.29A", "Villeneuve"),
    ("ESAT Les Ateliers", TypeStructure.ESAT, "88.10C", "Armentières"),
    ("Tri Solidaire", TypeStructure.EI, "38.32Z", "Roubaix"),
]

# Their contacts, in the same order: (prénom, nom, rôle, fonction), the first one principal.
CONTACTS = [
    [
        ("Claire", "Martin", R.REFERENT_CLAUSE, "Responsable RSE"),
        ("Yanis", "Lemoine", R.ADMINISTRATIF, "Assistant de paie"),
    ],
    [("Thomas", "Leroy", R.ENCADREMENT, "Conducteur de travaux")],
    [
        ("Samia", "Bouzid", R.RESSOURCES_HUMAINES, "Responsable des ressources humaines"),
        ("Éric", "Vasseur", R.ENCADREMENT, "Chef d'équipe"),
    ],
    [("Jean-Marc", "Delattre", R.DIRECTION, "Gérant")],
    [
        ("Lucie", "Carpentier", R.DIRECTION, "Directrice"),
        ("Hugo", "Deschamps", R.ACCOMPAGNEMENT, "Conseiller en insertion professionnelle"),
    ],
    [("Fatima", "El Amrani", R.ACCOMPAGNEMENT, "Chargée d'accompagnement")],
    [("Olivier", "Lambert", R.DIRECTION, "Directeur")],
    [
        ("Céline", "Dupuis", R.REFERENT_CLAUSE, "Coordinatrice"),
        ("Mehdi", "Benaïssa", R.ACCOMPAGNEMENT, "Chargé d'accompagnement"),
    ],
    [("Nathalie", "Fontaine", R.DIRECTION, "Directrice")],
    [("Bruno", "Wattez", R.RESSOURCES_HUMAINES, "Responsable du service social")],
    [
        ("Amandine", "Caron", R.REFERENT_CLAUSE, "Responsable d'exploitation"),
        ("Kevin", "Duhamel", R.ACCOMPAGNEMENT, "Encadrant technique d'insertion"),
    ],
]


def siret_demo(rang, guichet_pk):
    """A valid SIRET (SIREN and establishment keys right) for a demo company, distinct per guichet."""
    siren = f"8{guichet_pk % 100:02d}{rang:05d}"
    siren += luhn.calc_check_digit(siren)
    debut = f"{siren}0001"
    return debut + luhn.calc_check_digit(debut)


def _clause(mode="formule", **kwargs):
    return (T.CLAUSE_HEURES, {"mode_calcul": mode, "penalite_par_heure": Decimal("60"), **kwargs})


def _indicateur(nom, unite, cible, realise=None):
    return {"nom": nom, "unite": unite, "cible": str(cible), "realise": None if realise is None else str(realise)}


# A marché: (buyer rank, reference, objet, type, nature, estimated amount, status, months since notification or
# None, lots). A lot: (intitulé, sector, amount, considerations, attributions (company rank, role, amount)).
MARCHES = [
    (
        0,
        "01",
        "Réhabilitation du groupe scolaire Jules-Ferry",
        TypeContrat.MARCHE,
        NatureMarche.TRAVAUX,
        "1850000",
        StatutMarche.EXECUTION,
        8,
        [
            (
                "Gros œuvre",
                Secteur.BTP_GROS_OEUVRE,
                "900000",
                [_clause()],
                [(0, "titulaire", "880000"), (7, "cotraitant", "60000")],
            ),
            (
                "Peinture et revêtements",
                Secteur.BTP_SECOND_OEUVRE,
                "450000",
                [
                    _clause(),
                    (
                        T.CLAUSE_ACTIONS,
                        {
                            "description": "Deux visites de chantier, une immersion d'une semaine.",
                            "indicateurs": [
                                _indicateur("Visites de chantier", "visites", 2, 1),
                                _indicateur("Immersions", "personnes", 3, 1),
                            ],
                        },
                    ),
                ],
                [(0, "titulaire", "440000"), (5, "sous_traitant", "35000")],
            ),
            (
                "Menuiseries",
                Secteur.BTP_SECOND_OEUVRE,
                "500000",
                [_clause(montant_ht=Decimal("1000000"), taux_main_oeuvre=Decimal("0.5"), cout_horaire=Decimal("30"))],
                [(1, "titulaire", "495000")],
            ),
        ],
    ),
    (
        0,
        "02",
        "Entretien des espaces verts (accord-cadre 4 ans)",
        TypeContrat.ACCORD_CADRE,
        NatureMarche.SERVICES,
        "420000",
        StatutMarche.EXECUTION,
        14,
        [
            ("Parcs et jardins", Secteur.ESPACES_VERTS, "300000", [(T.RESERVE_SIAE, {})], [(4, "titulaire", "300000")]),
            (
                "Fauchage des accotements",
                Secteur.ESPACES_VERTS,
                "120000",
                [_clause("forfait", heures_forfait=Decimal("350"))],
                [(8, "titulaire", "118000")],
            ),
        ],
    ),
    (
        0,
        "03",
        "Nettoyage des bâtiments communaux",
        TypeContrat.MARCHE,
        NatureMarche.SERVICES,
        "500000",
        StatutMarche.EXECUTION,
        5,
        [
            (
                "Nettoyage des locaux",
                Secteur.PROPRETE,
                "500000",
                [
                    _clause(
                        "pact_proprete",
                        pact_montant_periode=Decimal("500000"),
                        pact_duree_mois=24,
                        pact_heures_reprises_mois=Decimal("300"),
                        pact_taux_insertion=Decimal("0.05"),
                    )
                ],
                [(2, "titulaire", "500000")],
            ),
        ],
    ),
    (
        0,
        "04",
        "Étude de programmation de la médiathèque",
        TypeContrat.MARCHE,
        NatureMarche.SERVICES,
        "60000",
        StatutMarche.ATTRIBUE,
        2,
        [
            (
                "Étude",
                Secteur.PRESTATIONS_INTELLECTUELLES,
                "60000",
                [
                    (
                        T.CRITERE_ATTRIBUTION,
                        {
                            "ponderation": Decimal("0.10"),
                            "description": "Accueil de stagiaires et tutorat de jeunes diplômés des QPV.",
                        },
                    )
                ],
                [(1, "titulaire", "58000")],
            ),
        ],
    ),
    (
        1,
        "05",
        "Travaux de voirie (accord-cadre à bons de commande)",
        TypeContrat.ACCORD_CADRE,
        NatureMarche.TRAVAUX,
        "6000000",
        StatutMarche.EXECUTION,
        20,
        [
            (
                "Voirie",
                Secteur.BTP_TRAVAUX_PUBLICS,
                "6000000",
                [
                    _clause(
                        "tranche_facturee",
                        tranche_montant=Decimal("2000"),
                        tranche_seuil=Decimal("2700000"),
                        tranche_montant_facture=Decimal("3105500"),
                    )
                ],
                [(1, "titulaire", "6000000")],
            ),
        ],
    ),
    (
        1,
        "06",
        "Collecte des déchets ménagers",
        TypeContrat.MARCHE,
        NatureMarche.SERVICES,
        "3200000",
        StatutMarche.EXECUTION,
        11,
        [
            (
                "Collecte",
                Secteur.COLLECTE_DECHETS,
                "3200000",
                [
                    _clause(),
                    (
                        T.CLAUSE_EGALITE,
                        {
                            "description": "Recrutement de femmes sur les métiers de la collecte.",
                            "indicateurs": [_indicateur("Femmes recrutées", "personnes", 4, 2)],
                        },
                    ),
                ],
                [(2, "titulaire", "3150000"), (10, "sous_traitant", "150000")],
            ),
        ],
    ),
    (
        1,
        "07",
        "Tri des encombrants",
        TypeContrat.MARCHE,
        NatureMarche.SERVICES,
        "180000",
        StatutMarche.EXECUTION,
        6,
        [
            (
                "Tri et valorisation",
                Secteur.COLLECTE_DECHETS,
                "180000",
                [
                    (
                        T.MARCHE_INSERTION,
                        {
                            "description": "Support d'activité : le tri des encombrants (douze parcours).",
                            "indicateurs": [
                                _indicateur("Bénéficiaires", "personnes", 12, 9),
                                _indicateur("Sorties dynamiques", "personnes", 6),
                            ],
                        },
                    )
                ],
                [(10, "titulaire", "180000")],
            ),
        ],
    ),
    (
        1,
        "08",
        "Construction du centre aquatique",
        TypeContrat.MARCHE,
        NatureMarche.TRAVAUX,
        "12500000",
        StatutMarche.EXECUTION,
        10,
        [
            ("Gros œuvre", Secteur.BTP_GROS_OEUVRE, "5200000", [_clause()], [(0, "titulaire", "5100000")]),
            (
                "Charpente métallique",
                Secteur.BTP_CHARPENTE_METALLIQUE,
                "1800000",
                [_clause()],
                [(3, "titulaire", "1750000")],
            ),
            (
                "Lots techniques",
                Secteur.BTP_SECOND_OEUVRE,
                "3500000",
                [
                    _clause(),
                    (
                        T.PLAN_PROGRES,
                        {
                            "axes": [
                                "Recrutement local",
                                "Formation des salariés peu qualifiés",
                                "Achats auprès des structures inclusives",
                            ],
                            "indicateurs": [_indicateur("Actions du plan annuel réalisées", "actions", 5, 2)],
                        },
                    ),
                ],
                [(1, "titulaire", "3400000")],
            ),
        ],
    ),
    (
        1,
        "09",
        "Mise sous pli et routage",
        TypeContrat.MARCHE,
        NatureMarche.SERVICES,
        "90000",
        StatutMarche.EXECUTION,
        4,
        [
            ("Routage", Secteur.SERVICES, "90000", [(T.RESERVE_EA_ESAT, {})], [(6, "titulaire", "90000")]),
        ],
    ),
    (
        2,
        "10",
        "Restauration des collèges",
        TypeContrat.MARCHE,
        NatureMarche.SERVICES,
        "2400000",
        StatutMarche.EXECUTION,
        9,
        [
            (
                "Restauration",
                Secteur.SERVICES,
                "2400000",
                [
                    _clause(),
                    (
                        T.CLAUSE_ILLETTRISME,
                        {
                            "description": "Remise à niveau aux savoirs de base des agents de restauration.",
                            "indicateurs": [_indicateur("Salariés formés aux savoirs de base", "personnes", 6, 1)],
                        },
                    ),
                ],
                [(2, "titulaire", "2380000")],
            ),
        ],
    ),
    (
        2,
        "11",
        "Entretien des routes départementales",
        TypeContrat.ACCORD_CADRE,
        NatureMarche.TRAVAUX,
        "4000000",
        StatutMarche.EXECUTION,
        15,
        [
            ("Secteur nord", Secteur.BTP_TRAVAUX_PUBLICS, "2000000", [_clause()], [(1, "titulaire", "1950000")]),
            ("Secteur sud", Secteur.BTP_TRAVAUX_PUBLICS, "2000000", [_clause()], [(1, "titulaire", "1980000")]),
        ],
    ),
    (
        2,
        "12",
        "Impression des documents d'information",
        TypeContrat.MARCHE,
        NatureMarche.FOURNITURES,
        "40000",
        StatutMarche.CLOS,
        30,
        [
            ("Impression", Secteur.FOURNITURES, "40000", [_clause()], [(6, "titulaire", "40000")]),  # sous le seuil
        ],
    ),
    (
        2,
        "13",
        "Prestations d'économie sociale et solidaire",
        TypeContrat.MARCHE,
        NatureMarche.SERVICES,
        "150000",
        StatutMarche.EXECUTION,
        7,
        [
            ("Conciergerie solidaire", Secteur.SERVICES, "150000", [(T.RESERVE_ESS, {})], [(8, "titulaire", "150000")]),
        ],
    ),
    (
        3,
        "14",
        "Réhabilitation de 120 logements résidence Les Tilleuls",
        TypeContrat.MARCHE,
        NatureMarche.TRAVAUX,
        "4800000",
        StatutMarche.EXECUTION,
        12,
        [
            (
                "Démolition et gros œuvre",
                Secteur.BTP_GROS_OEUVRE,
                "1600000",
                [_clause()],
                [(0, "titulaire", "1580000"), (7, "cotraitant", "120000")],
            ),
            (
                "Isolation et menuiseries",
                Secteur.BTP_SECOND_OEUVRE,
                "2000000",
                [_clause()],
                [(1, "titulaire", "1990000")],
            ),
            ("Espaces extérieurs", Secteur.ESPACES_VERTS, "1200000", [_clause()], [(4, "titulaire", "1150000")]),
        ],
    ),
    (
        3,
        "15",
        "Nettoyage des parties communes",
        TypeContrat.MARCHE,
        NatureMarche.SERVICES,
        "800000",
        StatutMarche.EXECUTION,
        3,
        [
            ("Parties communes", Secteur.PROPRETE, "800000", [_clause()], [(8, "titulaire", "790000")]),
        ],
    ),
    (
        3,
        "16",
        "Maintenance des ascenseurs",
        TypeContrat.MARCHE,
        NatureMarche.SERVICES,
        "350000",
        StatutMarche.CONSULTATION,
        None,
        [],
    ),
    (
        4,
        "17",
        "Fourniture de mobilier scolaire",
        TypeContrat.ACCORD_CADRE,
        NatureMarche.FOURNITURES,
        "900000",
        StatutMarche.EXECUTION,
        6,
        [
            (
                "Mobilier",
                Secteur.FOURNITURES,
                "900000",
                [(T.CRITERE_ATTRIBUTION, {"ponderation": Decimal("0.15")})],
                [(3, "titulaire", "880000")],
            ),
        ],
    ),
    (
        4,
        "18",
        "Location et entretien des vêtements de travail",
        TypeContrat.MARCHE,
        NatureMarche.SERVICES,
        "650000",
        StatutMarche.EXECUTION,
        2,
        [
            (
                "Vêtements de travail",
                Secteur.SERVICES,
                "650000",
                [_clause(), (T.CLAUSE_ACTIONS, {"indicateurs": [_indicateur("Découvertes métiers", "actions", 3)]})],
                [(2, "titulaire", "640000"), (9, "sous_traitant", "80000")],
            ),
        ],
    ),
    (
        4,
        "19",
        "Prestations de gardiennage",
        TypeContrat.MARCHE,
        NatureMarche.SERVICES,
        "450000",
        StatutMarche.ATTRIBUE,
        1,
        [
            ("Gardiennage", Secteur.SERVICES, "450000", [], [(5, "titulaire", "450000")]),  # dérogation motivée
        ],
    ),
    (
        4,
        "20",
        "Audit énergétique du patrimoine",
        TypeContrat.MARCHE,
        NatureMarche.SERVICES,
        "300000",
        StatutMarche.CONSULTATION,
        None,
        [
            ("Audit", Secteur.PRESTATIONS_INTELLECTUELLES, "300000", [], []),  # non conforme (loi Climat)
        ],
    ),
    (
        0,
        "21",
        "Aménagement du square de la Paix",
        TypeContrat.MARCHE,
        NatureMarche.TRAVAUX,
        "380000",
        StatutMarche.PROGRAMME,
        None,
        [
            ("Aménagement paysager", Secteur.ESPACES_VERTS, "380000", [_clause()], []),
        ],
    ),
    (
        1,
        "22",
        "Transport des personnes à mobilité réduite",
        TypeContrat.CONCESSION,
        NatureMarche.SERVICES,
        "1500000",
        StatutMarche.EXECUTION,
        13,
        [
            (
                "Transport",
                Secteur.SERVICES,
                "1500000",
                [_clause(taux_insertion=Decimal("0.07"))],
                [(5, "titulaire", "1500000")],
            ),
        ],
    ),
]
MOTIF_DEROGATION = (
    "Prestation de sécurité exigeant des agents titulaires de la carte professionnelle du CNAPS, délivrée après "
    "une formation de plusieurs mois : pas de public éligible mobilisable sur la durée du marché."
)


def charger(*, guichet, acheteurs, entreprise_membre, aujourdhui):
    """The demo companies (``entreprise_membre`` first) with their contacts, and the marchés of the guichet."""
    entreprises = [entreprise_membre]
    for rang, (raison, type_structure, naf, commune) in enumerate(ENTREPRISES[1:], start=1):
        siret = siret_demo(rang, guichet.pk)
        entreprise = Entreprise.objects.filter(siret=siret).first() or entreprises_services.entreprise_create(
            guichet=guichet,
            acting_user=None,
            raison_sociale=raison,
            siret=siret,
            type_structure=type_structure,
            code_naf=naf,
            commune=commune,
        )
        entreprises.append(entreprise)
    for entreprise, contacts in zip(entreprises, CONTACTS, strict=True):
        if entreprise.contacts.exists():
            continue
        domaine = f"{slugify(entreprise.raison_sociale)}.demo"
        for champs in contacts_demo(contacts, domaine=domaine, telephone=f"03 21 00 {entreprise.pk % 100:02d}"):
            entreprises_services.contact_entreprise_create(
                guichet=guichet, acting_user=None, entreprise=entreprise, **champs
            )
    prefixe = guichet.slug.split("-")[0].upper()
    operation = Operation.objects.filter(nom="Renouvellement urbain du quartier des Provinces").first()
    if operation is None:
        operation = services.operation_create(
            guichet=guichet,
            acting_user=None,
            nom="Renouvellement urbain du quartier des Provinces",
            commune="Villeneuve, quartier des Provinces",
            description="Programme ANRU : réhabilitation de logements, équipements publics et espaces extérieurs.",
            date_debut=date(aujourdhui.year - 1, 1, 1),
            date_fin=date(aujourdhui.year + 4, 12, 31),
        )
    for rang, reference, objet, type_contrat, nature, montant, statut, mois, lots in MARCHES:
        reference = f"{prefixe}-{aujourdhui.year}-{reference}"
        if Marche.objects.filter(reference=reference).exists():
            continue
        _marche(
            guichet,
            acheteurs[rang],
            entreprises,
            operation,
            aujourdhui,
            reference,
            objet,
            type_contrat,
            nature,
            Decimal(montant),
            statut,
            mois,
            lots,
        )


def _marche(
    guichet,
    acheteur,
    entreprises,
    operation,
    aujourdhui,
    reference,
    objet,
    type_contrat,
    nature,
    montant,
    statut,
    mois,
    lots,
):
    numero = int(reference.rsplit("-", 1)[1])
    notification = aujourdhui - timedelta(days=30 * mois) if mois is not None else None
    obligation = guichet.parametres.date_obligation_climat
    data = {
        "reference": reference,
        "objet": objet,
        "type_contrat": type_contrat,
        "nature": nature,
        "montant_estime_ht": montant,
        "statut": statut,
        "date_lancement": notification - timedelta(days=90) if notification else aujourdhui - timedelta(days=20),
        "date_notification": notification,
        "date_debut_execution": notification + timedelta(days=30) if notification else None,
        "date_fin_execution": notification + timedelta(days=30 + 730) if notification else None,
        "operation": operation if numero in {14, 15, 21} else None,
    }
    if numero in {19, 20}:  # launched after the Loi Climat obligation, above the threshold, no consideration
        data["date_lancement"] = max(data["date_lancement"], obligation + timedelta(days=10))
    if numero == 19:
        data["motif_derogation_climat"] = MOTIF_DEROGATION
    achat = None
    if numero == 1:
        achat = AchatPrevu.objects.filter(programmation__acheteur=acheteur, objet=objet, marche__isnull=True).first()
    if achat is not None:
        marche = services.marche_depuis_achat_prevu(achat=achat, acting_user=None, **data)
    else:
        marche = services.marche_create(guichet=guichet, acting_user=None, acheteur=acheteur, **data)
    for n, (intitule, secteur, montant_lot, considerations, attributions) in enumerate(lots, start=1):
        lot = services.lot_create(
            guichet=guichet,
            acting_user=None,
            marche=marche,
            numero=n,
            intitule=intitule,
            secteur=secteur,
            montant_ht=Decimal(montant_lot),
        )
        for type_, champs in considerations:
            consideration = services.consideration_create(
                guichet=guichet, acting_user=None, lot=lot, type=type_, **champs
            )
            if numero == 8 and n == 1 and type_ == T.CLAUSE_HEURES:
                services.avenant_create(
                    guichet=guichet,
                    acting_user=None,
                    consideration=consideration,
                    reference="Avenant n°1",
                    date_effet=marche.date_debut_execution + timedelta(days=180),
                    heures_dues=consideration.heures_dues + 300,
                    motif="Travaux supplémentaires sur les bassins extérieurs.",
                )
        for rang, role, montant_attribue in attributions:
            services.attribution_create(
                guichet=guichet,
                acting_user=None,
                lot=lot,
                entreprise=entreprises[rang],
                role=role,
                montant_ht=Decimal(montant_attribue),
                date_notification=marche.date_notification,
            )
