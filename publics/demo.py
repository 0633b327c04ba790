"""Demo people of a guichet (``seed_demo``): about 150 persons with a realistic spread of ages, sexes, levels,
criteria and QPV, their eligibilities (some expired, some awaiting validation), positionings, contracts and outcomes.
Deterministic (seeded by the guichet), written in bulk: demo data, not user input."""

import random
from datetime import date, timedelta

from entreprises.enums import TypeStructure
from entreprises.models import Entreprise
from guichet.dates import ajouter_mois
from marches.models import Attribution

from . import services
from .enums import Critere, TypePrescripteur
from .models import Beneficiaire, Contrat, Eligibilite, Positionnement, Sortie

NOMBRE = 150
PRENOMS_F = ["Amina", "Léa", "Sarah", "Nadia", "Julie", "Fatou", "Chloé", "Inès", "Manon", "Samia", "Laura", "Aïcha"]
PRENOMS_M = ["Karim", "Lucas", "Mamadou", "Thomas", "Yanis", "Kevin", "Mehdi", "Hugo", "Rachid", "Jordan", "Enzo"]
NOMS = [
    "Martin", "Bernard", "Diallo", "Lefebvre", "Benali", "Moreau", "Traoré", "Dubois", "Haddad", "Petit",
    "Nguyen", "Garcia", "Leroy", "Mercier", "Camara", "Fontaine", "Roussel", "Bouzid", "Lambert", "Ferreira",
]  # fmt: skip
COMMUNES = [
    ("Villeneuve", "59650", True),
    ("Lens", "62300", True),
    ("Liévin", "62800", False),
    ("Arras", "62000", False),
]
PRESCRIPTEURS = [
    ("France Travail Villeneuve", TypePrescripteur.FRANCE_TRAVAIL),
    ("Mission locale de la Métropole", TypePrescripteur.MISSION_LOCALE),
    ("Cap emploi", TypePrescripteur.CAP_EMPLOI),
    ("Service insertion du Département", TypePrescripteur.DEPARTEMENT),
    ("CCAS de Villeneuve", TypePrescripteur.CCAS_CIAS),
    ("SPIP du Nord", TypePrescripteur.SPIP),
]
CRITERES_COURANTS = [
    Critere.DELD, Critere.DELD, Critere.DETLD, Critere.RSA, Critere.RSA, Critere.ASS, Critere.RQTH,
    Critere.QPV, Critere.REFUGIE, Critere.PPSMJ, Critere.AAH,
]  # fmt: skip
POSTES = ["Maçon", "Agent de propreté", "Peintre", "Manœuvre", "Ouvrier paysagiste", "Plaquiste", "Agent d'entretien"]


def charger(*, guichet, aujourdhui):
    if Beneficiaire.objects.filter(guichet=guichet).exists():
        return
    hasard = random.Random(guichet.pk * 7919)  # noqa: S311 (demo data)
    services.criteres_initialiser(guichet=guichet)
    prescripteurs = [
        services.prescripteur_create(guichet=guichet, acting_user=None, nom=nom, type=type_, commune="Villeneuve")
        for nom, type_ in PRESCRIPTEURS
    ]
    personnes = []
    for _ in range(NOMBRE):
        sexe = "M" if hasard.random() < 0.62 else "F"
        age = hasard.choice(
            [hasard.randint(18, 25), hasard.randint(26, 49), hasard.randint(26, 49), hasard.randint(50, 62)]
        )
        commune, code_postal, qpv_commune = hasard.choice(COMMUNES)
        prescripteur = hasard.choice(prescripteurs)
        naissance = date(aujourdhui.year - age, hasard.randint(1, 12), hasard.randint(1, 28))
        personnes.append(
            Beneficiaire(
                guichet=guichet,
                nom=hasard.choice(NOMS),
                prenom=hasard.choice(PRENOMS_M if sexe == "M" else PRENOMS_F),
                date_naissance=naissance,
                sexe=sexe,
                commune=commune,
                code_postal=code_postal,
                qpv=qpv_commune and hasard.random() < 0.6,
                niveau_qualification=hasard.choices(["infra_3", "3", "4", "5_plus"], weights=[45, 30, 18, 7])[0],
                prescripteur=prescripteur.nom,
                prescripteur_organisme=prescripteur,
                date_entree=aujourdhui - timedelta(days=hasard.randint(10, 900)),
            )
        )
    # Two duplicates to merge, as facilitators meet them.
    for original in personnes[:2]:
        personnes.append(
            Beneficiaire(
                guichet=guichet,
                nom=original.nom.upper(),
                prenom=original.prenom,
                date_naissance=original.date_naissance,
                sexe=original.sexe,
                commune=original.commune,
                code_postal=original.code_postal,
                niveau_qualification=original.niveau_qualification,
                date_entree=aujourdhui - timedelta(days=5),
            )
        )
    personnes = Beneficiaire.objects.bulk_create(personnes)

    revision = services.revision_courante(guichet=guichet)
    eligibilites = []
    for personne in personnes[:NOMBRE]:
        tirage = hasard.random()
        if tirage < 0.08:
            continue  # not assessed yet
        criteres = set(hasard.sample(CRITERES_COURANTS, hasard.choice([1, 1, 2])))
        age = aujourdhui.year - personne.date_naissance.year
        if age < 26 and personne.niveau_qualification == "infra_3":
            criteres.add(Critere.JEUNE_PEU_QUALIFIE)
        if age >= 50:
            criteres.add(Critere.SENIOR)
        if personne.qpv:
            criteres.add(Critere.QPV)
        validation = personne.date_entree + timedelta(days=hasard.randint(3, 30))
        if validation > aujourdhui:
            validation = aujourdhui
        if tirage < 0.14:
            validation = aujourdhui - timedelta(days=hasard.randint(740, 900))  # expired
        en_attente = tirage > 0.95
        fin = ajouter_mois(validation, 24)
        if 0.14 <= tirage < 0.2:
            fin = aujourdhui + timedelta(days=hasard.randint(1, 29))  # expiring soon
        eligibilites.append(
            Eligibilite(
                guichet=guichet,
                beneficiaire=personne,
                criteres=sorted(criteres),
                base="criteres",
                date_validation=None if en_attente else validation,
                valide_jusqu_au=None if en_attente else max(fin, validation),
                justificatif_type=hasard.choice(
                    ["attestation_france_travail", "attestation_caf", "attestation_prescripteur"]
                ),
                justificatif_date=validation - timedelta(days=2),
                revision_criteres=revision,
            )
        )
    Eligibilite.objects.bulk_create(eligibilites)

    titulaires = list(
        Attribution.objects.filter(guichet=guichet, role="titulaire").select_related("lot", "entreprise").order_by("pk")
    )
    structures = list(
        Entreprise.objects.filter(
            guichet=guichet, type_structure__in=[TypeStructure.ETTI, TypeStructure.AI, TypeStructure.GEIQ]
        )
    )
    if not titulaires:
        return
    valides = [e for e in eligibilites if e.date_validation and e.valide_jusqu_au >= aujourdhui]
    positionnements, contrats = [], []
    for eligibilite in valides[:110]:
        attribution = hasard.choice(titulaires)
        statut = hasard.choices(["embauche", "propose", "entretien", "non_retenu"], weights=[60, 15, 10, 15])[0]
        jour = max(eligibilite.date_validation, aujourdhui - timedelta(days=400)) + timedelta(
            days=hasard.randint(1, 20)
        )
        jour = min(jour, aujourdhui)
        positionnement = Positionnement(
            guichet=guichet,
            beneficiaire=eligibilite.beneficiaire,
            entreprise=attribution.entreprise,
            lot=attribution.lot,
            date=jour,
            poste=hasard.choice(POSTES),
            statut=statut,
            motif_non_retenu="Mobilité : pas de permis B" if statut == "non_retenu" else "",
        )
        positionnements.append(positionnement)
        if statut == "embauche":
            type_contrat = hasard.choices(
                ["cdd", "interim", "cdi", "contrat_pro", "cddi"], weights=[40, 25, 12, 13, 10]
            )[0]
            mise_a_disposition = type_contrat == "interim" and structures
            debut = jour + timedelta(days=7)
            fin = None if type_contrat == "cdi" else debut + timedelta(days=hasard.choice([60, 120, 180, 270, 365]))
            contrat = Contrat(
                guichet=guichet,
                beneficiaire=eligibilite.beneficiaire,
                entreprise=attribution.entreprise,
                modalite="mise_a_disposition" if mise_a_disposition else "embauche_directe",
                type_contrat=type_contrat,
                structure=hasard.choice(structures) if mise_a_disposition else None,
                date_debut=debut,
                date_fin=fin,
                lot=attribution.lot if hasard.random() < 0.3 else None,
                poste=positionnement.poste,
            )
            contrats.append((positionnement, contrat))
    Contrat.objects.bulk_create([c for _, c in contrats])
    for positionnement, contrat in contrats:
        positionnement.contrat = contrat
    Positionnement.objects.bulk_create(positionnements)
    # A contract that started before its person's eligibility: shown as not eligible, with the reason.
    # (The last validated eligibility: whatever the random draw, the demo shows one.)
    tardive = next((e for e in reversed(eligibilites) if e.date_validation), None)
    if tardive is not None:
        Contrat.objects.create(
            guichet=guichet,
            beneficiaire=tardive.beneficiaire,
            entreprise=titulaires[0].entreprise,
            type_contrat="cdd",
            date_debut=tardive.date_validation - timedelta(days=20),
            date_fin=tardive.date_validation + timedelta(days=60),
        )
    sorties = []
    for _, contrat in contrats:
        if contrat.date_fin and contrat.date_fin <= aujourdhui and hasard.random() < 0.8:
            situation = hasard.choices(
                ["emploi_durable", "emploi_transition", "sortie_positive", "autre", "non_comptabilisee"],
                weights=[30, 30, 15, 20, 5],
            )[0]
            sorties.append(
                Sortie(
                    guichet=guichet, contrat=contrat, date=contrat.date_fin, moment="fin_contrat", situation=situation
                )
            )
            six = ajouter_mois(contrat.date_fin, 6)
            if six <= aujourdhui and hasard.random() < 0.7:
                sorties.append(
                    Sortie(guichet=guichet, contrat=contrat, date=six, moment="six_mois", situation=situation)
                )
    Sortie.objects.bulk_create(sorties)
