"""Moteur d'heures : décompte et ventilation des heures d'insertion d'une entreprise (domain.md §4 et §5).

Paquet **pur** : ni ORM ni Django, seulement des dataclasses figées, des ``Decimal`` et des ``datetime.date``.
``donnees`` : le vocabulaire, les entrées, les paramètres et les sorties ; ``calcul`` : :func:`calculer` ;
``suivi`` : les chiffres du suivi d'un lot. Tout s'importe d'ici.
La couche Django remplit trois listes plates de petites dataclasses à identifiants entiers (une requête
``values_list`` chacune) : les lots de l'entreprise (:class:`LotEntree`), ses contrats de travail
(:class:`ContratEntree`) et ses lignes de relevés (:class:`LigneEntree`) ; elle lit les ``Parametres`` du
guichet avec :meth:`ParametresMoteur.depuis`, appelle :func:`calculer`, puis écrit le grand livre
(:attr:`Resultat.allocations`, :attr:`Resultat.exclusions`) en un ``bulk_create`` horodaté par elle
(``calcule_le`` : le moteur ne lit jamais l'horloge, pour que le même calcul donne le même grand livre).
Les chiffres du ``suivi`` d'un lot viennent de :func:`suivi` et de ses petites fonctions.

Ce que fait :func:`calculer`, dans l'ordre (chaque décision est rappelée là où elle s'applique) :

1. **Quelles heures** (domain.md §4) : seules les lignes ``valide`` d'un contrat éligible au début du contrat
   comptent ; les autres sont gardées et exclues avec leur motif. Modalités : embauche directe et mise à
   disposition comptent les heures déclarées ; la formation hors contrat de travail compte si
   ``formation_comptee``, plafonnée par lot ; la sous-traitance (ou co-traitance) avec une structure inclusive
   convertit un montant en heures ; un CDI peut valoir un bonus (``bonus_cdi``).
2. **Où** (domain.md §4, fenêtres ; §5.1, candidats) : un lot reçoit des heures des seuls jours de sa fenêtre
   de décompte, du début d'exécution à la fin d'exécution plus ``delai_grace_jours`` ; une période à cheval sur
   un bord est découpée en tranches au prorata des jours calendaires (jamais jour par jour).
3. **Dans quel ordre** (domain.md §5.2 et §5.3) : les lignes affectées explicitement à un lot d'abord, puis
   les autres dans l'ordre chronologique (date de début, puis identifiant), ventilées par ``echeance`` ou
   ``prorata`` ; quand tous les candidats sont pleins, le reste va en dépassement au candidat qui finit le
   premier.
4. **Conservation exacte** (domain.md §5.4 : « une heure n'est jamais comptée deux fois ») : le calcul se fait
   en centièmes d'heure entiers ; pour chaque ligne, heures allouées + heures exclues = heures déclarées
   (converties) au centième près, et chaque heure exclue porte un motif stable (:class:`Motif`).
5. **Déterminisme** (domain.md §5.5 : « mêmes entrées, même grand livre ») : tout est trié par dates et
   identifiants à l'intérieur ; l'ordre des listes reçues ne change rien, deux appels donnent le même résultat.

Décisions où domain.md laisse le choix (le détail est dans la docstring citée) :

* une ligne entièrement exclue l'est d'un seul bloc avec **un** motif, le premier de l'ordre de
  ``calcul._Calcul._piece_personne`` / ``_piece_sous_traitance`` ; les non validées peuvent être passées ou non ;
* le ``lot`` de la ligne l'emporte sur celui du contrat ; une ligne de sous-traitance est toujours explicite ;
* une ligne explicite ne compte que dans la fenêtre de son lot, le reste est exclu (jamais reversé à un autre
  lot) ; au-delà des heures restant dues, elle compte sur ce lot en dépassement
  (``calcul._Calcul._ventiler_explicite``) ;
* le plafond de formation borne toutes les heures de formation d'un lot, dépassement compris ; l'excédent est
  exclu (``calcul._Calcul._distribuer``) ;
* ``prorata`` : parts au centième par la méthode du plus fort reste, à égalité au lot qui finit le premier ;
* une tranche sans candidat mais couverte par un lot fermé à la mutualisation a son propre motif
  (``mutualisation_refusee``) pour dire au facilitateur qu'une affectation explicite la ferait compter ;
* bonus CDI : une pièce d'un jour datée du début du contrat, ventilée comme une ligne ; ``duree_restante``
  complète le CDI jusqu'à un ETP sur la durée restante plafonnée, déduction faite des heures déclarées
  (``calcul._Calcul._pieces_bonus``) ;
* heures arrondies au centième (demi vers le haut) à l'entrée ; conversions de sous-traitance aussi ;
* ``calcule_le`` n'est pas produit ici (pas d'horloge dans un calcul pur).

Performance : chaque ligne coûte une recherche dichotomique dans les intervalles élémentaires des fenêtres
(bornes de toutes les fenêtres triées, lots actifs précalculés par intervalle) plus un travail proportionnel à
ses tranches et à ses lots candidats ; aucun parcours jour par jour ni de tous les lots par ligne.
"""

from .calcul import calculer
from .donnees import (
    Allocation,
    BonusCdi,
    ContratEntree,
    ConversionSousTraitance,
    ErreurEntree,
    Exclusion,
    LigneEntree,
    LotEntree,
    Modalite,
    Motif,
    ParametresMoteur,
    Regle,
    RegleVentilation,
    Resultat,
    ResultatLot,
    Role,
    StatutLigne,
    StatutRisque,
    TypeContrat,
    fenetre_decompte,
)
from .suivi import (
    SEUILS_DEFAUT,
    Seuils,
    Suivi,
    depassement,
    penalite_theorique,
    projection_fin,
    reste_a_realiser,
    statut_risque,
    suivi,
    taux_realisation,
)

__all__ = [
    "SEUILS_DEFAUT",
    "Allocation",
    "BonusCdi",
    "ContratEntree",
    "ConversionSousTraitance",
    "ErreurEntree",
    "Exclusion",
    "LigneEntree",
    "LotEntree",
    "Modalite",
    "Motif",
    "ParametresMoteur",
    "Regle",
    "RegleVentilation",
    "Resultat",
    "ResultatLot",
    "Role",
    "Seuils",
    "StatutLigne",
    "StatutRisque",
    "Suivi",
    "TypeContrat",
    "calculer",
    "depassement",
    "fenetre_decompte",
    "penalite_theorique",
    "projection_fin",
    "reste_a_realiser",
    "statut_risque",
    "suivi",
    "taux_realisation",
]
