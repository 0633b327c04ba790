"""Calibrage des heures d'insertion d'une clause (domain.md §3).

Module **pur** : ni ORM ni Django, seulement des dataclasses et des ``Decimal`` (jamais de ``float`` dans les
calculs). La couche Django lit les ``Parametres`` du guichet et la clause, construit :class:`Defauts` et
:class:`Entrees`, appelle :func:`calibrer` et enregistre ``heures_dues``, ``heures_dues_brutes`` et
``sous_seuil`` ; le simulateur affiche en plus :attr:`Resultat.explication` (« la formule en clair »),
:attr:`Resultat.remarques` et l'origine de chaque paramètre (:attr:`Resultat.parametres`).

Les quatre modes de domain.md §3 :

1. ``formule`` : ``heures = montant_ht × taux_main_oeuvre × taux_insertion ÷ cout_horaire``
   (cas publié : 1 000 000 € × 50 % × 5 % ÷ 30 €/h = 833,33 h → 833 h) ;
2. ``forfait`` : le nombre d'heures écrit par l'acheteur, jamais recalculé ;
3. ``pact_proprete`` : ``P = 1 − (S × C) ÷ (A ÷ N)``, ``heures = P × A ÷ C × T`` avec C = 25
   (80 % de main-d'œuvre à 20 €/h) ; si P ≤ 0, pas de clause (cas publié : A = 500 000, N = 24, S = 300,
   T = 5 % → P = 0,64 → 640 h) ;
4. ``tranche_facturee`` : une heure par tranche de X € facturée au-delà d'un seuil de déclenchement
   (cas publié : 1 h par 2 000 € au-delà de 2,7 M€).

Décisions (chacune rappelée là où elle s'applique) :

* **précision** : les calculs se font dans un contexte décimal à 50 chiffres significatifs (les montants et
  taux saisis tiennent largement dans cette précision, donc seules les divisions arrondissent) ; la valeur
  brute gardée (``heures_dues_brutes``) est arrondie au centième d'heure (``ROUND_HALF_UP``) ;
* **arrondi** : ``heures_dues`` est la valeur brute *affichée* (au centième) arrondie au pas d'une heure selon
  le paramètre ``arrondi`` du guichet (``nearest`` = au plus proche, la demie vers le haut, ``ROUND_HALF_UP``,
  pas l'arrondi bancaire ; ``floor`` ; ``ceil``). Arrondir la valeur affichée plutôt que la valeur exacte rend
  l'explication vérifiable à la main (« 833,33 h → 833 h ») ; l'écart n'existe qu'à moins de 0,005 h d'une
  frontière ;
* **seuil** : ``sous_seuil`` vaut vrai quand les heures arrondies sont strictement inférieures à
  ``seuil_minimum_heures`` (35 h par défaut) ; c'est un conseil, jamais un blocage ;
* **PACT, P ≤ 0** : 0 h, ``pas_de_clause`` vrai (et donc ``sous_seuil`` vrai dès que le seuil est positif) ;
* **tranches** : seules les tranches complètes comptent (``floor``), l'arrondi du guichet ne s'applique pas ;
* **recalcul sur le montant attribué** : seulement en mode ``formule`` et seulement si le montant n'a pas été
  saisi sur la clause (domain.md §3) ; le forfait, le PACT et les tranches ne bougent jamais avec lui.

Les nombres du texte explicatif suivent la typographie française, produite ici en Python pur (pas de
``locale``, qui dépend de la machine) : espace fine insécable (U+202F) entre les milliers, virgule décimale,
espace insécable (U+00A0) entre le nombre et son unité, signe moins U+2212.
"""

import bisect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Decimal,
    InvalidOperation,
    localcontext,
)
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType

ZERO = Decimal(0)
UN = Decimal(1)
CENTIEME = Decimal("0.01")
PAS_HORAIRE = Decimal(1)
PRECISION_PART_OUVERTE = Decimal("0.0001")
PRECISION_CALCUL = 50

ESPACE_MILLIERS = "\u202f"  # espace fine insécable (séparateur des milliers, CLDR fr)
ESPACE_UNITE = "\u00a0"  # espace insécable entre un nombre et son unité
MOINS = "\u2212"


class ModeCalcul(StrEnum):
    """Modes de calcul d'une clause d'heures (domain.md §3 ; champ ``mode_calcul`` de l'API)."""

    FORMULE = "formule"
    FORFAIT = "forfait"
    PACT_PROPRETE = "pact_proprete"
    TRANCHE_FACTUREE = "tranche_facturee"


class ModeArrondi(StrEnum):
    """Mêmes valeurs que ``guichet.enums.Arrondi`` (recopiées : ce module n'importe pas Django)."""

    NEAREST = "nearest"
    FLOOR = "floor"
    CEIL = "ceil"


_ARRONDIS_DECIMAL = {
    ModeArrondi.NEAREST: ROUND_HALF_UP,
    ModeArrondi.FLOOR: ROUND_FLOOR,
    ModeArrondi.CEIL: ROUND_CEILING,
}
_LIBELLES_ARRONDI = {
    ModeArrondi.NEAREST: "à l'heure la plus proche",
    ModeArrondi.FLOOR: "à l'heure inférieure",
    ModeArrondi.CEIL: "à l'heure supérieure",
}


class Origine(StrEnum):
    """D'où vient la valeur d'un paramètre utilisé par le calcul."""

    EXPLICITE = "explicite"
    SECTEUR = "secteur"
    DEFAUT_GUICHET = "defaut_guichet"
    MONTANT_ATTRIBUE = "montant_attribue"
    LOT = "lot"
    CONSTANTE = "constante"

    @property
    def libelle(self) -> str:
        return _LIBELLES_ORIGINE[self]


_LIBELLES_ORIGINE = {
    Origine.EXPLICITE: "saisi sur la clause",
    Origine.SECTEUR: "table des secteurs du guichet",
    Origine.DEFAUT_GUICHET: "valeur par défaut du guichet",
    Origine.MONTANT_ATTRIBUE: "montant attribué au titulaire",
    Origine.LOT: "montant du lot",
    Origine.CONSTANTE: "constante de la formule",
}

# Valeurs par défaut des paramètres du guichet (domain.md §3) ; la couche Django passe les siennes.
COUT_HORAIRE_DEFAUT = Decimal("25")
TAUX_INSERTION_DEFAUT = Decimal("0.05")
SEUIL_MINIMUM_HEURES_DEFAUT = Decimal("35")
TAUX_MAIN_OEUVRE_DEFAUT: Mapping[str, Decimal] = MappingProxyType(
    {
        "btp_gros_oeuvre": Decimal("0.50"),
        "btp_second_oeuvre": Decimal("0.60"),
        "btp_travaux_publics": Decimal("0.30"),
        "btp_charpente_metallique": Decimal("0.20"),
        "espaces_verts": Decimal("0.60"),
        "proprete": Decimal("0.80"),
        "collecte_dechets": Decimal("0.55"),
        "services": Decimal("0.70"),
        "prestations_intellectuelles": Decimal("0.80"),
        "fournitures": Decimal("0.10"),
        "autre": Decimal("0.50"),
    }
)

# PACT propreté (domain.md §3) : C = 25, soit 80 % de main-d'œuvre à 20 €/h. Constantes de la formule de
# branche, pas des paramètres du guichet.
TAUX_MAIN_OEUVRE_PACT = Decimal("0.80")
COUT_HORAIRE_PACT = Decimal("20")
COUT_PACT = COUT_HORAIRE_PACT / TAUX_MAIN_OEUVRE_PACT  # 25 €/h d'insertion


class ErreurCalibrage(ValueError):
    """Donnée de calibrage invalide ; ``champ`` nomme la donnée fautive (pour une erreur de formulaire/API)."""

    def __init__(self, message: str, champ: str | None = None):
        super().__init__(message)
        self.message = message
        self.champ = champ


# --------------------------------------------------------------------------------------------------------
# Lecture et contrôle des nombres
# --------------------------------------------------------------------------------------------------------

# champ → (libellé avec son article, accord : m, f, mp ou fp)
_CHAMPS = {
    "montant_lot": ("Le montant HT du lot", "m"),
    "montant_ht": ("Le montant HT de la clause", "m"),
    "montant_attribue": ("Le montant attribué au titulaire", "m"),
    "taux_main_oeuvre": ("Le taux de main-d'œuvre", "m"),
    "taux_insertion": ("Le taux d'insertion", "m"),
    "cout_horaire": ("Le coût horaire", "m"),
    "heures_forfait": ("Le nombre d'heures du forfait", "m"),
    "seuil_minimum_heures": ("Le seuil minimum d'heures", "m"),
    "pact.montant_periode": ("Le montant sur la période (PACT propreté)", "m"),
    "pact.duree_mois": ("La durée de la période en mois (PACT propreté)", "f"),
    "pact.heures_reprises_mois": ("Les heures reprises par mois (PACT propreté)", "fp"),
    "pact.taux_insertion": ("Le taux d'insertion (PACT propreté)", "m"),
    "tranche.montant_tranche": ("Le montant d'une tranche", "m"),
    "tranche.seuil_declenchement": ("Le seuil de déclenchement", "m"),
    "tranche.montant_facture": ("Le montant facturé", "m"),
    "heures_dues": ("Les heures dues", "fp"),
}


def _accord(genre: str, masculin: str, feminin: str) -> str:
    mot = feminin if genre.startswith("f") else masculin
    return mot + "s" if genre.endswith("p") else mot


def _nombre(valeur: object, champ: str, regle: str, libelle: str | None = None, genre: str = "m") -> Decimal:
    """Convertit ``valeur`` en ``Decimal`` et vérifie ``regle`` : ``positif`` (≥ 0), ``strict`` (> 0) ou ``taux``
    (entre 0 et 1). Accepte ``Decimal``, ``int``, ``str`` (« 0.50 », comme la table JSON des taux) et ``float``
    (lu par sa représentation décimale la plus courte : 0.5 → 0.5) ; refuse les booléens, NaN et l'infini."""
    if libelle is None:
        libelle, genre = _CHAMPS[champ]
    doit = "doivent" if genre.endswith("p") else "doit"
    if isinstance(valeur, bool) or not isinstance(valeur, Decimal | int | float | str):
        raise ErreurCalibrage(f"{libelle} {doit} être un nombre.", champ)
    try:
        nombre = valeur if isinstance(valeur, Decimal) else Decimal(str(valeur).strip())
    except InvalidOperation:
        raise ErreurCalibrage(f"{libelle} {doit} être un nombre (reçu « {valeur} »).", champ) from None
    if not nombre.is_finite():
        raise ErreurCalibrage(f"{libelle} {doit} être un nombre fini.", champ)
    if regle == "taux" and not ZERO <= nombre <= UN:
        raise ErreurCalibrage(f"{libelle} {doit} être compris entre 0 et 1 (entre 0 % et 100 %).", champ)
    if regle == "strict" and nombre <= 0:
        raise ErreurCalibrage(
            f"{libelle} {doit} être {_accord(genre, 'strictement positif', 'strictement positive')}.", champ
        )
    if regle == "positif" and nombre < 0:
        peut = "ne peuvent" if genre.endswith("p") else "ne peut"
        raise ErreurCalibrage(f"{libelle} {peut} pas être {_accord(genre, 'négatif', 'négative')}.", champ)
    return nombre


def _nombre_ou_rien(valeur: object, champ: str, regle: str) -> Decimal | None:
    return None if valeur is None else _nombre(valeur, champ, regle)


def _exiger(valeur: Decimal | None, champ: str, message: str) -> Decimal:
    if valeur is None:
        raise ErreurCalibrage(message, champ)
    return valeur


def _fixer(instance: object, nom: str, valeur: object) -> None:
    """Normalise un champ d'une dataclass figée pendant son ``__post_init__``."""
    object.__setattr__(instance, nom, valeur)


def _lire_champ(source: Mapping[str, object] | object, nom: str) -> object:
    """Valeur ``nom`` d'un dictionnaire ou d'un objet à attributs (``None`` si absente)."""
    if isinstance(source, Mapping):
        return source.get(nom)
    return getattr(source, nom, None)


# --------------------------------------------------------------------------------------------------------
# Paramètres du guichet et données d'une clause
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Defauts:
    """Les paramètres de calibrage du guichet (``guichet.models.Parametres``, domain.md §3).

    Les valeurs par défaut de la dataclass sont celles de domain.md §3 : un ``Defauts()`` nu calcule comme un
    guichet qui n'a rien changé. Les nombres sont convertis en ``Decimal`` et contrôlés à la construction.
    """

    cout_horaire: Decimal = COUT_HORAIRE_DEFAUT
    taux_insertion: Decimal = TAUX_INSERTION_DEFAUT
    taux_main_oeuvre: Mapping[str, Decimal] = field(default_factory=lambda: TAUX_MAIN_OEUVRE_DEFAUT, hash=False)
    arrondi: ModeArrondi = ModeArrondi.NEAREST
    seuil_minimum_heures: Decimal = SEUIL_MINIMUM_HEURES_DEFAUT
    recalcul_sur_montant_attribue: bool = True

    def __post_init__(self):
        _fixer(self, "cout_horaire", _nombre(self.cout_horaire, "cout_horaire", "strict"))
        _fixer(self, "taux_insertion", _nombre(self.taux_insertion, "taux_insertion", "taux"))
        _fixer(self, "seuil_minimum_heures", _nombre(self.seuil_minimum_heures, "seuil_minimum_heures", "positif"))
        if not isinstance(self.taux_main_oeuvre, Mapping):
            raise ErreurCalibrage(
                "La table des taux de main-d'œuvre doit associer un taux à chaque secteur.", "taux_main_oeuvre"
            )
        table = {}
        for secteur, taux in self.taux_main_oeuvre.items():
            libelle = f"Le taux de main-d'œuvre du secteur « {secteur} »"
            table[str(secteur)] = _nombre(taux, "taux_main_oeuvre", "taux", libelle)
        _fixer(self, "taux_main_oeuvre", MappingProxyType(table))
        try:
            _fixer(self, "arrondi", ModeArrondi(str(self.arrondi)))
        except ValueError:
            attendus = ", ".join(m.value for m in ModeArrondi)
            raise ErreurCalibrage(f"Arrondi inconnu : « {self.arrondi} » (attendu : {attendus}).", "arrondi") from None
        if not isinstance(self.recalcul_sur_montant_attribue, bool):
            raise ErreurCalibrage(
                "Le recalcul sur le montant attribué doit valoir vrai ou faux.", "recalcul_sur_montant_attribue"
            )

    @classmethod
    def depuis(cls, parametres: Mapping[str, object] | object) -> "Defauts":
        """Construit les défauts depuis les paramètres du guichet : un dictionnaire, ou un objet à attributs comme
        ``guichet.models.Parametres`` (non importé ici). Une clé absente ou ``None`` prend la valeur de
        domain.md §3 (utile au simulateur, qui peut ne fournir qu'une partie des paramètres)."""
        valeurs = {}
        for nom in (
            "cout_horaire",
            "taux_insertion",
            "taux_main_oeuvre",
            "arrondi",
            "seuil_minimum_heures",
            "recalcul_sur_montant_attribue",
        ):
            valeur = _lire_champ(parametres, nom)
            if valeur is not None:
                valeurs[nom] = valeur
        return cls(**valeurs)


@dataclass(frozen=True)
class Pact:
    """Données du mode ``pact_proprete`` (champ ``pact`` de l'API, domain.md §3).

    ``montant_periode`` (A), ``duree_mois`` (N) et ``heures_reprises_mois`` (S, 0 si personne n'est repris)
    sont exigés : les deviner changerait le sens de la formule. A et N doivent être strictement positifs (A ÷ N
    est un montant mensuel, diviseur de la formule). ``taux_insertion`` (T) est facultatif : à défaut, le taux
    d'insertion saisi sur la clause, puis celui du guichet.
    """

    montant_periode: Decimal | None = None
    duree_mois: Decimal | None = None
    heures_reprises_mois: Decimal | None = None
    taux_insertion: Decimal | None = None

    def __post_init__(self):
        _fixer(self, "montant_periode", _nombre_ou_rien(self.montant_periode, "pact.montant_periode", "strict"))
        _fixer(self, "duree_mois", _nombre_ou_rien(self.duree_mois, "pact.duree_mois", "strict"))
        _fixer(
            self,
            "heures_reprises_mois",
            _nombre_ou_rien(self.heures_reprises_mois, "pact.heures_reprises_mois", "positif"),
        )
        _fixer(self, "taux_insertion", _nombre_ou_rien(self.taux_insertion, "pact.taux_insertion", "taux"))

    @classmethod
    def depuis(cls, donnees: Mapping[str, object]) -> "Pact":
        """Depuis le dictionnaire ``pact`` de l'API (clés inconnues ignorées)."""
        return cls(**{nom: donnees.get(nom) for nom in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Tranche:
    """Données du mode ``tranche_facturee`` (domain.md §3) : une heure par tranche complète de
    ``montant_tranche`` € facturée au-delà de ``seuil_declenchement`` €. ``montant_facture`` est le cumul facturé
    à ce jour (0 tant que rien n'est facturé) : les heures dues suivent la facturation."""

    montant_tranche: Decimal | None = None
    seuil_declenchement: Decimal = ZERO
    montant_facture: Decimal = ZERO

    def __post_init__(self):
        _fixer(self, "montant_tranche", _nombre_ou_rien(self.montant_tranche, "tranche.montant_tranche", "strict"))
        seuil = ZERO if self.seuil_declenchement is None else self.seuil_declenchement
        _fixer(self, "seuil_declenchement", _nombre(seuil, "tranche.seuil_declenchement", "positif"))
        facture = ZERO if self.montant_facture is None else self.montant_facture
        _fixer(self, "montant_facture", _nombre(facture, "tranche.montant_facture", "positif"))

    @classmethod
    def depuis(cls, donnees: Mapping[str, object]) -> "Tranche":
        return cls(**{nom: donnees.get(nom) for nom in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Entrees:
    """Ce que l'on sait d'une clause pour la calibrer.

    ``montant_lot`` est le montant HT du lot ; ``montant_ht``, ``taux_main_oeuvre``, ``taux_insertion`` et
    ``cout_horaire`` sont les valeurs saisies sur la clause (``None`` = valeur par défaut : montant du lot,
    table des secteurs, paramètres du guichet). ``montant_attribue`` est le montant attribué au titulaire,
    ``None`` tant qu'il n'est pas connu. ``pact`` et ``tranche`` acceptent aussi un dictionnaire.
    Les données sans objet pour le mode choisi sont ignorées.
    """

    mode: ModeCalcul = ModeCalcul.FORMULE
    secteur: str | None = None
    montant_lot: Decimal | None = None
    montant_ht: Decimal | None = None
    taux_main_oeuvre: Decimal | None = None
    taux_insertion: Decimal | None = None
    cout_horaire: Decimal | None = None
    heures_forfait: Decimal | None = None
    pact: Pact | None = None
    tranche: Tranche | None = None
    montant_attribue: Decimal | None = None

    def __post_init__(self):
        try:
            _fixer(self, "mode", ModeCalcul(str(self.mode)))
        except ValueError:
            attendus = ", ".join(m.value for m in ModeCalcul)
            raise ErreurCalibrage(
                f"Mode de calcul inconnu : « {self.mode} » (attendu : {attendus}).", "mode_calcul"
            ) from None
        _fixer(self, "secteur", str(self.secteur) if self.secteur not in (None, "") else None)
        for champ, regle in (
            ("montant_lot", "positif"),
            ("montant_ht", "positif"),
            ("taux_main_oeuvre", "taux"),
            ("taux_insertion", "taux"),
            ("cout_horaire", "strict"),
            ("heures_forfait", "positif"),
            ("montant_attribue", "positif"),
        ):
            _fixer(self, champ, _nombre_ou_rien(getattr(self, champ), champ, regle))
        for champ, classe, libelle in (("pact", Pact, "PACT propreté"), ("tranche", Tranche, "tranche facturée")):
            valeur = getattr(self, champ)
            if isinstance(valeur, Mapping):
                _fixer(self, champ, classe.depuis(valeur))
            elif valeur is not None and not isinstance(valeur, classe):
                raise ErreurCalibrage(f"Les données du mode {libelle} doivent être un dictionnaire.", champ)


@dataclass(frozen=True)
class ParametreUtilise:
    """Une valeur entrée dans le calcul et d'où elle vient (pour « la formule en clair »)."""

    valeur: Decimal
    origine: Origine


@dataclass(frozen=True)
class Resultat:
    """Le calibrage d'une clause.

    ``heures_dues`` : heures entières (pas d'une heure) ; ``heures_dues_brutes`` : la valeur avant arrondi, au
    centième (pour les tranches, le nombre de tranches, tronqué au centième) ; ``sous_seuil`` : heures dues sous
    le seuil minimum du guichet ; ``pas_de_clause`` : PACT avec P ≤ 0 ; ``part_ouverte`` : P du PACT (au
    dix-millième) ; ``parametres`` : nom → valeur utilisée et origine ; ``explication`` : le calcul en une
    ligne, en français ; ``remarques`` : phrases complémentaires (montant retenu, arrondi, conseil sous le seuil).
    """

    mode: ModeCalcul
    heures_dues: Decimal
    heures_dues_brutes: Decimal
    sous_seuil: bool
    explication: str
    remarques: tuple[str, ...] = ()
    parametres: Mapping[str, ParametreUtilise] = field(default_factory=dict, hash=False)
    pas_de_clause: bool = False
    part_ouverte: Decimal | None = None

    @property
    def explication_complete(self) -> str:
        return "\n".join((self.explication, *self.remarques))


# --------------------------------------------------------------------------------------------------------
# Le calcul
# --------------------------------------------------------------------------------------------------------


@dataclass
class _Calcul:
    brutes: Decimal
    heures: Decimal
    explication: str
    parametres: dict[str, ParametreUtilise]
    remarques: list[str] = field(default_factory=list)
    pas_de_clause: bool = False
    part_ouverte: Decimal | None = None
    arrondi_applique: bool = True


def calibrer(entrees: Entrees, defauts: Defauts | None = None) -> Resultat:
    """Calibre les heures dues d'une clause (domain.md §3). ``defauts`` absent : ceux de domain.md.

    Lève :class:`ErreurCalibrage` (un ``ValueError``, message en français) si une donnée manque ou est invalide.
    """
    defauts = defauts if defauts is not None else Defauts()
    with localcontext() as contexte:
        contexte.prec = PRECISION_CALCUL
        contexte.rounding = ROUND_HALF_EVEN
        calcul = _CALCULS[entrees.mode](entrees, defauts)
    sous_seuil = calcul.heures < defauts.seuil_minimum_heures
    remarques = calcul.remarques
    if calcul.arrondi_applique and calcul.heures != calcul.brutes:
        remarques.append(f"Arrondi {_LIBELLES_ARRONDI[defauts.arrondi]}.")
    # Conseil sous le seuil (domain.md §3, seed 004 : moins de 35 h, plutôt une considération diversifiée), sauf
    # pour un PACT sans clause (déjà dit) et pour les tranches, dont les heures croissent avec la facturation : le
    # drapeau ``sous_seuil`` garde, lui, la même règle dans tous les modes.
    if sous_seuil and not calcul.pas_de_clause and entrees.mode != ModeCalcul.TRANCHE_FACTUREE:
        remarques.append(
            f"{formater_heures(calcul.heures)} : sous le seuil minimum du guichet "
            f"({formater_heures(defauts.seuil_minimum_heures)}). Une clause d'heures est peu adaptée : "
            "envisager une autre considération sociale (action sociale, marché réservé…) ou pas de clause."
        )
    return Resultat(
        mode=entrees.mode,
        heures_dues=calcul.heures,
        heures_dues_brutes=calcul.brutes,
        sous_seuil=sous_seuil,
        explication=calcul.explication,
        remarques=tuple(remarques),
        parametres=MappingProxyType(calcul.parametres),
        pas_de_clause=calcul.pas_de_clause,
        part_ouverte=calcul.part_ouverte,
    )


def _brutes(valeur: Decimal) -> Decimal:
    return valeur.quantize(CENTIEME, rounding=ROUND_HALF_UP)


def arrondir_heures(brutes: Decimal, arrondi: ModeArrondi | str) -> Decimal:
    """Arrondit au pas d'une heure : ``nearest`` (la demie vers le haut), ``floor`` ou ``ceil``."""
    return brutes.quantize(PAS_HORAIRE, rounding=_ARRONDIS_DECIMAL[ModeArrondi(str(arrondi))])


def _heures(brutes: Decimal, heures: Decimal) -> str:
    """« 833,33 h → 833 h », ou « 640 h » quand l'arrondi ne change rien."""
    if brutes == heures:
        return formater_heures(heures)
    return f"{formater_heures(brutes)} → {formater_heures(heures)}"


def _calcul_formule(entrees: Entrees, defauts: Defauts) -> _Calcul:
    """Mode ``formule`` : montant × taux de main-d'œuvre × taux d'insertion ÷ coût horaire (domain.md §3).

    Montant retenu : celui saisi sur la clause ; sinon le montant attribué au titulaire s'il est connu et que le
    guichet recalcule sur le montant attribué (``recalcul_sur_montant_attribue``) ; sinon celui du lot.
    Taux de main-d'œuvre : saisi, sinon la table des secteurs du guichet.
    """
    parametres: dict[str, ParametreUtilise] = {}
    remarques: list[str] = []
    if entrees.montant_ht is not None:
        montant = ParametreUtilise(entrees.montant_ht, Origine.EXPLICITE)
        if entrees.montant_attribue is not None:
            remarques.append("Montant saisi sur la clause : pas de recalcul sur le montant attribué.")
    elif entrees.montant_attribue is not None and defauts.recalcul_sur_montant_attribue:
        montant = ParametreUtilise(entrees.montant_attribue, Origine.MONTANT_ATTRIBUE)
        if entrees.montant_lot is not None:
            remarques.append(
                f"Calcul sur le montant attribué au titulaire ({formater_euros(entrees.montant_attribue)}) et non "
                f"sur le montant du lot ({formater_euros(entrees.montant_lot)})."
            )
        else:
            remarques.append("Calcul sur le montant attribué au titulaire.")
    elif entrees.montant_lot is not None:
        montant = ParametreUtilise(entrees.montant_lot, Origine.LOT)
        if entrees.montant_attribue is not None:
            remarques.append("Le guichet ne recalcule pas sur le montant attribué : calcul sur le montant du lot.")
    else:
        raise ErreurCalibrage("Indiquez le montant HT du lot ou de la clause.", "montant_ht")
    parametres["montant_ht"] = montant
    parametres["taux_main_oeuvre"] = _taux_main_oeuvre(entrees, defauts)
    parametres["taux_insertion"] = _ou_defaut(entrees.taux_insertion, defauts.taux_insertion)
    parametres["cout_horaire"] = _ou_defaut(entrees.cout_horaire, defauts.cout_horaire)

    m, tmo, ti, cout = (
        parametres[n].valeur for n in ("montant_ht", "taux_main_oeuvre", "taux_insertion", "cout_horaire")
    )
    brutes = _brutes(m * tmo * ti / cout)
    heures = arrondir_heures(brutes, defauts.arrondi)
    explication = (
        f"{formater_euros(m)} × {formater_taux(tmo)} × {formater_taux(ti)} ÷ {formater_euros(cout)}/h "
        f"= {_heures(brutes, heures)}"
    )
    return _Calcul(brutes, heures, explication, parametres, remarques)


def _ou_defaut(explicite: Decimal | None, defaut: Decimal) -> ParametreUtilise:
    if explicite is not None:
        return ParametreUtilise(explicite, Origine.EXPLICITE)
    return ParametreUtilise(defaut, Origine.DEFAUT_GUICHET)


def _taux_main_oeuvre(entrees: Entrees, defauts: Defauts) -> ParametreUtilise:
    if entrees.taux_main_oeuvre is not None:
        return ParametreUtilise(entrees.taux_main_oeuvre, Origine.EXPLICITE)
    if entrees.secteur is None:
        raise ErreurCalibrage("Indiquez le secteur du lot ou un taux de main-d'œuvre.", "secteur")
    if entrees.secteur not in defauts.taux_main_oeuvre:
        connus = ", ".join(defauts.taux_main_oeuvre) or "aucun"
        raise ErreurCalibrage(
            f"Secteur inconnu : « {entrees.secteur} » (secteurs de la table du guichet : {connus}).", "secteur"
        )
    return ParametreUtilise(defauts.taux_main_oeuvre[entrees.secteur], Origine.SECTEUR)


def _calcul_forfait(entrees: Entrees, defauts: Defauts) -> _Calcul:
    """Mode ``forfait`` : les heures écrites par l'acheteur, jamais recalculées (ni sur le montant attribué).
    La valeur écrite est la valeur brute ; ``heures_dues`` lui applique l'arrondi du guichet, pour que les heures
    dues soient toujours entières (un forfait est en pratique déjà entier, l'arrondi ne change alors rien)."""
    forfait = _exiger(entrees.heures_forfait, "heures_forfait", "Indiquez le nombre d'heures du forfait.")
    heures = arrondir_heures(forfait, defauts.arrondi)
    explication = f"Forfait fixé par l'acheteur : {_heures(forfait, heures)}"
    parametres = {"heures_forfait": ParametreUtilise(forfait, Origine.EXPLICITE)}
    return _Calcul(forfait, heures, explication, parametres)


def _calcul_pact(entrees: Entrees, defauts: Defauts) -> _Calcul:
    """Mode ``pact_proprete`` (branche propreté, reprise du personnel ; domain.md §3).

    ``P = 1 − (S × C) ÷ (A ÷ N)`` et ``heures = P × A ÷ C × T``, avec C = 25 (80 % de main-d'œuvre à 20 €/h).
    Les heures sont calculées sous la forme équivalente ``(A − S × C × N) × T ÷ C`` : sans division par A, le
    calcul est exact (C = 25 divise sans reste), donc monotone en A, S et T sans bruit d'arrondi ; P ne sert
    qu'à décider (P ≤ 0 : pas de clause, 0 h) et à expliquer. Sans personnel repris (S = 0), c'est exactement la
    formule à 80 % et 20 €/h. Cas publié : A = 500 000, N = 24, S = 300, T = 5 % → P = 0,64 → 640 h.
    T : celui du PACT, sinon le taux d'insertion saisi sur la clause, sinon celui du guichet.
    """
    pact = entrees.pact or Pact()
    a = _exiger(pact.montant_periode, "pact.montant_periode", "Indiquez le montant sur la période (PACT propreté).")
    n = _exiger(pact.duree_mois, "pact.duree_mois", "Indiquez la durée de la période en mois (PACT propreté).")
    s = _exiger(
        pact.heures_reprises_mois,
        "pact.heures_reprises_mois",
        "Indiquez les heures reprises par mois (0 si aucun personnel n'est repris ; PACT propreté).",
    )
    if pact.taux_insertion is not None:
        t = ParametreUtilise(pact.taux_insertion, Origine.EXPLICITE)
    else:
        t = _ou_defaut(entrees.taux_insertion, defauts.taux_insertion)
    parametres = {
        "montant_periode": ParametreUtilise(a, Origine.EXPLICITE),
        "duree_mois": ParametreUtilise(n, Origine.EXPLICITE),
        "heures_reprises_mois": ParametreUtilise(s, Origine.EXPLICITE),
        "taux_insertion": t,
        "cout_pact": ParametreUtilise(COUT_PACT, Origine.CONSTANTE),
    }
    montant_ouvert = a - s * COUT_PACT * n  # = P × A
    p = montant_ouvert / a
    p_affiche = p.quantize(PRECISION_PART_OUVERTE, rounding=ROUND_HALF_UP)
    texte_p = (
        f"P = 1 {MOINS} ({formater_heures(s)} × {formater_euros(COUT_PACT)}/h) ÷ "
        f"({formater_euros(a)} ÷ {_avec_unite(formater_nombre(n), 'mois')}) "
        f"{'=' if p == p_affiche else '≈'} {formater_nombre(p_affiche)}"
    )
    if p <= 0:
        explication = f"{texte_p} ≤ 0 : pas de clause ({formater_heures(ZERO)})"
        remarques = [
            "Le personnel repris couvre toute la main-d'œuvre du marché (P ≤ 0) : pas de clause d'heures à prévoir."
        ]
        return _Calcul(
            _brutes(ZERO), ZERO, explication, parametres, remarques, pas_de_clause=True, part_ouverte=p_affiche
        )
    brutes = _brutes(montant_ouvert * t.valeur / COUT_PACT)
    heures = arrondir_heures(brutes, defauts.arrondi)
    # P n'est écrit en chiffres que s'il est exact au dix-millième : sinon « P × … », pour que chaque égalité
    # affichée se vérifie à la main.
    facteur_p = formater_nombre(p_affiche) if p == p_affiche else "P"
    explication = (
        f"{texte_p} ; {facteur_p} × {formater_euros(a)} ÷ {formater_euros(COUT_PACT)}/h × "
        f"{formater_taux(t.valeur)} = {_heures(brutes, heures)}"
    )
    return _Calcul(brutes, heures, explication, parametres, part_ouverte=p_affiche)


def _calcul_tranche(entrees: Entrees, defauts: Defauts) -> _Calcul:
    """Mode ``tranche_facturee`` (marchés à bons de commande ; domain.md §3) : une heure par tranche de X €
    facturée au-delà du seuil de déclenchement (cas publié : 1 h par 2 000 € au-delà de 2,7 M€).

    ``heures = floor(max(0, facturé − seuil) ÷ X)`` : seules les tranches complètes comptent (une tranche
    commencée n'est pas encore due) et l'arrondi du guichet ne s'applique pas. La valeur brute est le nombre de
    tranches, tronqué au centième (jamais arrondi vers le haut : « 2,99 tranches » ne s'affiche pas « 3 »).
    """
    tranche = entrees.tranche or Tranche()
    x = _exiger(tranche.montant_tranche, "tranche.montant_tranche", "Indiquez le montant d'une tranche.")
    seuil, facture = tranche.seuil_declenchement, tranche.montant_facture
    parametres = {
        "montant_tranche": ParametreUtilise(x, Origine.EXPLICITE),
        "seuil_declenchement": ParametreUtilise(seuil, Origine.EXPLICITE),
        "montant_facture": ParametreUtilise(facture, Origine.EXPLICITE),
    }
    regle = (
        f"Une heure par tranche complète de {formater_euros(x)} facturée au-delà de {formater_euros(seuil)} ; "
        "une tranche commencée n'est pas encore due."
    )
    if facture <= seuil:
        explication = (
            f"{formater_euros(facture)} facturés, seuil de déclenchement de {formater_euros(seuil)} non dépassé : "
            f"{formater_heures(ZERO)}"
        )
        return _Calcul(_brutes(ZERO), ZERO, explication, parametres, [regle], arrondi_applique=False)
    tranches = (facture - seuil) / x
    brutes = tranches.quantize(CENTIEME, rounding=ROUND_DOWN)
    heures = tranches.quantize(PAS_HORAIRE, rounding=ROUND_FLOOR)
    pluriel = "tranches" if brutes >= 2 else "tranche"
    explication = (
        f"({formater_euros(facture)} {MOINS} {formater_euros(seuil)}) ÷ {formater_euros(x)} = "
        f"{formater_nombre(brutes)} {pluriel} → {formater_heures(heures)}"
    )
    return _Calcul(brutes, heures, explication, parametres, [regle], arrondi_applique=False)


_CALCULS: dict[ModeCalcul, Callable[[Entrees, Defauts], _Calcul]] = {
    ModeCalcul.FORMULE: _calcul_formule,
    ModeCalcul.FORFAIT: _calcul_forfait,
    ModeCalcul.PACT_PROPRETE: _calcul_pact,
    ModeCalcul.TRANCHE_FACTUREE: _calcul_tranche,
}


# --------------------------------------------------------------------------------------------------------
# Historique des heures dues (avenants)
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    """Les heures dues à partir de ``date_effet`` (incluse) : la calibration initiale ou un avenant."""

    date_effet: date
    heures_dues: Decimal
    motif: str = ""

    def __post_init__(self):
        if isinstance(self.date_effet, datetime) or not isinstance(self.date_effet, date):
            raise ErreurCalibrage("La date d'effet doit être une date (jour, mois, année).", "date_effet")
        _fixer(self, "heures_dues", _nombre(self.heures_dues, "heures_dues", "positif"))
        _fixer(self, "motif", str(self.motif or ""))


class HistoriqueHeures:
    """L'historique des heures dues d'une clause (domain.md §3 : un avenant change les heures dues à partir d'une
    date ; on garde l'historique).

    La première révision reçue est la calibration initiale ; les suivantes sont des avenants, reçus dans
    n'importe quel ordre et rangés par date d'effet. Refusés : une liste vide, deux révisions à la même date,
    un avenant qui prendrait effet avant la calibration initiale.
    """

    __slots__ = ("_dates", "revisions")

    def __init__(self, revisions: Iterable[Revision | tuple]):
        lues = [r if isinstance(r, Revision) else Revision(*r) for r in revisions]
        if not lues:
            raise ErreurCalibrage("L'historique des heures dues doit commencer par la calibration initiale.")
        initiale, avenants = lues[0], lues[1:]
        for avenant in avenants:
            if avenant.date_effet < initiale.date_effet:
                nom = f"L'avenant « {avenant.motif} »" if avenant.motif else "Un avenant"
                raise ErreurCalibrage(
                    f"{nom} prend effet le {_date_fr(avenant.date_effet)}, avant la calibration initiale du "
                    f"{_date_fr(initiale.date_effet)}.",
                    "date_effet",
                )
        rangees = sorted(lues, key=lambda r: r.date_effet)
        for precedente, suivante in pairwise(rangees):
            if precedente.date_effet == suivante.date_effet:
                raise ErreurCalibrage(
                    f"Deux révisions des heures dues prennent effet le même jour ({_date_fr(suivante.date_effet)}) : "
                    "regroupez-les dans un seul avenant.",
                    "date_effet",
                )
        self.revisions: tuple[Revision, ...] = tuple(rangees)
        self._dates = [r.date_effet for r in rangees]

    @property
    def initiale(self) -> Revision:
        return self.revisions[0]

    @property
    def derniere(self) -> Revision:
        return self.revisions[-1]

    @property
    def heures_dues_actuelles(self) -> Decimal:
        """Les heures dues après tous les avenants connus (celui dont la date d'effet est la plus tardive).
        Pour les heures en vigueur un jour donné, y compris aujourd'hui, utiliser :meth:`heures_dues_au`."""
        return self.derniere.heures_dues

    def revision_au(self, jour: date) -> Revision | None:
        """La révision en vigueur le ``jour`` (date d'effet incluse) ; ``None`` avant la calibration initiale."""
        rang = bisect.bisect_right(self._dates, jour)
        return self.revisions[rang - 1] if rang else None

    def heures_dues_au(self, jour: date) -> Decimal | None:
        """Les heures dues en vigueur le ``jour`` ; ``None`` avant la calibration initiale (rien n'était dû)."""
        revision = self.revision_au(jour)
        return revision.heures_dues if revision else None

    def avec_avenant(self, date_effet: date, heures_dues: Decimal, motif: str = "") -> "HistoriqueHeures":
        """Un nouvel historique avec cet avenant en plus (celui-ci n'est pas modifié)."""
        return HistoriqueHeures((self.initiale, *self.revisions[1:], Revision(date_effet, heures_dues, motif)))

    def __repr__(self):
        return f"HistoriqueHeures({list(self.revisions)!r})"


# --------------------------------------------------------------------------------------------------------
# Typographie française des nombres (en Python pur)
# --------------------------------------------------------------------------------------------------------


def formater_nombre(valeur: Decimal, decimales: int | None = None) -> str:
    """« 1 234 567,5 » : milliers séparés par une espace fine insécable, virgule décimale, signe moins U+2212.

    ``decimales`` : nombre fixe de décimales (arrondi à la demie supérieure) ; ``None`` : les décimales utiles,
    sans zéros de fin.
    """
    valeur = Decimal(valeur)
    if decimales is not None:
        valeur = valeur.quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)
    elif valeur == valeur.to_integral_value():
        valeur = valeur.quantize(UN)
    else:
        valeur = valeur.normalize()
    signe = MOINS if valeur < 0 else ""
    entier, _, fraction = f"{abs(valeur):f}".partition(".")
    groupes = []
    while len(entier) > 3:
        groupes.insert(0, entier[-3:])
        entier = entier[:-3]
    groupes.insert(0, entier)
    texte = ESPACE_MILLIERS.join(groupes)
    return f"{signe}{texte},{fraction}" if fraction else f"{signe}{texte}"


def _avec_unite(nombre: str, unite: str) -> str:
    return f"{nombre}{ESPACE_UNITE}{unite}"


def formater_euros(montant: Decimal) -> str:
    """« 1 000 000 € », « 1 234,50 € » (les centimes seulement s'il y en a)."""
    montant = Decimal(montant)
    decimales = 0 if montant == montant.to_integral_value() else 2
    return _avec_unite(formater_nombre(montant, decimales), "€")


def formater_taux(taux: Decimal) -> str:
    """Un taux entre 0 et 1 en pourcentage : 0.05 → « 5 % », 0.075 → « 7,5 % »."""
    return _avec_unite(formater_nombre(Decimal(taux) * 100), "%")


def formater_heures(heures: Decimal) -> str:
    """« 833 h », « 833,33 h »."""
    return _avec_unite(formater_nombre(heures), "h")


def _date_fr(jour: date) -> str:
    return jour.strftime("%d/%m/%Y")


__all__ = [
    "COUT_HORAIRE_PACT",
    "COUT_PACT",
    "TAUX_MAIN_OEUVRE_DEFAUT",
    "TAUX_MAIN_OEUVRE_PACT",
    "Defauts",
    "Entrees",
    "ErreurCalibrage",
    "HistoriqueHeures",
    "ModeArrondi",
    "ModeCalcul",
    "Origine",
    "Pact",
    "ParametreUtilise",
    "Resultat",
    "Revision",
    "Tranche",
    "arrondir_heures",
    "calibrer",
    "formater_euros",
    "formater_heures",
    "formater_nombre",
    "formater_taux",
]
