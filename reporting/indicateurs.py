"""Les indicateurs du guichet (domain.md §9) : le seul endroit où ils se calculent.

Les tableaux de bord, l'API ``indicateurs/`` et les bilans PDF lisent ces fonctions, si bien qu'un chiffre est le
même partout. Chaque fonction fait un petit nombre fixe de requêtes d'agrégat (jamais de boucle sur des lignes) :
le nombre de requêtes ne dépend pas du volume des données.

Définitions (celles que lisent les pages, l'API et les bilans) :

* **heures réalisées** : la somme du grand livre (``Allocation``, dépassement compris, comme le suivi des lots)
  dont la période commence dans l'année. Un relevé étant mensuel, une ligne du grand livre tient dans un mois.
* **heures dues** : les heures en vigueur au 31 décembre (dernier avenant à cette date, sinon le calibrage) des
  clauses d'insertion des lots **en exécution pendant l'année** : leur période d'exécution (celle du lot, sinon
  celle du marché ; sans dates, le jour de notification) recoupe l'année. Une obligation pluriannuelle compte
  entière chaque année où elle court ; le **rythme dû** d'un mois l'étale, lui, au prorata des jours.
* **bénéficiaires**, **contrats de travail** (hors formations sans contrat), **entreprises** (SIREN distincts) :
  ceux qui ont des heures au grand livre de l'année — des heures qui comptent, donc d'une personne éligible.
* **ETP** : heures réalisées ÷ ``heures_etp`` (paramètre, 1 607 h).
* **marchés notifiés**, **avec considération sociale** et leur **part** (PNAD) : ``marches.selectors.pnad``.

Mémoire : chaque résultat est gardé dans le cache (Redis) sous une clé qui contient l'**empreinte** des données du
guichet (:attr:`Portee.empreinte`, une requête) : la version que la base tient à jour à chaque instruction qui écrit
une donnée du guichet (``guichet/versions.py``). Toute écriture change donc la clé : un chiffre n'est jamais servi
périmé, et les pages qui le relisent ne refont pas les agrégats. ``INDICATEURS_CACHE_SECONDES`` (réglage, 3 600 par
défaut ; 0 : pas de cache) borne leur durée de vie.

Petits effectifs : les répartitions de personnes montrées à qui ne lit pas les données personnelles (acheteurs,
partenaires du comité de pilotage, bilans publics) masquent les cellules de moins de ``seuil_petits_effectifs``
personnes (:func:`masquer_petites_cellules`). Les totaux, eux, restent publiés.
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractMonth, Greatest, Least
from django.utils import timezone

from acheteurs.models import Acheteur
from entreprises.enums import STRUCTURES_INCLUSIVES, ModaliteDecompte, TypeStructure
from entreprises.models import Allocation, Entreprise
from guichet import versions
from guichet.enums import Role, Secteur, TypeConsideration
from guichet.selectors import parametres_of
from marches.enums import RoleAttribution
from marches.models import Attribution, Consideration, Lot, Marche
from marches.selectors import pnad
from publics.enums import Critere, Modalite, MomentSortie, NiveauQualification, Sexe, SituationSortie, TypeContrat
from publics.models import Beneficiaire, Contrat, Eligibilite, Sortie

ZERO = Decimal("0")
CENTIEME = Decimal("0.01")
DIX_MILLIEME = Decimal("0.0001")
MOIS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
# Who owes the hours of a lot (domain.md §5.1): not its sous-traitants.
DEBITEURS = [RoleAttribution.TITULAIRE, RoleAttribution.COTRAITANT]
TRANCHES_AGE = (("moins_26", "Moins de 26 ans"), ("26_49", "26 à 49 ans"), ("50_plus", "50 ans et plus"))


@dataclass(frozen=True)
class Portee:
    """Ce sur quoi porte un chiffre : un guichet, une année civile, et au plus un acheteur ou une entreprise."""

    guichet: object
    annee: int
    acheteur_id: int | None = None
    entreprise_id: int | None = None

    @property
    def debut(self):
        return date(self.annee, 1, 1)

    @property
    def fin(self):
        return date(self.annee, 12, 31)

    @cached_property
    def parametres(self):
        return parametres_of(guichet=self.guichet)

    @cached_property
    def empreinte(self):
        return empreinte(self.guichet)


def empreinte(guichet) -> str:
    """What changes whenever the guichet's data does (one query): the version the database keeps
    (guichet/versions.py)."""
    return versions.version(guichet.pk)


def memoriser(cle, lire_empreinte, calcul):
    """``calcul()``, or its result kept under ``cle`` (a tuple) and the data's fingerprint, ``lire_empreinte()``
    (see the module's doc), read only when the cache is on."""
    duree = getattr(settings, "INDICATEURS_CACHE_SECONDES", 3600)
    if not duree:
        return calcul()
    cle = ":".join(map(str, ("indicateurs", *cle, lire_empreinte())))
    valeur = cache.get(cle)
    if valeur is None:
        valeur = calcul()
        cache.set(cle, valeur, duree)
    return valeur


def memorise(fonction):
    """An indicator ``fonction(portee, **options)`` kept by :func:`memoriser`."""

    @wraps(fonction)
    def memorisee(portee, **options):
        cle = (
            fonction.__name__,
            portee.guichet.pk,
            portee.annee,
            portee.acheteur_id,
            portee.entreprise_id,
            *(f"{nom}={valeur}" for nom, valeur in options.items()),
        )
        return memoriser(cle, lambda: portee.empreinte, lambda: fonction(portee, **options))

    return memorisee


def portee_du_membre(membre, *, annee, acheteur_id=None) -> Portee:
    """La portée qu'un membre peut lire : un acheteur ne voit que le sien, une entreprise que ses lots."""
    if membre.role == Role.ACHETEUR:
        return Portee(membre.guichet, annee, acheteur_id=membre.acheteur_id)
    if membre.role == Role.ENTREPRISE:
        return Portee(membre.guichet, annee, entreprise_id=membre.entreprise_id)
    return Portee(membre.guichet, annee, acheteur_id=acheteur_id)


def seuil_de_masquage(membre, portee) -> int | None:
    """Le seuil des petits effectifs (paramètre du guichet) pour ce lecteur ; ``None`` pour qui lit déjà les
    personnes (facilitateurs, administrateurs)."""
    if membre.has_perm("publics.view"):
        return None
    return portee.parametres.seuil_petits_effectifs


# --- Les deux sources : le grand livre de l'année et les clauses en exécution ----------------------------------


def allocations(portee: Portee):
    """Les lignes du grand livre de l'année (par leur premier jour), dans la portée."""
    rows = Allocation.objects.filter(guichet=portee.guichet, debut__gte=portee.debut, debut__lte=portee.fin)
    if portee.acheteur_id is not None:
        rows = rows.filter(lot__marche__acheteur_id=portee.acheteur_id)
    if portee.entreprise_id is not None:
        rows = rows.filter(entreprise_id=portee.entreprise_id)
    return rows


def clauses(portee: Portee):
    """Les clauses d'insertion des lots en exécution pendant l'année, annotées de ``debut_periode``,
    ``fin_periode`` (l'exécution du lot, sinon du marché, sinon le jour de notification) et ``heures`` (en vigueur
    au 31 décembre, 0 si la clause n'est pas calculée)."""
    rows = (
        Consideration.objects.filter(guichet=portee.guichet, type=TypeConsideration.CLAUSE_HEURES)
        .annotate(
            debut_periode=Coalesce(
                "lot__date_debut_execution", "lot__marche__date_debut_execution", "lot__marche__date_notification"
            )
        )
        .annotate(fin_periode=Coalesce("lot__date_fin_execution", "lot__marche__date_fin_execution", "debut_periode"))
        .filter(debut_periode__lte=portee.fin, fin_periode__gte=portee.debut)
        .filter(fin_periode__gte=F("debut_periode"))
        .avec_heures_en_vigueur(portee.fin)
        .annotate(heures=Coalesce("heures_en_vigueur", Value(ZERO), output_field=DecimalField()))
    )
    if portee.acheteur_id is not None:
        rows = rows.filter(lot__marche__acheteur_id=portee.acheteur_id)
    if portee.entreprise_id is not None:
        tenus = Attribution.objects.filter(lot=OuterRef("lot"), entreprise_id=portee.entreprise_id, role__in=DEBITEURS)
        rows = rows.filter(Exists(tenus))
    return rows


def contrats(portee: Portee):
    """Les contrats qui ont des heures au grand livre de l'année."""
    return Contrat.objects.filter(guichet=portee.guichet, pk__in=allocations(portee).values("contrat"))


def personnes(portee: Portee):
    """Les personnes qui ont des heures au grand livre de l'année."""
    return Beneficiaire.objects.filter(
        guichet=portee.guichet, pk__in=allocations(portee).values("contrat__beneficiaire")
    )


# --- Chiffres clés (l'API ``indicateurs/``) ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChiffresCles:
    marches_notifies: int | None
    marches_avec_consideration_sociale: int | None
    part_consideration_sociale: Decimal | None
    heures_dues: Decimal
    heures_realisees: Decimal
    taux_realisation: Decimal | None
    beneficiaires: int
    contrats_travail: int
    entreprises: int
    structures_inclusives: int
    etp: Decimal


def taux(realisees, dues) -> Decimal | None:
    """Réalisées ÷ dues au dix-millième (comme le suivi d'un lot) ; ``None`` quand rien n'est dû."""
    if not dues:
        return None
    return (Decimal(realisees) / Decimal(dues)).quantize(DIX_MILLIEME, rounding=ROUND_HALF_UP)


@memorise
def chiffres_cles(portee: Portee) -> ChiffresCles:
    """Les chiffres de l'année (quatre requêtes, plus les paramètres). La part PNAD porte sur des marchés : sans
    objet pour une entreprise (``None``)."""
    if portee.entreprise_id is None:
        marches = pnad(guichet=portee.guichet, annee=portee.annee, acheteur=portee.acheteur_id)
    else:
        marches = dict.fromkeys(
            ("marches_notifies", "marches_avec_consideration_sociale", "part_consideration_sociale")
        )
    dues = clauses(portee).aggregate(total=Sum("heures"))["total"] or ZERO
    ledger = allocations(portee).aggregate(
        heures=Sum("heures"),
        contrats=Count("contrat", distinct=True, filter=~Q(contrat__modalite=Modalite.FORMATION)),
        beneficiaires=Count("contrat__beneficiaire", distinct=True),
        entreprises=Count("entreprise__siren", distinct=True),
    )
    realisees = ledger["heures"] or ZERO
    etp = (realisees / portee.parametres.heures_etp).quantize(CENTIEME, rounding=ROUND_HALF_UP)
    return ChiffresCles(
        **marches,
        heures_dues=dues,
        heures_realisees=realisees,
        taux_realisation=taux(realisees, dues),
        beneficiaires=ledger["beneficiaires"],
        contrats_travail=ledger["contrats"],
        entreprises=ledger["entreprises"],
        structures_inclusives=structures_inclusives(portee),
        etp=etp,
    )


def structures_inclusives(portee: Portee) -> int:
    """Les structures inclusives mobilisées (SIREN distincts) : entreprises inclusives qui ont des heures, et
    structures sous-traitantes ou qui mettent des personnes à disposition sur des heures de l'année."""
    ledger = allocations(portee)
    mobilisee = (
        Exists(ledger.filter(entreprise=OuterRef("pk")))
        | Exists(ledger.filter(ligne__sous_traitant=OuterRef("pk")))
        | Exists(ledger.filter(contrat__structure=OuterRef("pk")))
    )
    rows = Entreprise.objects.filter(guichet=portee.guichet, type_structure__in=STRUCTURES_INCLUSIVES)
    return rows.filter(mobilisee).aggregate(n=Count("siren", distinct=True))["n"]


# --- Répartitions ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ligne:
    cle: str
    libelle: str
    valeurs: tuple  # une valeur par colonne : int ou Decimal, None pour une cellule masquée


@dataclass(frozen=True)
class Repartition:
    """Un tableau : une ligne par catégorie, une valeur par colonne. Les graphiques et leurs tableaux de données
    le lisent tel quel."""

    titre: str
    colonnes: tuple
    lignes: tuple
    unite: str = "h"  # "h" (heures) ou "" (effectifs)
    note: str = ""

    @property
    def vide(self):
        return not any(v for ligne in self.lignes for v in ligne.valeurs)

    @property
    def masquee(self):
        """Une cellule au moins est masquée (petits effectifs) : les bilans le disent sous le tableau."""
        return any(v is None for ligne in self.lignes for v in ligne.valeurs)


def _heures(valeur):
    return (valeur or ZERO).quantize(CENTIEME, rounding=ROUND_HALF_UP)


class _JoursInclus(Func):
    """Jours de ``a`` à ``b`` inclus (PostgreSQL : date − date est un entier)."""

    template = "((%(expressions)s) + 1)"
    arg_joiner = " - "
    output_field = IntegerField()


def _rythme_du_mois(annee, mois):
    """Part des heures d'une clause dues au mois ``mois`` : ses heures × jours du mois dans sa période ÷ jours de
    sa période (l'obligation étalée uniformément sur l'exécution)."""
    premier = date(annee, mois, 1)
    dernier = date(annee, mois, calendar.monthrange(annee, mois)[1])
    recouvrement = Greatest(
        Value(0),
        _JoursInclus(
            Least(F("fin_periode"), Value(dernier)),
            Greatest(F("debut_periode"), Value(premier)),
        ),
    )
    return Sum(
        ExpressionWrapper(
            F("heures") * recouvrement / _JoursInclus(F("fin_periode"), F("debut_periode")),
            output_field=DecimalField(),
        )
    )


@memorise
def heures_par_mois(portee: Portee) -> Repartition:
    """Le rythme dû (l'obligation des lots en exécution étalée sur leur période) et les heures réalisées, mois
    par mois (deux requêtes)."""
    dues = clauses(portee).aggregate(**{f"m{m}": _rythme_du_mois(portee.annee, m) for m in range(1, 13)})
    faites = dict(
        allocations(portee)
        .annotate(mois=ExtractMonth("debut"))
        .values("mois")
        .annotate(total=Sum("heures"))
        .values_list("mois", "total")
    )
    return Repartition(
        titre=f"Heures par mois en {portee.annee}",
        colonnes=("Dues (rythme)", "Réalisées"),
        lignes=tuple(
            Ligne(str(m), MOIS[m - 1], (_heures(dues[f"m{m}"]), _heures(faites.get(m)))) for m in range(1, 13)
        ),
        note="Rythme dû : les heures dues de chaque lot étalées uniformément sur sa période d'exécution.",
    )


def _dues_et_realisees(portee, cle, libelles, titre, ordre=None):
    """Heures dues et réalisées par une même clé du lot (secteur, acheteur…) : deux requêtes groupées. Sans
    ``ordre``, du plus gros dû au plus petit."""
    dues = dict(clauses(portee).values(cle).annotate(total=Sum("heures")).values_list(cle, "total"))
    faites = dict(allocations(portee).values(cle).annotate(total=Sum("heures")).values_list(cle, "total"))
    if ordre is None:
        ordre = sorted(set(dues) | set(faites), key=lambda c: (-(dues.get(c) or ZERO), str(c)))
    lignes = [
        Ligne(str(c), libelles.get(c) or "Non renseigné", (_heures(dues.get(c)), _heures(faites.get(c))))
        for c in ordre
        if dues.get(c) or faites.get(c)
    ]
    return Repartition(titre=titre, colonnes=("Dues", "Réalisées"), lignes=tuple(lignes))


@memorise
def heures_par_secteur(portee: Portee) -> Repartition:
    ordre = [*Secteur.values, ""]
    return _dues_et_realisees(portee, "lot__secteur", dict(Secteur.choices), "Heures par secteur", ordre)


@memorise
def heures_par_acheteur(portee: Portee) -> Repartition:
    """Par acheteur, du plus gros dû au plus petit (trois requêtes : les noms en plus)."""
    repartition = _dues_et_realisees(portee, "lot__marche__acheteur_id", {}, "Heures par acheteur")
    ids = [int(ligne.cle) for ligne in repartition.lignes]
    noms = dict(Acheteur.objects.filter(guichet=portee.guichet, pk__in=ids).values_list("pk", "nom"))
    lignes = tuple(Ligne(ligne.cle, noms[int(ligne.cle)], ligne.valeurs) for ligne in repartition.lignes)
    return Repartition(titre=repartition.titre, colonnes=repartition.colonnes, lignes=lignes)


@memorise
def heures_par_type(portee: Portee) -> Repartition:
    """Heures réalisées sur les lots portant chaque type de considération (un lot qui en porte deux compte dans
    les deux) et marchés notifiés de l'année portant ce type (deux requêtes)."""
    faites = dict(
        allocations(portee)
        .filter(lot__considerations__isnull=False)
        .values("lot__considerations__type")
        .annotate(total=Sum("heures"))
        .values_list("lot__considerations__type", "total")
    )
    marches = Marche.objects.filter(guichet=portee.guichet, date_notification__year=portee.annee)
    if portee.acheteur_id is not None:
        marches = marches.filter(acheteur_id=portee.acheteur_id)
    if portee.entreprise_id is not None:
        marches = marches.filter(
            Exists(Attribution.objects.filter(lot__marche=OuterRef("pk"), entreprise_id=portee.entreprise_id))
        )
    nombres = dict(
        marches.filter(lots__considerations__isnull=False)
        .values("lots__considerations__type")
        .annotate(n=Count("pk", distinct=True))
        .values_list("lots__considerations__type", "n")
    )
    lignes = [
        Ligne(code, libelle, (nombres.get(code, 0), _heures(faites.get(code))))
        for code, libelle in TypeConsideration.choices
        if nombres.get(code) or faites.get(code)
    ]
    return Repartition(
        titre="Par type de considération sociale",
        colonnes=("Marchés notifiés", "Heures réalisées"),
        lignes=tuple(lignes),
        note="Un lot qui porte plusieurs considérations compte pour chacune.",
    )


@memorise
def heures_par_modalite(portee: Portee) -> Repartition:
    faites = dict(allocations(portee).values("modalite").annotate(total=Sum("heures")).values_list("modalite", "total"))
    lignes = [
        Ligne(code, libelle, (_heures(faites.get(code)),))
        for code, libelle in ModaliteDecompte.choices
        if faites.get(code)
    ]
    return Repartition(titre="Heures par modalité", colonnes=("Réalisées",), lignes=tuple(lignes))


# --- Personnes et contrats ---------------------------------------------------------------------------------------


def masquer_petites_cellules(valeurs, seuil, *, additive=True):
    """Secret statistique : les effectifs de 1 à ``seuil`` − 1 deviennent ``None``. Si une seule cellule d'une
    répartition additive est masquée, le total publié la révélerait par différence : la plus petite des autres
    l'est aussi (masquage secondaire). Les zéros restent, sauf comme masquage secondaire."""
    if seuil is None:
        return list(valeurs)
    masquees = [v if not 0 < v < seuil else None for v in valeurs]
    if additive and masquees.count(None) == 1:
        autres = [(v, i) for i, v in enumerate(masquees) if v is not None]
        if autres:
            masquees[min(autres)[1]] = None
    return masquees


def _repartition_personnes(titre, categories, comptes, seuil, *, additive=True, note=""):
    valeurs = masquer_petites_cellules([comptes[cle] for cle, _ in categories], seuil, additive=additive)
    lignes = tuple(Ligne(cle, libelle, (v,)) for (cle, libelle), v in zip(categories, valeurs, strict=True))
    return Repartition(titre=titre, colonnes=("Personnes",), lignes=lignes, unite="", note=note)


class _AgeEnAnnees(Func):
    """L'âge révolu à une date : ``date_part('year', age(date, naissance))``."""

    template = "date_part('year', age(%(expressions)s))"
    output_field = IntegerField()


@memorise
def personnes_par_profil(portee: Portee, *, seuil=None) -> dict:
    """Les personnes de l'année par sexe, niveau de qualification, QPV (une requête), tranche d'âge à leur premier
    contrat compté (une requête) et critère d'éligibilité (une requête : les critères de la décision qui couvrait
    le début d'un contrat compté ; une personne compte pour chacun de ses critères). ``seuil`` : masquage des
    petits effectifs (``None`` : aucun)."""
    profils = {
        **{f"sexe_{code}": Q(sexe=code) for code in Sexe.values},
        **{f"niveau_{code}": Q(niveau_qualification=code) for code in NiveauQualification.values},
        "qpv_oui": Q(qpv=True),
        "qpv_non": Q(qpv=False),
    }
    comptes = personnes(portee).aggregate(**{cle: Count("pk", filter=condition) for cle, condition in profils.items()})
    premier_contrat = (
        contrats(portee).filter(beneficiaire=OuterRef("pk")).order_by("date_debut").values("date_debut")[:1]
    )
    # One evaluation of the age per person: its band is width_bucket(age, {26, 50}), 0, 1 or 2.
    tranche = Func(
        _AgeEnAnnees(Subquery(premier_contrat), F("date_naissance")),
        Value([26, 50]),
        function="width_bucket",
        output_field=IntegerField(),
    )
    par_tranche = dict(
        personnes(portee)
        .annotate(tranche=tranche)
        .values("tranche")
        .annotate(n=Count("pk"))
        .values_list("tranche", "n")
    )
    comptes |= {f"age_{cle}": par_tranche.get(rang, 0) for rang, (cle, _) in enumerate(TRANCHES_AGE)}
    contrat_couvert = contrats(portee).filter(
        beneficiaire=OuterRef("beneficiaire"),
        date_debut__gte=OuterRef("date_validation"),
        date_debut__lte=OuterRef("valide_jusqu_au"),
    )
    criteres = (
        Eligibilite.objects.filter(guichet=portee.guichet, date_validation__isnull=False)
        .filter(Exists(contrat_couvert))
        .aggregate(
            **{
                code: Count("beneficiaire", distinct=True, filter=Q(criteres__contains=[code]))
                for code in Critere.values
            }
        )
    )
    return {
        "sexe": _repartition_personnes(
            "Personnes par sexe", [(f"sexe_{c}", lib) for c, lib in Sexe.choices], comptes, seuil
        ),
        "age": _repartition_personnes(
            "Personnes par âge",
            [(f"age_{c}", lib) for c, lib in TRANCHES_AGE],
            comptes,
            seuil,
            note="Âge au début du premier contrat compté dans l'année.",
        ),
        "niveau": _repartition_personnes(
            "Personnes par niveau de qualification",
            [(f"niveau_{c}", lib) for c, lib in NiveauQualification.choices],
            comptes,
            seuil,
        ),
        "qpv": _repartition_personnes(
            "Personnes habitant un quartier prioritaire (QPV)",
            [("qpv_oui", "QPV"), ("qpv_non", "Hors QPV")],
            comptes,
            seuil,
        ),
        "critere": _repartition_personnes(
            "Personnes par critère d'éligibilité",
            [(code, libelle) for code, libelle in Critere.choices if criteres[code]],
            criteres,
            seuil,
            additive=False,
            note="Une personne compte pour chacun des critères de sa décision d'éligibilité.",
        ),
    }


@memorise
def contrats_par_type(portee: Portee, *, seuil=None) -> Repartition:
    """Les contrats de l'année (formations comprises) par type (une requête)."""
    comptes = dict(contrats(portee).values("type_contrat").annotate(n=Count("pk")).values_list("type_contrat", "n"))
    categories = [(code, libelle) for code, libelle in TypeContrat.choices if comptes.get(code)]
    valeurs = masquer_petites_cellules([comptes[code] for code, _ in categories], seuil)
    return Repartition(
        titre="Contrats par type",
        colonnes=("Contrats",),
        lignes=tuple(Ligne(c, lib, (v,)) for (c, lib), v in zip(categories, valeurs, strict=True)),
        unite="",
    )


# --- Ajouts des bilans et des exports ----------------------------------------------------------------------------


def personnes_nouvelles(portee: Portee, *, seuil=None) -> Repartition:
    """Les personnes de l'année nouvelles dans le dispositif (aucune heure au grand livre du guichet avant le
    1er janvier) ou déjà accompagnées (une requête)."""
    avant = Allocation.objects.filter(
        guichet=portee.guichet, debut__lt=portee.debut, contrat__beneficiaire=OuterRef("pk")
    )
    comptes = (
        personnes(portee)
        .annotate(ancienne=Exists(avant))
        .aggregate(nouvelles=Count("pk", filter=Q(ancienne=False)), anciennes=Count("pk", filter=Q(ancienne=True)))
    )
    return _repartition_personnes(
        "Personnes nouvelles et déjà accompagnées",
        [("nouvelles", "Nouvelles dans l'année"), ("anciennes", "Déjà accompagnées les années précédentes")],
        comptes,
        seuil,
        note="Nouvelle : aucune heure au grand livre du guichet avant le 1er janvier de l'année.",
    )


def grand_livre_du_contrat(portee: Portee):
    """Le grand livre (toutes années) d'un contrat (``OuterRef("contrat")``) dans la portée."""
    rows = Allocation.objects.filter(guichet=portee.guichet, contrat=OuterRef("contrat"))
    if portee.acheteur_id is not None:
        rows = rows.filter(lot__marche__acheteur_id=portee.acheteur_id)
    if portee.entreprise_id is not None:
        rows = rows.filter(entreprise_id=portee.entreprise_id)
    return rows


def _repartition_sorties(comptes, seuil, *, titre, note=""):
    """Les sorties ``{(situation, moment): nombre}`` en tableau : une ligne par situation, une colonne par moment,
    chaque colonne masquée pour elle-même."""
    colonnes = [
        masquer_petites_cellules([comptes.get((situation, moment), 0) for situation in SituationSortie.values], seuil)
        for moment in MomentSortie.values
    ]
    lignes = tuple(
        Ligne(code, libelle, tuple(colonne[i] for colonne in colonnes))
        for i, (code, libelle) in enumerate(SituationSortie.choices)
    )
    return Repartition(titre=titre, colonnes=tuple(MomentSortie.labels), lignes=lignes, unite="", note=note)


def sorties_par_situation(portee: Portee, *, seuil=None) -> Repartition:
    """Les sorties enregistrées dans l'année (domain.md §7), par situation, à la fin du contrat et six mois après,
    des contrats qui ont des heures au grand livre dans la portée, quelle que soit leur année (une requête)."""
    comptes = {
        (ligne["situation"], ligne["moment"]): ligne["n"]
        for ligne in Sortie.objects.filter(guichet=portee.guichet, date__gte=portee.debut, date__lte=portee.fin)
        .filter(Exists(grand_livre_du_contrat(portee)))
        .values("situation", "moment")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return _repartition_sorties(
        comptes,
        seuil,
        titre="Sorties enregistrées dans l'année",
        note="Catégories DGEFP : emploi durable (CDI, CDD ou intérim de 6 mois et plus…), de transition, sortie "
        "positive (formation qualifiante…).",
    )


def _structure(champ):
    """La structure qui a fait le travail d'une ligne du grand livre : la sous-traitante, sinon celle qui a mis la
    personne à disposition, sinon l'entreprise qui doit les heures."""
    return Coalesce(f"ligne__sous_traitant__{champ}", f"contrat__structure__{champ}", f"entreprise__{champ}")


def heures_par_structure(portee: Portee) -> Repartition:
    """Les heures réalisées par type de la structure qui a employé, mis à disposition ou sous-traité (une
    requête)."""
    faites = dict(
        allocations(portee)
        .annotate(type_structure=_structure("type_structure"))
        .values("type_structure")
        .annotate(total=Sum("heures"))
        .values_list("type_structure", "total")
    )
    lignes = [
        Ligne(code, libelle, (_heures(faites.get(code)),))
        for code, libelle in TypeStructure.choices
        if faites.get(code)
    ]
    return Repartition(
        titre="Heures par type de structure",
        colonnes=("Réalisées",),
        lignes=tuple(lignes),
        note="La structure qui a employé la personne, l'a mise à disposition ou a réalisé la sous-traitance.",
    )


def heures_par_entreprise(portee: Portee, *, limite=None) -> list[dict]:
    """Les entreprises (établissements) qui doivent les heures de l'année, de la plus grosse contribution à la
    plus petite, au plus ``limite`` : ``[{"entreprise", "heures", "personnes"}]`` (deux requêtes)."""
    lignes = list(
        allocations(portee)
        .values("entreprise_id")
        .annotate(heures=Sum("heures"), personnes=Count("contrat__beneficiaire", distinct=True))
        .order_by("-heures", "entreprise_id")[:limite]
    )
    entreprises = Entreprise.objects.filter(guichet=portee.guichet, pk__in=[ligne["entreprise_id"] for ligne in lignes])
    par_id = entreprises.in_bulk()
    return [{"entreprise": par_id[ligne.pop("entreprise_id")], **ligne} for ligne in lignes]


def structures_inclusives_mobilisees(portee: Portee):
    """Les structures inclusives mobilisées dans l'année (celles que compte :func:`structures_inclusives`),
    annotées des ``heures`` du grand livre où elles figurent (comme entreprise, sous-traitante ou structure qui met
    à disposition), des plus mobilisées aux moins. Une sous-requête indexée par rôle (pas de OU : il empêcherait
    les index)."""
    ledger = allocations(portee).order_by().values("guichet")
    heures = [
        Coalesce(
            Subquery(ledger.filter(**{role: OuterRef("pk")}).annotate(total=Sum("heures")).values("total")[:1]),
            Value(ZERO),
            output_field=DecimalField(),
        )
        for role in ("entreprise", "ligne__sous_traitant", "contrat__structure")
    ]
    return (
        Entreprise.objects.filter(guichet=portee.guichet, type_structure__in=STRUCTURES_INCLUSIVES)
        .annotate(heures=heures[0] + heures[1] + heures[2])
        .filter(heures__gt=0)
        .order_by("-heures", "raison_sociale")
    )


def considerations_hors_heures(portee: Portee):
    """Les considérations sociales autres que la clause d'heures des marchés notifiés dans l'année (actions,
    critère d'attribution, marchés réservés, plans de progrès…), avec leurs indicateurs ``{nom, unite, cible,
    realise}`` : ce que les heures ne disent pas."""
    rows = Consideration.objects.filter(
        guichet=portee.guichet, lot__marche__date_notification__year=portee.annee
    ).exclude(type=TypeConsideration.CLAUSE_HEURES)
    if portee.acheteur_id is not None:
        rows = rows.filter(lot__marche__acheteur_id=portee.acheteur_id)
    return rows.select_related("lot__marche__acheteur").order_by("type", "lot__marche__reference", "lot__numero")


@dataclass(frozen=True)
class BilanLot:
    """Un lot et son obligation d'heures de bout en bout (toutes années) : le bilan de fin de marché et
    l'attestation. Dues, réalisées, taux, reste, dépassement et pénalités sont ceux du suivi du lot (``SuiviLot``,
    comme sa page et ``lots/<id>/suivi/``) ; sans suivi calculé, les heures du grand livre et de la clause."""

    lot: object
    heures_dues: Decimal | None
    heures_realisees: Decimal
    taux_realisation: Decimal | None
    reste_a_realiser: Decimal | None
    depassement: Decimal | None
    penalites_estimees: Decimal | None
    statut_risque: str | None
    par_modalite: Repartition
    personnes: int
    contrats_travail: int
    sorties: Repartition


def bilan_lots(*, guichet, lots, entreprise_id=None, seuil=None) -> list[BilanLot]:
    """Chaque lot de ``lots`` (un QuerySet), ou la part d'une entreprise (``entreprise_id`` : ses heures à elle et
    leur taux ; les dues et les pénalités restent celles du lot). Quatre requêtes quel que soit le nombre de
    lots."""
    en_vigueur = Consideration.objects.filter(lot=OuterRef("pk"), type=TypeConsideration.CLAUSE_HEURES)
    en_vigueur = en_vigueur.avec_heures_en_vigueur(timezone.localdate()).values("heures_en_vigueur")[:1]
    lots = list(
        lots.select_related("marche__acheteur", "suivi")
        .avec_resume()
        .annotate(heures_en_vigueur=Subquery(en_vigueur))
        .order_by("marche__reference", "numero")
    )
    ledger = Allocation.objects.filter(guichet=guichet, lot_id__in=[lot.pk for lot in lots])
    if entreprise_id is not None:
        ledger = ledger.filter(entreprise_id=entreprise_id)
    modalites = {}
    for lot_id, modalite, total in ledger.values_list("lot_id", "modalite").annotate(total=Sum("heures")).order_by():
        modalites.setdefault(lot_id, {})[modalite] = total
    effectifs = {
        ligne["lot_id"]: ligne
        for ligne in ledger.values("lot_id")
        .annotate(
            personnes=Count("contrat__beneficiaire", distinct=True),
            contrats=Count("contrat", distinct=True, filter=~Q(contrat__modalite=Modalite.FORMATION)),
        )
        .order_by()
    }
    sorties = {}
    for lot_id, situation, moment, n in (
        Sortie.objects.filter(guichet=guichet, contrat__allocations__in=ledger)
        .values_list("contrat__allocations__lot_id", "situation", "moment")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        sorties.setdefault(lot_id, {})[(situation, moment)] = n
    bilans = []
    for lot in lots:
        par_modalite = modalites.get(lot.pk, {})
        realisees = sum(par_modalite.values(), ZERO)
        suivi = getattr(lot, "suivi", None)
        dues = suivi.heures_dues if suivi else lot.heures_en_vigueur
        if suivi and entreprise_id is None:  # the lot's own figures: those of its suivi
            realisees, taux_lot = suivi.heures_realisees, suivi.taux_realisation
        else:
            taux_lot = taux(realisees, dues)
        bilans.append(
            BilanLot(
                lot=lot,
                heures_dues=dues,
                heures_realisees=realisees,
                taux_realisation=taux_lot,
                reste_a_realiser=suivi.reste_a_realiser if suivi else None,
                depassement=suivi.depassement if suivi else None,
                penalites_estimees=suivi.penalites_estimees if suivi else None,
                statut_risque=suivi.statut_risque if suivi else None,
                par_modalite=Repartition(
                    titre="Heures par modalité",
                    colonnes=("Réalisées",),
                    lignes=tuple(
                        Ligne(code, libelle, (_heures(par_modalite.get(code)),))
                        for code, libelle in ModaliteDecompte.choices
                        if par_modalite.get(code)
                    ),
                ),
                personnes=effectifs.get(lot.pk, {}).get("personnes", 0),
                contrats_travail=effectifs.get(lot.pk, {}).get("contrats", 0),
                sorties=_repartition_sorties(sorties.get(lot.pk, {}), seuil, titre="Sorties des personnes du lot"),
            )
        )
    return bilans


def lots_de_l_annee(portee: Portee):
    """Les lots de l'année : une clause d'heures en exécution pendant l'année ou des heures au grand livre."""
    return Lot.objects.filter(guichet=portee.guichet).filter(
        Q(pk__in=clauses(portee).values("lot")) | Q(pk__in=allocations(portee).values("lot"))
    )


def marches_de_l_annee(portee: Portee):
    """Les marchés de l'année : notifiés dans l'année, ou qui ont un lot de l'année (:func:`lots_de_l_annee`)."""
    rows = Marche.objects.filter(guichet=portee.guichet).filter(
        Q(date_notification__year=portee.annee) | Q(pk__in=lots_de_l_annee(portee).values("marche"))
    )
    if portee.acheteur_id is not None:
        rows = rows.filter(acheteur_id=portee.acheteur_id)
    return rows


def heures_par_lot(portee: Portee) -> list[dict]:
    """Chaque lot de l'année avec ses heures dues de l'année et ses heures réalisées dans l'année :
    ``[{"lot", "heures_dues", "heures_realisees"}]``, par marché et numéro (trois requêtes). Les colonnes
    s'additionnent en :func:`chiffres_cles`."""
    dues = dict(clauses(portee).values("lot_id").annotate(total=Sum("heures")).values_list("lot_id", "total"))
    faites = dict(allocations(portee).values("lot_id").annotate(total=Sum("heures")).values_list("lot_id", "total"))
    lots = (
        Lot.objects.filter(guichet=portee.guichet, pk__in=set(dues) | set(faites))
        .select_related("marche__acheteur", "suivi")
        .order_by("marche__reference", "numero")
    )
    return [
        {"lot": lot, "heures_dues": dues.get(lot.pk, ZERO), "heures_realisees": _heures(faites.get(lot.pk))}
        for lot in lots
    ]
