"""The spreadsheet exports (api.md ``exports/``): each is a :class:`Classeur` of :class:`Feuille`, whose columns
are described once here; the same description is the « Dictionnaire » sheet of every workbook and the reference
``docs/exports.md`` (``manage.py dictionnaire_exports`` writes it; a test checks it is up to date).

The figures come from ``reporting.indicateurs`` (the same as the dashboards and the bilans) and from the rows
themselves, read in chunks (``iterator``) and written as they come: openpyxl's write-only workbook streams each
row to a temporary file, so a ledger of tens of thousands of lines never sits in memory twice.

Formats: XLSX (real numbers and dates, a header row frozen, a « Dictionnaire » sheet), or CSV (``;``, UTF-8 with a
BOM so that spreadsheets detect it, decimal comma, dates ``JJ/MM/AAAA``). A workbook of several sheets in CSV is a
zip holding one CSV per sheet and ``dictionnaire.csv``. Every text cell is protected against formula injection:
a CSV cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading apostrophe
(``guichet.csv_safe``); in XLSX such a text is stored as a string, never as a formula.

People are pseudonymised: a pseudonym is an HMAC of the person's id under a key drawn for this export, so that
the ledger, the people and the outcomes of one export join, while two exports cannot be linked and nothing leads
back to a name. No eligibility criterion (health and social data, domain.md §10) is exported per person.
"""

import csv
import hashlib
import hmac
import io
import secrets
import tempfile
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from acheteurs.enums import TypeAcheteur
from entreprises.enums import STRUCTURES_INCLUSIVES, ModaliteDecompte, RegleAllocation, StatutRisque, TypeStructure
from entreprises.models import Allocation, Entreprise
from guichet.csv_safe import cellule_csv
from guichet.enums import Secteur, TypeConsideration
from marches.enums import FICHES, ModeCalcul, NatureMarche, RoleAttribution, StatutClimat, StatutMarche
from marches.enums import TypeContrat as TypeContratMarche
from marches.models import Attribution, Consideration, Marche
from publics.enums import MomentSortie, NiveauQualification, Sexe, SituationSortie, TypeContrat
from publics.models import Sortie

from . import indicateurs
from .enums import FormatExport, TypeExport

TAILLE_DES_PAQUETS = 2000
PAS_DE_CONSIDERATION = "Pas de considération sociale"


@dataclass(frozen=True)
class Colonne:
    titre: str
    description: str
    format: str = "texte"  # texte, entier, decimal, date, booleen


@dataclass(frozen=True)
class Feuille:
    nom: str  # at most 31 characters (Excel); also the CSV file's name in a zip
    description: str
    colonnes: tuple
    lignes: Callable  # (Contexte) -> iterable of tuples, one value per column


@dataclass(frozen=True)
class Classeur:
    type: str
    description: str
    feuilles: tuple


@dataclass
class Contexte:
    """What the rows of an export read: the year's scope, the settings, the pseudonymisation key."""

    portee: indicateurs.Portee
    cle: bytes

    @property
    def guichet(self):
        return self.portee.guichet

    def pseudonyme(self, beneficiaire_id):
        if beneficiaire_id is None:
            return ""
        empreinte = hmac.new(self.cle, str(beneficiaire_id).encode(), hashlib.sha256).hexdigest()
        return f"P-{empreinte[:10].upper()}"


def _libelles(choices):
    return dict(choices)


SECTEURS = _libelles(Secteur.choices)
TYPES_STRUCTURE = _libelles(TypeStructure.choices)
TYPES_CONSIDERATION = _libelles(TypeConsideration.choices)
MODALITES = _libelles(ModaliteDecompte.choices)
REGLES = _libelles(RegleAllocation.choices)
TYPES_CONTRAT = _libelles(TypeContrat.choices)


def _decp(types):
    """The DECP ``considerationsSociales`` values of a list of consideration types, in a stable order."""
    valeurs = sorted({FICHES[t].decp for t in types or ()})
    return ", ".join(valeurs) if valeurs else PAS_DE_CONSIDERATION


def _types(marches):
    return marches.annotate(
        types=ArraySubquery(
            Consideration.objects.filter(lot__marche=OuterRef("pk")).order_by("type").values("type").distinct()
        )
    )


# --- Restitution annuelle ----------------------------------------------------------------------------------------


def _marches(ctx):
    marches = indicateurs.marches_de_l_annee(ctx.portee).select_related("acheteur")
    marches = _types(marches.avec_climat(ctx.portee.parametres)).order_by("reference")
    for m in marches.iterator(chunk_size=TAILLE_DES_PAQUETS):
        yield (
            m.reference,
            m.objet,
            m.acheteur.nom,
            m.acheteur.siret,
            TypeContratMarche(m.type_contrat).label,
            NatureMarche(m.nature).label if m.nature else "",
            m.montant_estime_ht,
            m.date_notification,
            m.date_debut_execution,
            m.date_fin_execution,
            StatutMarche(m.statut).label,
            " ; ".join(TYPES_CONSIDERATION[t] for t in m.types),
            _decp(m.types),
            StatutClimat(m.statut_climat).label,
        )


def _lots(ctx):
    lignes = indicateurs.heures_par_lot(ctx.portee)
    titulaires = dict(
        Attribution.objects.filter(
            guichet=ctx.guichet, lot__in=[ligne["lot"] for ligne in lignes], role=RoleAttribution.TITULAIRE
        ).values_list("lot_id", "entreprise__siret")
    )
    entreprises = Entreprise.objects.filter(guichet=ctx.guichet, siret__in=titulaires.values())
    noms = dict(entreprises.values_list("siret", "raison_sociale"))
    for ligne in lignes:
        lot = ligne["lot"]
        suivi = getattr(lot, "suivi", None)
        siret = titulaires.get(lot.pk, "")
        yield (
            lot.marche.reference,
            lot.numero,
            lot.intitule,
            SECTEURS.get(lot.secteur, ""),
            lot.montant_ht,
            lot.debut_effectif,
            lot.fin_effective,
            noms.get(siret, ""),
            siret,
            ligne["heures_dues"],
            ligne["heures_realisees"],
            suivi.heures_realisees if suivi else None,
            suivi.taux_realisation if suivi else None,
            StatutRisque(suivi.statut_risque).label if suivi else "",
            suivi.penalites_estimees if suivi else None,
        )


def _considerations(ctx):
    considerations = (
        Consideration.objects.filter(guichet=ctx.guichet, lot__marche__in=indicateurs.marches_de_l_annee(ctx.portee))
        .select_related("lot__marche")
        .order_by("lot__marche__reference", "lot__numero", "type")
    )
    for c in considerations.iterator(chunk_size=TAILLE_DES_PAQUETS):
        indicateurs_texte = " ; ".join(
            f"{i['nom']} : {i.get('realise') or '—'} / {i.get('cible') or '—'} {i.get('unite') or ''}".strip()
            for i in c.indicateurs
        )
        yield (
            c.lot.marche.reference,
            c.lot.numero,
            c.type,
            TYPES_CONSIDERATION[c.type],
            FICHES[c.type].decp,
            ModeCalcul(c.mode_calcul).label if c.mode_calcul else "",
            c.heures_dues,
            c.heures_dues_brutes,
            c.ponderation,
            c.description,
            indicateurs_texte,
        )


def _attributions(ctx):
    attributions = (
        Attribution.objects.filter(guichet=ctx.guichet, lot__marche__in=indicateurs.marches_de_l_annee(ctx.portee))
        .select_related("lot__marche", "entreprise")
        .order_by("lot__marche__reference", "lot__numero", "role", "entreprise__raison_sociale")
    )
    for a in attributions.iterator(chunk_size=TAILLE_DES_PAQUETS):
        yield (
            a.lot.marche.reference,
            a.lot.numero,
            a.entreprise.raison_sociale,
            a.entreprise.siret,
            RoleAttribution(a.role).label,
            a.montant_ht,
            a.date_notification,
        )


def _entreprises(ctx):
    ledger = indicateurs.allocations(ctx.portee)
    heures = ledger.filter(entreprise=OuterRef("pk")).order_by().values("entreprise")
    marches = indicateurs.marches_de_l_annee(ctx.portee)
    entreprises = (
        Entreprise.objects.filter(guichet=ctx.guichet)
        .filter(
            Exists(ledger.filter(entreprise=OuterRef("pk")))
            | Exists(ledger.filter(ligne__sous_traitant=OuterRef("pk")))
            | Exists(ledger.filter(contrat__structure=OuterRef("pk")))
            | Exists(Attribution.objects.filter(entreprise=OuterRef("pk"), lot__marche__in=marches))
        )
        .annotate(
            heures=Coalesce(
                Subquery(heures.annotate(t=Sum("heures")).values("t")[:1]),
                Value(Decimal(0)),
                output_field=DecimalField(),
            ),
            personnes=Coalesce(
                Subquery(heures.annotate(n=Count("contrat__beneficiaire", distinct=True)).values("n")[:1]), Value(0)
            ),
        )
        .order_by("raison_sociale", "siret")
    )
    for e in entreprises.iterator(chunk_size=TAILLE_DES_PAQUETS):
        yield (
            e.raison_sociale,
            e.siret,
            e.siren,
            TYPES_STRUCTURE[e.type_structure],
            e.type_structure in STRUCTURES_INCLUSIVES,
            e.code_naf,
            e.commune,
            e.heures,
            e.personnes,
        )


def _heures_mensuelles(ctx):
    par_lot = {}
    rows = (
        indicateurs.allocations(ctx.portee)
        .annotate(mois=ExtractMonth("debut"))
        .values("lot_id", "lot__marche__reference", "lot__numero", "mois")
        .annotate(total=Sum("heures"))
        .order_by("lot__marche__reference", "lot__numero", "mois")
    )
    for row in rows:
        cle = (row["lot__marche__reference"], row["lot__numero"])
        par_lot.setdefault(cle, [Decimal(0)] * 12)[row["mois"] - 1] = row["total"]
    for (reference, numero), mois in par_lot.items():
        yield (reference, numero, *mois, sum(mois))


def _grand_livre(ctx):
    ledger = (
        indicateurs.allocations(ctx.portee)
        .order_by("debut", "entreprise__raison_sociale", "pk")
        .values_list(
            "debut",
            "fin",
            "entreprise__raison_sociale",
            "entreprise__siret",
            "lot__marche__reference",
            "lot__numero",
            "contrat__beneficiaire_id",
            "contrat__type_contrat",
            "ligne__sous_traitant__raison_sociale",
            "modalite",
            "regle",
            "heures",
            "calcule_le",
        )
    )
    for *debut, beneficiaire, type_contrat, sous_traitant, modalite, regle, heures, calcule_le in ledger.iterator(
        chunk_size=TAILLE_DES_PAQUETS
    ):
        yield (
            *debut,
            ctx.pseudonyme(beneficiaire),
            TYPES_CONTRAT.get(type_contrat, ""),
            sous_traitant or "",
            MODALITES[modalite],
            REGLES[regle],
            heures,
            timezone.localtime(calcule_le),
        )


def _tranche(age):
    if age is None:
        return ""
    if age < 26:
        return indicateurs.TRANCHES_AGE[0][1]
    return indicateurs.TRANCHES_AGE[1][1] if age < 50 else indicateurs.TRANCHES_AGE[2][1]


def _personnes(ctx):
    portee = ctx.portee
    ledger = indicateurs.allocations(portee).filter(contrat__beneficiaire=OuterRef("pk")).order_by()
    premier = ledger.order_by("contrat__date_debut").values("contrat__date_debut")[:1]
    avant = Allocation.objects.filter(guichet=ctx.guichet, debut__lt=portee.debut, contrat__beneficiaire=OuterRef("pk"))
    personnes = (
        indicateurs.personnes(portee)
        .annotate(
            age=indicateurs._AgeEnAnnees(Subquery(premier), F("date_naissance")),
            ancienne=Exists(avant),
            heures=Subquery(ledger.values("contrat__beneficiaire").annotate(t=Sum("heures")).values("t")[:1]),
            nombre_contrats=Subquery(
                ledger.values("contrat__beneficiaire")
                .annotate(n=Count("contrat", distinct=True, filter=~Q(contrat__modalite="formation")))
                .values("n")[:1]
            ),
        )
        .order_by("pk")
    )
    for p in personnes.iterator(chunk_size=TAILLE_DES_PAQUETS):
        yield (
            ctx.pseudonyme(p.pk),
            Sexe(p.sexe).label,
            _tranche(p.age),
            NiveauQualification(p.niveau_qualification).label if p.niveau_qualification else "",
            p.qpv,
            not p.ancienne,
            p.heures,
            p.nombre_contrats,
        )


def _sorties(ctx):
    sorties = (
        Sortie.objects.filter(guichet=ctx.guichet, date__gte=ctx.portee.debut, date__lte=ctx.portee.fin)
        .filter(Exists(indicateurs.grand_livre_du_contrat(ctx.portee)))
        .select_related("contrat__entreprise")
        .order_by("date", "pk")
    )
    for s in sorties.iterator(chunk_size=TAILLE_DES_PAQUETS):
        yield (
            ctx.pseudonyme(s.contrat.beneficiaire_id),
            s.date,
            MomentSortie(s.moment).label,
            SituationSortie(s.situation).label,
            TYPES_CONTRAT[s.contrat.type_contrat],
            s.contrat.entreprise.raison_sociale,
        )


C = Colonne
REFERENCE = C("Référence du marché", "La référence du marché, unique dans le guichet.")
NUMERO_LOT = C("Lot", "Le numéro du lot dans son marché.", "entier")
MOIS_COLONNES = tuple(
    C(f"Heures {mois}", f"Heures réalisées en {mois} (grand livre).", "decimal") for mois in indicateurs.MOIS
)

RESTITUTION = Classeur(
    TypeExport.RESTITUTION,
    "Tout ce que le guichet a suivi dans l'année : marchés, lots, considérations, attributions, entreprises, heures "
    "mensuelles, grand livre, personnes (pseudonymisées) et sorties. Les marchés de l'année sont ceux notifiés dans "
    "l'année et ceux dont un lot avait une clause en exécution ou des heures dans l'année.",
    (
        Feuille(
            "Marchés",
            "Un marché de l'année par ligne.",
            (
                REFERENCE,
                C("Objet", "L'objet du marché."),
                C("Acheteur", "Le nom de l'acheteur."),
                C("SIRET de l'acheteur", "14 chiffres, s'il est connu."),
                C("Type de contrat", "Marché, accord-cadre, concession ou commande privée."),
                C("Nature", "Travaux, fournitures ou services (décide du seuil européen)."),
                C("Montant estimé HT (€)", "Le montant estimé du marché.", "decimal"),
                C("Date de notification", "", "date"),
                C("Début d'exécution", "", "date"),
                C("Fin d'exécution", "", "date"),
                C("Statut", "Programmé, en consultation, attribué, en exécution ou clos."),
                C("Considérations sociales", "Les types de considérations de ses lots, séparés par « ; »."),
                C("considerationsSociales (DECP)", "Les valeurs DECP de ces considérations, séparées par « , »."),
                C(
                    "Loi Climat",
                    "Le statut du marché au regard de l'article L2112-2-1 du code de la commande publique.",
                ),
            ),
            _marches,
        ),
        Feuille(
            "Lots",
            "Un lot de l'année par ligne, avec ses heures de l'année et le suivi de son obligation.",
            (
                REFERENCE,
                NUMERO_LOT,
                C("Intitulé", ""),
                C("Secteur", "La ligne de la table des taux de main-d'œuvre."),
                C("Montant HT (€)", "", "decimal"),
                C("Début d'exécution", "Celui du lot, sinon celui du marché.", "date"),
                C("Fin d'exécution", "Celle du lot, sinon celle du marché.", "date"),
                C("Titulaire", "La raison sociale du titulaire."),
                C("SIRET du titulaire", ""),
                C(
                    "Heures dues de l'année",
                    "Les heures de la clause en vigueur au 31 décembre, si le lot était "
                    "en exécution pendant l'année (leur somme est celle des chiffres clés).",
                    "decimal",
                ),
                C("Heures réalisées dans l'année", "Le grand livre de l'année sur ce lot.", "decimal"),
                C("Heures réalisées (suivi)", "Depuis le début du lot, toutes années (le suivi du lot).", "decimal"),
                C(
                    "Taux de réalisation (suivi)",
                    "Heures réalisées ÷ heures dues, en fraction (0,5 = 50 %).",
                    "decimal",
                ),
                C("Statut (suivi)", "Dans les temps, en retard, à risque, terminé ou non démarré."),
                C("Pénalités estimées (€)", "La pénalité théorique de la clause ; l'acheteur décide.", "decimal"),
            ),
            _lots,
        ),
        Feuille(
            "Considérations",
            "Une considération sociale par ligne, sur les lots des marchés de l'année.",
            (
                REFERENCE,
                NUMERO_LOT,
                C("Code", "Le code du type de considération (domain.md §2)."),
                C("Type", "Le libellé du type."),
                C("Valeur DECP", "Clause sociale, Critère social ou Marché réservé."),
                C("Mode de calcul", "Pour une clause d'heures : formule, forfait, PACT propreté, tranche facturée."),
                C("Heures dues", "Le calibrage arrondi (sans les avenants).", "decimal"),
                C("Heures dues brutes", "Le calibrage avant arrondi.", "decimal"),
                C("Pondération", "Le poids d'un critère d'attribution, en fraction (0,15 = 15 %).", "decimal"),
                C("Description", ""),
                C("Indicateurs", "« nom : réalisé / cible unité », séparés par « ; »."),
            ),
            _considerations,
        ),
        Feuille(
            "Attributions",
            "Une entreprise attributaire d'un lot par ligne (titulaire, co-traitant, sous-traitant).",
            (
                REFERENCE,
                NUMERO_LOT,
                C("Entreprise", ""),
                C("SIRET", ""),
                C("Rôle", "Titulaire, co-traitant ou sous-traitant."),
                C("Montant HT (€)", "Le montant attribué.", "decimal"),
                C("Date de notification", "", "date"),
            ),
            _attributions,
        ),
        Feuille(
            "Entreprises",
            "Les entreprises attributaires des marchés de l'année ou présentes au grand livre de l'année.",
            (
                C("Raison sociale", ""),
                C("SIRET", ""),
                C("SIREN", "Les 9 premiers chiffres du SIRET : les entreprises se comptent par SIREN."),
                C("Type de structure", ""),
                C("Structure inclusive", "SIAE, GEIQ, EA, EATT, ESAT ou régie de quartier.", "booleen"),
                C("Code NAF", ""),
                C("Commune", ""),
                C("Heures réalisées dans l'année", "Les heures qu'elle doit, au grand livre de l'année.", "decimal"),
                C("Personnes", "Les personnes distinctes de ces heures.", "entier"),
            ),
            _entreprises,
        ),
        Feuille(
            "Heures mensuelles",
            "Les heures réalisées de l'année par lot et par mois (le mois où commence la ligne du grand livre).",
            (REFERENCE, NUMERO_LOT, *MOIS_COLONNES, C("Total", "Les heures de l'année du lot.", "decimal")),
            _heures_mensuelles,
        ),
        Feuille(
            "Grand livre",
            "Les lignes du grand livre de l'année : quelles heures, de qui, sont allées à quel lot, par quelle règle.",
            (
                C("Du", "", "date"),
                C("Au", "", "date"),
                C("Entreprise", "L'entreprise qui doit les heures."),
                C("SIRET", ""),
                REFERENCE,
                NUMERO_LOT,
                C("Personne", "Le pseudonyme de la personne (vide pour la sous-traitance)."),
                C("Type de contrat", ""),
                C("Sous-traitant", "La structure sous-traitante, pour une ligne de sous-traitance."),
                C("Modalité", "Embauche directe, mise à disposition, sous-traitance, co-traitance, formation."),
                C("Règle", "Explicite, échéance, prorata ou dépassement (domain.md §5)."),
                C("Heures", "", "decimal"),
                C("Calculé le", "Le moment du calcul de la ligne.", "date"),
            ),
            _grand_livre,
        ),
        Feuille(
            "Personnes",
            "Les personnes qui ont des heures dans l'année, pseudonymisées (ni nom, ni date de naissance, ni critère "
            "d'éligibilité).",
            (
                C("Pseudonyme", "Propre à cet export : il relie le grand livre, les personnes et les sorties."),
                C("Sexe", ""),
                C("Tranche d'âge", "Au début de son premier contrat compté dans l'année."),
                C("Niveau de qualification", ""),
                C("QPV", "Habite un quartier prioritaire de la politique de la ville.", "booleen"),
                C("Nouvelle", "Aucune heure au grand livre du guichet avant l'année.", "booleen"),
                C("Heures dans l'année", "", "decimal"),
                C("Contrats de travail", "Ses contrats comptés dans l'année (hors formations).", "entier"),
            ),
            _personnes,
        ),
        Feuille(
            "Sorties",
            "Les sorties enregistrées dans l'année des contrats qui ont des heures au grand livre.",
            (
                C("Personne", "Le pseudonyme de la personne."),
                C("Date", "", "date"),
                C("Moment", "À la fin du contrat ou six mois après."),
                C("Situation", "Catégories DGEFP (domain.md §7)."),
                C("Type de contrat", ""),
                C("Entreprise", "L'entreprise du contrat."),
            ),
            _sorties,
        ),
    ),
)


# --- Consolidation nationale -------------------------------------------------------------------------------------

# Amount bands of the marchés with a clause: the national report's, on the 2026 EU thresholds.
TRANCHES_MONTANT = (
    ("moins de 90 000 €", None, Decimal("90000")),
    ("de 90 000 € à 215 999 €", Decimal("90000"), Decimal("216000")),
    ("de 216 000 € à 999 999 €", Decimal("216000"), Decimal("1000000")),
    ("de 1 000 000 € à 5 403 999 €", Decimal("1000000"), Decimal("5404000")),
    ("5 404 000 € et plus", Decimal("5404000"), None),
)


def _repartition(rubrique, repartition, unite, colonne=0):
    for ligne in repartition.lignes:
        yield (rubrique, ligne.libelle, ligne.valeurs[colonne], unite)


def _consolidation(ctx):
    portee = ctx.portee
    chiffres = indicateurs.chiffres_cles(portee)
    yield ("Heures", "Heures réalisées", chiffres.heures_realisees, "heures")
    yield ("Heures", "Heures dues", chiffres.heures_dues, "heures")
    yield ("Heures", "Taux de réalisation", chiffres.taux_realisation, "fraction")
    yield ("Heures", "Équivalents temps plein", chiffres.etp, "ETP")
    yield from _repartition("Heures par modalité", indicateurs.heures_par_modalite(portee), "heures")
    yield from _repartition("Heures par type de structure", indicateurs.heures_par_structure(portee), "heures")
    yield from _repartition("Heures par secteur", indicateurs.heures_par_secteur(portee), "heures", colonne=1)
    yield ("Contrats de travail", "Contrats de travail", chiffres.contrats_travail, "contrats")
    yield from _repartition("Contrats par type", indicateurs.contrats_par_type(portee), "contrats")
    yield ("Participants", "Participants", chiffres.beneficiaires, "personnes")
    profils = indicateurs.personnes_par_profil(portee)
    for cle in ("sexe", "age", "niveau", "qpv", "critere"):
        yield from _repartition(profils[cle].titre, profils[cle], "personnes")
    yield from _repartition("Personnes nouvelles", indicateurs.personnes_nouvelles(portee), "personnes")
    par_participant = (
        (chiffres.heures_realisees / chiffres.beneficiaires).quantize(indicateurs.CENTIEME)
        if chiffres.beneficiaires
        else None
    )
    yield ("Participants", "Heures par participant", par_participant, "heures")
    sorties = indicateurs.sorties_par_situation(portee)
    for i, moment in enumerate(sorties.colonnes):
        yield from _repartition(f"Sorties ({moment.lower()})", sorties, "sorties", colonne=i)
    yield ("Entreprises", "Entreprises (SIREN distincts)", chiffres.entreprises, "entreprises")
    yield ("Entreprises", "Structures inclusives mobilisées", chiffres.structures_inclusives, "structures")
    yield ("Marchés", "Marchés notifiés", chiffres.marches_notifies, "marchés")
    yield ("Marchés", "Marchés avec une considération sociale", chiffres.marches_avec_consideration_sociale, "marchés")
    yield (
        "Marchés",
        "Part des marchés avec une considération sociale",
        chiffres.part_consideration_sociale,
        "fraction",
    )
    avec_clause = (
        Marche.objects.filter(guichet=ctx.guichet, date_notification__year=portee.annee)
        .avec_consideration()
        .filter(a_consideration=True)
    )
    montants = avec_clause.annotate(montant=Coalesce("montant_estime_ht", Sum("lots__montant_ht")))
    bandes = {}
    for i, (_, bas, haut) in enumerate(TRANCHES_MONTANT):
        condition = Q(montant__isnull=False)
        condition &= Q(montant__gte=bas) if bas is not None else Q()
        condition &= Q(montant__lt=haut) if haut is not None else Q()
        bandes[f"tranche_{i}"] = Count("pk", filter=condition)
    comptes = montants.aggregate(**bandes, inconnu=Count("pk", filter=Q(montant__isnull=True)))
    for i, (libelle, _, _) in enumerate(TRANCHES_MONTANT):
        yield ("Marchés avec une considération sociale par montant", libelle, comptes[f"tranche_{i}"], "marchés")
    yield ("Marchés avec une considération sociale par montant", "montant inconnu", comptes["inconnu"], "marchés")
    acheteurs = dict(
        avec_clause.values("acheteur__type")
        .annotate(n=Count("acheteur", distinct=True))
        .values_list("acheteur__type", "n")
    )
    yield (
        "Acheteurs",
        "Acheteurs ayant notifié un marché avec une considération sociale",
        sum(acheteurs.values()),
        "acheteurs",
    )
    for code, libelle in TypeAcheteur.choices:
        if acheteurs.get(code):
            yield ("Acheteurs par type", libelle, acheteurs[code], "acheteurs")


CONSOLIDATION = Classeur(
    TypeExport.CONSOLIDATION,
    "Les chiffres que le réseau national consolide, en un tableau long (une ligne par chiffre) qui s'additionne d'un "
    "guichet à l'autre : heures, ETP, contrats de travail, participants, sorties, entreprises, marchés avec une "
    "considération sociale par tranche de montant, acheteurs. Les mêmes définitions que les bilans (note de méthode) ; "
    "aucun effectif n'est masqué (transmission au réseau, pas publication).",
    (
        Feuille(
            "Consolidation",
            "Une ligne par chiffre ; les rubriques et leurs indicateurs sont toujours dans le même ordre, une "
            "catégorie sans valeur n'apparaissant pas dans les répartitions.",
            (
                C(
                    "Rubrique",
                    "Heures, Heures par modalité, Contrats par type, Participants, Personnes par…, Sorties…, "
                    "Entreprises, Marchés, Marchés avec une considération sociale par montant, Acheteurs…",
                ),
                C("Indicateur", "Le chiffre ou la catégorie."),
                C("Valeur", "Un nombre ; vide quand il est sans objet (un taux sans heures dues).", "decimal"),
                C(
                    "Unité",
                    "heures, ETP, contrats, personnes, sorties, entreprises, structures, marchés, acheteurs "
                    "ou fraction (0,3 = 30 %).",
                ),
            ),
            _consolidation,
        ),
    ),
)


# --- DECP --------------------------------------------------------------------------------------------------------


def _decp_lignes(ctx):
    marches = (
        Marche.objects.filter(guichet=ctx.guichet, date_notification__year=ctx.portee.annee)
        .exclude(type_contrat=TypeContratMarche.COMMANDE_PRIVEE)
        .select_related("acheteur")
        .order_by("date_notification", "reference")
    )
    for m in _types(marches).iterator(chunk_size=TAILLE_DES_PAQUETS):
        yield (
            m.reference,
            m.acheteur.siret,
            m.acheteur.nom,
            m.objet,
            TypeContratMarche(m.type_contrat).label,
            m.montant_estime_ht,
            m.date_notification,
            _decp(m.types),
        )


DECP = Classeur(
    TypeExport.DECP,
    "Les marchés notifiés dans l'année (hors commandes privées) et la valeur de leur champ considerationsSociales "
    "des données essentielles de la commande publique (DECP), à reporter dans la publication de l'acheteur. Les "
    "en-têtes reprennent les noms des champs DECP.",
    (
        Feuille(
            "DECP",
            "Un marché notifié dans l'année par ligne.",
            (
                C("id", "La référence du marché."),
                C("acheteur.id", "Le SIRET de l'acheteur."),
                C("acheteur.nom", "Le nom de l'acheteur."),
                C("objet", ""),
                C("nature", "Marché, accord-cadre ou concession."),
                C("montant", "Le montant estimé HT (€).", "decimal"),
                C("dateNotification", "", "date"),
                C(
                    "considerationsSociales",
                    f"Clause sociale, Critère social, Marché réservé (séparés par « , ») ou "
                    f"« {PAS_DE_CONSIDERATION} ».",
                ),
            ),
            _decp_lignes,
        ),
    ),
)

CLASSEURS = {classeur.type: classeur for classeur in (RESTITUTION, CONSOLIDATION, DECP)}
DICTIONNAIRE = (
    C("Feuille", "La feuille du classeur (le fichier CSV dans une archive)."),
    C("Colonne", "L'en-tête de la colonne."),
    C("Format", "texte, entier, décimal, date ou booléen."),
    C("Description", ""),
)
FORMATS = {"texte": "texte", "entier": "entier", "decimal": "décimal", "date": "date", "booleen": "booléen"}


def _dictionnaire(classeur):
    for feuille in classeur.feuilles:
        for colonne in feuille.colonnes:
            yield (feuille.nom, colonne.titre, FORMATS[colonne.format], colonne.description)


# --- Writers -----------------------------------------------------------------------------------------------------


def _valeur_xlsx(feuille, valeur):
    if isinstance(valeur, datetime):
        valeur = timezone.make_naive(valeur) if timezone.is_aware(valeur) else valeur
    if isinstance(valeur, date):
        cellule = WriteOnlyCell(feuille, value=valeur)
        cellule.number_format = "dd/mm/yyyy hh:mm" if isinstance(valeur, datetime) else "dd/mm/yyyy"
        return cellule
    if isinstance(valeur, str) and valeur.startswith("="):
        cellule = WriteOnlyCell(feuille, value=valeur)
        cellule.data_type = "s"  # a text, never a formula
        return cellule
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    return valeur


def _feuille_xlsx(classeur_xlsx, nom, colonnes, lignes):
    feuille = classeur_xlsx.create_sheet(nom)
    for i, colonne in enumerate(colonnes, start=1):
        feuille.column_dimensions[get_column_letter(i)].width = min(max(12, len(colonne.titre) + 4), 60)
    feuille.freeze_panes = "A2"
    gras = Font(bold=True)
    entetes = []
    for colonne in colonnes:
        cellule = WriteOnlyCell(feuille, value=colonne.titre)
        cellule.font = gras
        entetes.append(cellule)
    feuille.append(entetes)
    for ligne in lignes:
        feuille.append([_valeur_xlsx(feuille, v) for v in ligne])


def _valeur_csv(valeur):
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, datetime):
        return (
            timezone.localtime(valeur).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(valeur)
            else valeur.strftime("%d/%m/%Y %H:%M")
        )
    if isinstance(valeur, date):
        return valeur.strftime("%d/%m/%Y")
    if isinstance(valeur, (int, Decimal, float)):
        return str(valeur).replace(".", ",")  # a number: never a formula, written the French way
    return cellule_csv(valeur)


def _csv(colonnes, lignes) -> bytes:
    tampon = io.StringIO()
    tampon.write("\ufeff")
    ecrivain = csv.writer(tampon, delimiter=";", lineterminator="\r\n")
    ecrivain.writerow([cellule_csv(colonne.titre) for colonne in colonnes])
    for ligne in lignes:
        ecrivain.writerow([_valeur_csv(v) for v in ligne])
    return tampon.getvalue().encode("utf-8")


def _nom_csv(feuille):
    return f"{slugify(feuille.nom)}.csv"


@contextmanager
def produire(export, *, progression=lambda pct: None):
    """The export's file (a temporary file, deleted on exit), sheet by sheet with the progress."""
    classeur = CLASSEURS[export.type]
    ctx = Contexte(indicateurs.Portee(export.guichet, export.annee), cle=secrets.token_bytes(32))
    ctx.portee.parametres  # noqa: B018 (read once, before the sheets)
    total = len(classeur.feuilles)
    with tempfile.TemporaryFile() as fichier:
        if export.format == FormatExport.XLSX:
            xlsx = Workbook(write_only=True)
            for n, feuille in enumerate(classeur.feuilles):
                _feuille_xlsx(xlsx, feuille.nom, feuille.colonnes, feuille.lignes(ctx))
                progression(5 + 90 * (n + 1) // total)
            _feuille_xlsx(xlsx, "Dictionnaire", DICTIONNAIRE, _dictionnaire(classeur))
            xlsx.save(fichier)
        elif total == 1:
            (feuille,) = classeur.feuilles
            fichier.write(_csv(feuille.colonnes, feuille.lignes(ctx)))
        else:
            with zipfile.ZipFile(fichier, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for n, feuille in enumerate(classeur.feuilles):
                    archive.writestr(_nom_csv(feuille), _csv(feuille.colonnes, feuille.lignes(ctx)))
                    progression(5 + 90 * (n + 1) // total)
                archive.writestr("dictionnaire.csv", _csv(DICTIONNAIRE, _dictionnaire(classeur)))
        fichier.seek(0)
        yield fichier


def extension(export):
    if export.format == FormatExport.XLSX:
        return "xlsx"
    return "csv" if len(CLASSEURS[export.type].feuilles) == 1 else "zip"


def nom_fichier(export):
    return f"{slugify(f'{export.type}-{export.annee}-{export.guichet.slug}')}.{extension(export)}"


def dictionnaire_markdown() -> str:
    """``docs/exports.md``: each export, its sheets and their columns (written by ``manage.py
    dictionnaire_exports``)."""
    lignes = [
        "# Dictionnaire des exports",
        "",
        "Ce fichier est produit par `python manage.py dictionnaire_exports` à partir de `reporting/exports.py` : ne "
        "le modifiez pas à la main. Chaque classeur XLSX contient aussi ces descriptions (feuille « Dictionnaire »).",
        "",
        "Formats : XLSX (nombres et dates véritables) ou CSV (séparateur `;`, UTF-8 avec BOM, virgule décimale, dates "
        "`JJ/MM/AAAA`, booléens `oui`/`non`). Un export de plusieurs feuilles en CSV est une archive zip : un fichier "
        "CSV par feuille et `dictionnaire.csv`. Les cellules de texte sont protégées contre l'injection de formules.",
        "",
    ]
    for type_export, classeur in CLASSEURS.items():
        lignes += [f"## {TypeExport(type_export).label} (`{type_export}`)", "", classeur.description, ""]
        for feuille in classeur.feuilles:
            lignes += [
                f"### Feuille « {feuille.nom} »" + (f" (`{_nom_csv(feuille)}`)" if len(classeur.feuilles) > 1 else ""),
                "",
                feuille.description,
                "",
                "| colonne | format | description |",
                "|---|---|---|",
            ]
            lignes += [
                f"| {c.titre} | {FORMATS[c.format]} | {c.description.replace('|', '/')} |" for c in feuille.colonnes
            ]
            lignes.append("")
    return "\n".join(lignes)
