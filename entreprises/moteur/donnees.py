"""Vocabulaire, entrées, paramètres et sorties du moteur d'heures (voir ``entreprises.moteur``).

Pur : ni ORM ni Django. Les codes des énumérations sont ceux de l'API et des modèles (``StrEnum`` : ils se
comparent aux chaînes lues en base).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

ZERO = Decimal(0)
UN = Decimal(1)
CENTIEME = Decimal("0.01")
DIX_MILLIEME = Decimal("0.0001")
JOURS_PAR_AN = 365


# --------------------------------------------------------------------------------------------------------
# Vocabulaire (codes stables, identiques à ceux de l'API et des modèles)
# --------------------------------------------------------------------------------------------------------


class Role(StrEnum):
    """Rôle de l'entreprise sur un lot (``attributions/`` de l'API)."""

    TITULAIRE = "titulaire"
    COTRAITANT = "cotraitant"
    SOUS_TRAITANT = "sous_traitant"


class StatutLigne(StrEnum):
    """Statut d'une ligne de relevé (``releves/`` de l'API) : seul ``valide`` compte (domain.md §4)."""

    EN_ATTENTE = "en_attente"
    VALIDE = "valide"
    REJETE = "rejete"


class Modalite(StrEnum):
    """Modalité de décompte d'une heure (domain.md §4).

    Les trois premières sont les modalités d'un contrat (``contrats/`` de l'API) ; ``sous_traitance`` est celle
    des lignes de sous-traitance ou de co-traitance avec une structure inclusive (ligne sans contrat) ;
    ``bonus_cdi`` marque les heures de valorisation d'un CDI, qui ne sont pas des heures déclarées.
    """

    EMBAUCHE_DIRECTE = "embauche_directe"
    MISE_A_DISPOSITION = "mise_a_disposition"
    FORMATION = "formation"
    SOUS_TRAITANCE = "sous_traitance"
    BONUS_CDI = "bonus_cdi"


MODALITES_CONTRAT = frozenset({Modalite.EMBAUCHE_DIRECTE, Modalite.MISE_A_DISPOSITION, Modalite.FORMATION})


class TypeContrat(StrEnum):
    """Type d'un contrat (``contrats/`` de l'API) ; seul ``cdi`` change le calcul (bonus CDI)."""

    CDI = "cdi"
    CDD = "cdd"
    INTERIM = "interim"
    CONTRAT_PRO = "contrat_pro"
    APPRENTISSAGE = "apprentissage"
    CDDI = "cddi"
    PEC = "pec"
    FORMATION = "formation"
    AUTRE = "autre"


class ConversionSousTraitance(StrEnum):
    """Paramètre ``conversion_sous_traitance`` (domain.md §4)."""

    MONTANT_MO = "montant_mo"
    TAUX_FORFAITAIRE = "taux_forfaitaire"
    HEURES_DECLAREES = "heures_declarees"


class BonusCdi(StrEnum):
    """Paramètre ``bonus_cdi`` (domain.md §4)."""

    AUCUN = "aucun"
    HEURES_FORFAITAIRES = "heures_forfaitaires"
    DUREE_RESTANTE = "duree_restante"


class RegleVentilation(StrEnum):
    """Paramètre ``regle_ventilation`` (domain.md §5.3)."""

    ECHEANCE = "echeance"
    PRORATA = "prorata"


class Regle(StrEnum):
    """Règle qui a conduit une heure sur un lot : le champ ``regle`` du grand livre (``allocations/``)."""

    EXPLICITE = "explicite"
    ECHEANCE = "echeance"
    PRORATA = "prorata"
    DEPASSEMENT = "depassement"


class Motif(StrEnum):
    """Pourquoi des heures ne comptent pas (domain.md §4 : « exclues du décompte avec le motif »).

    Codes stables (à stocker) ; :attr:`libelle` donne la phrase française à afficher.
    """

    LIGNE_EN_ATTENTE = "ligne_en_attente"
    LIGNE_REJETEE = "ligne_rejetee"
    HEURES_NON_RENSEIGNEES = "heures_non_renseignees"
    NON_ELIGIBLE = "non_eligible"
    STRUCTURE_NON_INCLUSIVE = "structure_non_inclusive"
    SOUS_TRAITANCE_SANS_LOT = "sous_traitance_sans_lot"
    CONVERSION_IMPOSSIBLE = "conversion_impossible"
    FORMATION_NON_COMPTEE = "formation_non_comptee"
    PLAFOND_FORMATION = "plafond_formation"
    LOT_AUTRE_ENTREPRISE = "lot_autre_entreprise"
    LOT_SOUS_TRAITANT = "lot_sous_traitant"
    LOT_NON_CLAUSE = "lot_non_clause"
    LOT_SANS_DATES = "lot_sans_dates"
    LOT_EXPLICITE_HORS_FENETRE = "lot_explicite_hors_fenetre"
    MUTUALISATION_REFUSEE = "mutualisation_refusee"
    HORS_FENETRE = "hors_fenetre"

    @property
    def libelle(self) -> str:
        return _LIBELLES_MOTIFS[self]


_LIBELLES_MOTIFS = {
    Motif.LIGNE_EN_ATTENTE: "Ligne pas encore validée par le facilitateur",
    Motif.LIGNE_REJETEE: "Ligne rejetée par le facilitateur",
    Motif.HEURES_NON_RENSEIGNEES: "Heures non renseignées",
    Motif.NON_ELIGIBLE: "Personne sans éligibilité valide au début du contrat",
    Motif.STRUCTURE_NON_INCLUSIVE: "Sous-traitant ou co-traitant qui n'est pas une structure inclusive",
    Motif.SOUS_TRAITANCE_SANS_LOT: "Ligne de sous-traitance sans lot désigné",
    Motif.CONVERSION_IMPOSSIBLE: "Conversion du montant en heures impossible : un paramètre manque",
    Motif.FORMATION_NON_COMPTEE: "Les heures de formation ne sont pas comptées par le guichet",
    Motif.PLAFOND_FORMATION: "Plafond des heures de formation du lot atteint",
    Motif.LOT_AUTRE_ENTREPRISE: "Lot désigné inconnu ou attribué à une autre entreprise",
    Motif.LOT_SOUS_TRAITANT: "Lot désigné dont l'entreprise n'est que sous-traitante",
    Motif.LOT_NON_CLAUSE: "Lot désigné sans clause d'heures d'insertion",
    Motif.LOT_SANS_DATES: "Lot désigné sans dates d'exécution",
    Motif.LOT_EXPLICITE_HORS_FENETRE: "Hors de la fenêtre de décompte du lot désigné",
    Motif.MUTUALISATION_REFUSEE: (
        "Seuls des lots fermés à la mutualisation couvrent ces jours : une affectation explicite est nécessaire"
    ),
    Motif.HORS_FENETRE: "Hors de la fenêtre de décompte de tous les lots clausés de l'entreprise",
}


class StatutRisque(StrEnum):
    """``statut_risque`` du suivi d'un lot (``lots/<id>/suivi/``)."""

    VERT = "vert"
    ORANGE = "orange"
    ROUGE = "rouge"
    TERMINE = "termine"
    NON_DEMARRE = "non_demarre"


class ErreurEntree(ValueError):
    """Entrée incohérente (identifiant en double, dates inversées, contrat inconnu…) : une erreur de la couche
    appelante, pas une donnée métier à exclure ; ``champ`` nomme la donnée fautive."""

    def __init__(self, message: str, champ: str | None = None):
        super().__init__(message)
        self.message = message
        self.champ = champ


# --------------------------------------------------------------------------------------------------------
# Entrées
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LotEntree:
    """Un lot sur lequel l'entreprise a une attribution, tel que la couche Django l'a résolu.

    * ``debut``/``fin`` : dates d'exécution du lot (celles du marché quand le lot n'en a pas) ; ``None`` quand
      elles ne sont pas encore connues : le lot ne reçoit alors rien (motif ``lot_sans_dates``).
    * ``heures_dues`` : les heures dues en vigueur (dernier avenant) de la clause d'heures ; arrondies au
      centième (demi vers le haut) à l'entrée. C'est ce que **cette** entreprise peut remplir sur le lot hors
      dépassement : dans un groupement, l'appelant choisit de passer à chaque membre les heures de la clause
      entières ou la part convenue de chacun (le calcul étant fait entreprise par entreprise, il ne voit pas
      les heures des autres membres ; le suivi du lot, lui, additionne tout le grand livre du lot).
    * ``clause_heures`` : le lot porte une considération ``clause_heures`` (domain.md §2).
    * ``role`` : celui de l'entreprise ; seuls ``titulaire`` et ``cotraitant`` doivent des heures (§5.1).
    * ``mutualisation_autorisee`` : l'acheteur (ou la clause) accepte la mutualisation (§5.1) ; sinon le lot
      ne reçoit que les lignes qui lui sont affectées explicitement.
    * ``taux_main_oeuvre``/``cout_horaire`` : ceux de la clause du lot, déjà résolus (clause, table des
      secteurs, défauts du guichet), pour la conversion ``montant_mo`` de la sous-traitance (§4).
    """

    id: int
    debut: date | None
    fin: date | None
    heures_dues: Decimal
    clause_heures: bool = True
    role: str = Role.TITULAIRE
    mutualisation_autorisee: bool = True
    taux_main_oeuvre: Decimal | None = None
    cout_horaire: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ContratEntree:
    """Un contrat de travail (parcours) de l'entreprise (``contrats/`` de l'API).

    ``eligible`` et ``motif_ineligibilite`` sont calculés par l'appelant : une éligibilité valide à
    ``debut`` (domain.md §4 : la personne reste éligible pour toute la durée de ce contrat). ``lot_id`` est une
    affectation explicite de toutes les lignes du contrat (domain.md §5.2).
    """

    id: int
    modalite: str
    type_contrat: str
    debut: date
    fin: date | None = None
    lot_id: int | None = None
    eligible: bool = True
    motif_ineligibilite: str | None = None


@dataclass(frozen=True, slots=True)
class LigneEntree:
    """Une ligne de relevé (``releves/`` de l'API), de l'une des deux sortes :

    * **ligne de personne** : ``contrat_id`` renseigné, ``heures`` déclarées (heures travaillées pour
      l'embauche directe, facturées pour la mise à disposition, suivies pour la formation) ;
    * **ligne de sous-traitance** (ou de co-traitance) avec une structure inclusive : ``sous_traitant_id``
      renseigné, ``montant_ht``, ``lot_id`` obligatoire, ``heures`` seulement pour la conversion
      ``heures_declarees`` ; ``structure_inclusive`` dit si le sous-traitant en est une (§4).

    ``lot_id`` affecte la ligne explicitement à un lot ; il l'emporte sur celui du contrat (plus précis).
    L'ordre des champs permet ``LigneEntree(*ligne)`` sur une ligne de ``values_list``.
    """

    id: int
    debut: date
    fin: date
    heures: Decimal | None = None
    contrat_id: int | None = None
    sous_traitant_id: int | None = None
    lot_id: int | None = None
    montant_ht: Decimal | None = None
    statut: str = StatutLigne.VALIDE
    structure_inclusive: bool = True


_CHAMPS_PARAMETRES = (
    "conversion_sous_traitance",
    "taux_horaire_forfaitaire",
    "formation_comptee",
    "plafond_formation_pct",
    "delai_grace_jours",
    "bonus_cdi",
    "bonus_cdi_heures",
    "bonus_cdi_annees_max",
    "regle_ventilation",
    "heures_etp",
)


@dataclass(frozen=True)
class ParametresMoteur:
    """Les paramètres du guichet utiles au moteur (``guichet.models.Parametres``), avec les défauts de
    domain.md §4, §5 et §9 : un ``ParametresMoteur()`` nu calcule comme un guichet qui n'a rien changé."""

    conversion_sous_traitance: str = ConversionSousTraitance.MONTANT_MO
    taux_horaire_forfaitaire: Decimal | None = None
    formation_comptee: bool = True
    plafond_formation_pct: Decimal | None = None
    delai_grace_jours: int = 0
    bonus_cdi: str = BonusCdi.AUCUN
    bonus_cdi_heures: Decimal | None = None
    bonus_cdi_annees_max: int | None = None
    regle_ventilation: str = RegleVentilation.ECHEANCE
    heures_etp: Decimal = Decimal("1607")

    def __post_init__(self):
        _fixer(
            self,
            "conversion_sous_traitance",
            _choix(ConversionSousTraitance, self.conversion_sous_traitance, "conversion_sous_traitance"),
        )
        _fixer(self, "bonus_cdi", _choix(BonusCdi, self.bonus_cdi, "bonus_cdi"))
        _fixer(self, "regle_ventilation", _choix(RegleVentilation, self.regle_ventilation, "regle_ventilation"))
        _fixer(
            self,
            "taux_horaire_forfaitaire",
            _decimal_ou_rien(self.taux_horaire_forfaitaire, "taux_horaire_forfaitaire"),
        )
        _fixer(self, "plafond_formation_pct", _decimal_ou_rien(self.plafond_formation_pct, "plafond_formation_pct"))
        _fixer(self, "bonus_cdi_heures", _decimal_ou_rien(self.bonus_cdi_heures, "bonus_cdi_heures"))
        _fixer(self, "heures_etp", _decimal(self.heures_etp, "heures_etp"))
        if self.plafond_formation_pct is not None and self.plafond_formation_pct > UN:
            raise ErreurEntree(
                "Le plafond de formation est une part des heures dues, entre 0 et 1.", "plafond_formation_pct"
            )
        if not isinstance(self.delai_grace_jours, int) or self.delai_grace_jours < 0:
            raise ErreurEntree("Le délai de grâce est un nombre entier de jours positif ou nul.", "delai_grace_jours")
        if self.bonus_cdi_annees_max is not None and (
            not isinstance(self.bonus_cdi_annees_max, int) or self.bonus_cdi_annees_max < 1
        ):
            raise ErreurEntree("La durée valorisée d'un CDI est un nombre entier d'années ≥ 1.", "bonus_cdi_annees_max")

    @classmethod
    def depuis(cls, parametres: Mapping[str, object] | object) -> "ParametresMoteur":
        """Depuis un dictionnaire ou un objet à attributs comme ``guichet.models.Parametres`` (non importé
        ici) ; un champ absent prend son défaut. ``None`` est gardé pour les champs facultatifs du modèle."""
        valeurs = {}
        for nom in _CHAMPS_PARAMETRES:
            present = nom in parametres if isinstance(parametres, Mapping) else hasattr(parametres, nom)
            if present:
                valeur = parametres[nom] if isinstance(parametres, Mapping) else getattr(parametres, nom)
                if valeur is not None or nom in {
                    "taux_horaire_forfaitaire",
                    "plafond_formation_pct",
                    "bonus_cdi_heures",
                    "bonus_cdi_annees_max",
                }:
                    valeurs[nom] = valeur
        return cls(**valeurs)


# --------------------------------------------------------------------------------------------------------
# Sorties
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Allocation:
    """Une ligne du grand livre (``allocations/``) : des heures d'une ligne (ou du bonus d'un CDI) portées à un
    lot par une règle.

    ``debut``/``fin`` bornent les jours dont viennent ces heures (tranches contiguës fusionnées), pour expliquer
    le chiffre (« vos heures du 1er au 15 mars sont allées au lot 3 »). ``ligne_id`` vaut ``None`` pour un bonus
    CDI (``modalite`` = ``bonus_cdi``), qui n'est pas une ligne ; ``contrat_id`` est alors le CDI valorisé.
    """

    ligne_id: int | None
    contrat_id: int | None
    lot_id: int
    debut: date
    fin: date
    heures: Decimal
    regle: Regle
    modalite: Modalite


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Des heures qui ne comptent pas, avec leur motif (domain.md §4). ``lot_id`` nomme le lot en cause quand il
    y en a un (lot désigné, plafond de formation de ce lot) ; ``detail`` reprend le motif d'inéligibilité
    fourni par l'appelant. Une ligne exclue en entier l'est d'un seul bloc, même à 0 h (pour que son motif se
    voie) ; les exclusions partielles nulles ne sont pas écrites."""

    ligne_id: int | None
    contrat_id: int | None
    lot_id: int | None
    debut: date
    fin: date
    heures: Decimal
    motif: Motif
    modalite: Modalite
    detail: str = ""


@dataclass(frozen=True)
class ResultatLot:
    """Les totaux d'un lot clausé de l'entreprise.

    ``heures_realisees`` = toutes les heures allouées, dépassement compris (domain.md §4 : « somme des heures
    allouées et valides ») ; ``depassement`` = les heures allouées avec la règle ``depassement``, qui ne
    tombent que sur un lot plein, donc égales à ``max(0, réalisées − dues)`` (« jamais perdues »).
    """

    lot_id: int
    heures_dues: Decimal
    heures_realisees: Decimal
    depassement: Decimal
    par_modalite: Mapping[Modalite, Decimal] = field(hash=False)
    par_regle: Mapping[Regle, Decimal] = field(hash=False)


@dataclass(frozen=True)
class Resultat:
    """Le résultat complet d'un calcul.

    * ``allocations`` et ``exclusions`` : le grand livre, dans l'ordre du traitement (explicites puis
      chronologique), prêt pour un ``bulk_create`` ;
    * ``lots`` : un :class:`ResultatLot` par lot clausé de l'entreprise (titulaire ou co-traitant), reçu ou non ;
    * ``heures_lignes`` : pour chaque ligne, les heures à conserver (déclarées, ou converties pour la
      sous-traitance, au centième) ; allouées + exclues de la ligne = cette valeur, exactement ;
    * ``bonus_cdi`` : les heures de bonus de chaque CDI valorisé (même conservation, ``ligne_id`` = ``None``).
    """

    allocations: tuple[Allocation, ...]
    exclusions: tuple[Exclusion, ...]
    lots: Mapping[int, ResultatLot] = field(hash=False)
    heures_lignes: Mapping[int, Decimal] = field(hash=False)
    bonus_cdi: Mapping[int, Decimal] = field(hash=False)


# --------------------------------------------------------------------------------------------------------
# Petits outils
# --------------------------------------------------------------------------------------------------------


def _fixer(instance: object, nom: str, valeur: object) -> None:
    object.__setattr__(instance, nom, valeur)


def _choix(enum: type[StrEnum], valeur: object, champ: str) -> StrEnum:
    try:
        return enum(str(valeur))
    except ValueError:
        attendus = ", ".join(m.value for m in enum)
        raise ErreurEntree(f"{champ} : valeur inconnue « {valeur} » (attendu : {attendus}).", champ) from None


def _decimal(valeur: object, champ: str) -> Decimal:
    """``Decimal`` fini et positif ou nul ; accepte ``int``, ``str`` et ``float`` (par sa représentation)."""
    if isinstance(valeur, bool):
        raise ErreurEntree(f"{champ} doit être un nombre.", champ)
    try:
        nombre = valeur if isinstance(valeur, Decimal) else Decimal(str(valeur))
    except InvalidOperation:
        raise ErreurEntree(f"{champ} doit être un nombre (reçu « {valeur} »).", champ) from None
    if not nombre.is_finite() or nombre < 0:
        raise ErreurEntree(f"{champ} doit être un nombre fini positif ou nul (reçu « {valeur} »).", champ)
    return nombre


def _decimal_ou_rien(valeur: object, champ: str) -> Decimal | None:
    return None if valeur is None else _decimal(valeur, champ)


def _centimes(valeur: Decimal) -> int:
    """Heures → centièmes d'heure entiers, demi vers le haut : tout le calcul se fait en entiers, exact et
    rapide ; on ne revient en ``Decimal`` qu'à la sortie."""
    return int(valeur.scaleb(2).quantize(UN, rounding=ROUND_HALF_UP))


def _heures(centimes: int) -> Decimal:
    return Decimal(centimes).scaleb(-2)


def _arrondi_division(numerateur: int, denominateur: int) -> int:
    """``numerateur ÷ denominateur`` arrondi à l'entier, demi vers le haut (entiers positifs)."""
    return (2 * numerateur + denominateur) // (2 * denominateur)


def _plus_annees(jour: date, annees: int) -> date:
    """Même jour ``annees`` ans plus tard ; un 29 février devient le 1er mars d'une année non bissextile."""
    try:
        return jour.replace(year=jour.year + annees)
    except ValueError:
        return jour.replace(year=jour.year + annees, month=3, day=1)


def fenetre_decompte(debut: date, fin: date, delai_grace_jours: int = 0) -> tuple[date, date]:
    """La fenêtre de décompte d'un lot : du début d'exécution à la fin d'exécution plus le délai de grâce,
    bornes comprises (domain.md §4)."""
    return debut, fin + timedelta(days=delai_grace_jours)
