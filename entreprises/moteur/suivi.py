"""Le suivi d'un lot (``lots/<id>/suivi/``) : de petites fonctions pures sur les heures dues et réalisées."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .donnees import (
    CENTIEME,
    DIX_MILLIEME,
    ZERO,
    ErreurEntree,
    LotEntree,
    StatutRisque,
    _centimes,
    _decimal,
    _fixer,
    _heures,
    fenetre_decompte,
)

# --------------------------------------------------------------------------------------------------------
# Suivi d'un lot (``lots/<id>/suivi/``)
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seuils:
    """Seuils du statut de risque, en part des heures dues que la projection atteindra à la fin de la fenêtre.

    Défauts proposés : projection ≥ 100 % des heures dues → ``vert`` (au rythme actuel l'obligation sera
    tenue) ; ≥ 80 % → ``orange`` (retard rattrapable : une relance suffit) ; en dessous → ``rouge`` (le rythme
    doit changer). Ce sont des paramètres : un guichet ou un écran peut en passer d'autres.
    """

    vert: Decimal = Decimal("1")
    orange: Decimal = Decimal("0.8")

    def __post_init__(self):
        _fixer(self, "vert", _decimal(self.vert, "seuils.vert"))
        _fixer(self, "orange", _decimal(self.orange, "seuils.orange"))
        if self.orange > self.vert:
            raise ErreurEntree("Le seuil orange ne peut pas dépasser le seuil vert.", "seuils")


SEUILS_DEFAUT = Seuils()


@dataclass(frozen=True)
class Suivi:
    """Les chiffres de ``lots/<id>/suivi/`` (sans ``calcule_le``, posé par la couche Django)."""

    heures_dues: Decimal
    heures_realisees: Decimal
    taux_realisation: Decimal | None
    reste_a_realiser: Decimal
    depassement: Decimal
    projection_fin: Decimal | None
    statut_risque: StatutRisque
    penalites_estimees: Decimal | None


def taux_realisation(heures_realisees: Decimal, heures_dues: Decimal) -> Decimal | None:
    """Réalisées ÷ dues (domain.md §4), une fraction (1 = 100 %) au dix-millième, demi vers le haut ; peut
    dépasser 1. ``None`` quand rien n'est dû (un taux n'a pas de sens)."""
    if heures_dues <= 0:
        return None
    return (heures_realisees / heures_dues).quantize(DIX_MILLIEME, rounding=ROUND_HALF_UP)


def reste_a_realiser(heures_realisees: Decimal, heures_dues: Decimal) -> Decimal:
    """max(0, dues − réalisées)."""
    return max(ZERO, heures_dues - heures_realisees)


def depassement(heures_realisees: Decimal, heures_dues: Decimal) -> Decimal:
    """max(0, réalisées − dues) : les heures au-delà de l'obligation, montrées, jamais perdues (domain.md §4)."""
    return max(ZERO, heures_realisees - heures_dues)


def projection_fin(heures_realisees: Decimal, debut: date, fin: date, au: date) -> Decimal | None:
    """Heures projetées à ``fin`` au rythme linéaire observé depuis ``debut`` : réalisées ÷ jours écoulés ×
    jours de la période, au centième (:func:`suivi` passe les dates d'exécution du lot).

    Les jours écoulés vont de ``debut`` à ``au`` compris (``au`` est la date jusqu'à laquelle les heures sont
    connues : aujourd'hui, ou mieux la fin de la dernière période de relevé validée). Avant le début : ``None``
    (aucun rythme observé) ; à partir de la fin : les heures réalisées (plus rien à projeter).
    """
    if au < debut:
        return None
    total = (fin - debut).days + 1
    ecoules = min((au - debut).days + 1, total)
    return (heures_realisees * total / ecoules).quantize(CENTIEME, rounding=ROUND_HALF_UP)


def statut_risque(
    heures_dues: Decimal,
    projection: Decimal | None,
    debut: date | None,
    fin: date | None,
    au: date,
    seuils: Seuils = SEUILS_DEFAUT,
) -> StatutRisque:
    """``non_demarre`` avant ``debut`` (ou sans dates), ``termine`` après ``fin`` (la fin de la fenêtre de
    décompte, délai de grâce compris) ; sinon la projection rapportée aux heures dues comparée aux
    :class:`Seuils` (rien de dû : ``vert``)."""
    if debut is None or fin is None or au < debut:
        return StatutRisque.NON_DEMARRE
    if au > fin:
        return StatutRisque.TERMINE
    if heures_dues <= 0 or projection is None:
        return StatutRisque.VERT
    part = projection / heures_dues
    if part >= seuils.vert:
        return StatutRisque.VERT
    if part >= seuils.orange:
        return StatutRisque.ORANGE
    return StatutRisque.ROUGE


def penalite_theorique(
    heures_manquantes: Decimal, penalite_par_heure: Decimal | None, plafond: Decimal | None = None
) -> Decimal | None:
    """Pénalité *théorique* = pénalité par heure × heures manquantes, plafonnée si la clause le prévoit
    (domain.md §4 : le produit calcule, l'acheteur décide, exonération comprise). ``None`` sans pénalité
    prévue. Au centime, demi vers le haut."""
    if penalite_par_heure is None:
        return None
    montant = max(ZERO, heures_manquantes) * penalite_par_heure
    if plafond is not None:
        montant = min(montant, plafond)
    return montant.quantize(CENTIEME, rounding=ROUND_HALF_UP)


def suivi(
    lot: LotEntree,
    heures_realisees: Decimal,
    au: date,
    *,
    delai_grace_jours: int = 0,
    seuils: Seuils = SEUILS_DEFAUT,
    penalite_par_heure: Decimal | None = None,
    plafond_penalites: Decimal | None = None,
) -> Suivi:
    """Le suivi d'un lot à la date ``au`` (``lots/<id>/suivi/``).

    ``heures_realisees`` est la somme du grand livre pour ce lot (toutes entreprises du groupement, dépassement
    compris) : le suivi ne dépend pas d'un calcul particulier. Deux périodes, deux usages :

    * le **rythme** se mesure sur l'exécution (début → fin d'exécution) : on travaille pendant l'exécution, pas
      pendant le délai de grâce, qui sert à déclarer des heures déjà faites ; pendant ce délai, la projection
      vaut donc les heures réalisées ;
    * le statut ``termine`` et les pénalités à la clôture attendent la fin de la fenêtre de **décompte** (fin
      + délai de grâce, domain.md §4) : jusque-là, des heures peuvent encore arriver.

    Pénalités estimées : sur les heures manquantes à la clôture une fois la fenêtre passée, sinon sur les
    heures manquantes projetées ; ``None`` avant le début (rien à projeter) ou sans pénalité prévue.
    """
    dues = _heures(_centimes(_decimal(lot.heures_dues, "heures_dues")))
    realisees = _decimal(heures_realisees, "heures_realisees")
    if lot.debut is None or lot.fin is None:
        debut = fin = None
        projection = None
    else:
        debut, fin = fenetre_decompte(lot.debut, lot.fin, delai_grace_jours)
        projection = projection_fin(realisees, lot.debut, lot.fin, au)
    statut = statut_risque(dues, projection, debut, fin, au, seuils)
    reste = reste_a_realiser(realisees, dues)
    if statut is StatutRisque.TERMINE:
        manquantes = reste
    elif projection is not None:
        manquantes = reste_a_realiser(projection, dues)
    else:
        manquantes = None
    penalites = None if manquantes is None else penalite_theorique(manquantes, penalite_par_heure, plafond_penalites)
    return Suivi(
        heures_dues=dues,
        heures_realisees=realisees,
        taux_realisation=taux_realisation(realisees, dues),
        reste_a_realiser=reste,
        depassement=depassement(realisees, dues),
        projection_fin=projection,
        statut_risque=statut,
        penalites_estimees=penalites,
    )
