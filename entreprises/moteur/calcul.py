"""Le calcul : décompte et ventilation des heures d'une entreprise (domain.md §4 et §5).

Voir la documentation du paquet ``entreprises.moteur`` pour l'ensemble et les décisions.
"""

import bisect
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from .donnees import (
    JOURS_PAR_AN,
    MODALITES_CONTRAT,
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
    Resultat,
    ResultatLot,
    Role,
    StatutLigne,
    TypeContrat,
    _arrondi_division,
    _centimes,
    _choix,
    _decimal,
    _heures,
    _plus_annees,
)

# --------------------------------------------------------------------------------------------------------
# État interne du calcul
# --------------------------------------------------------------------------------------------------------


class _Lot:
    """État mutable d'un lot pendant un calcul (en centièmes d'heure, dates en ordinaux)."""

    __slots__ = (
        "debut",
        "depassement",
        "du",
        "fin",
        "formation",
        "id",
        "motif",
        "mutualise",
        "par_modalite",
        "par_regle",
        "plafond",
        "reste",
        "source",
        "total",
    )

    def __init__(self, source: LotEntree, delai_grace_jours: int, plafond_pct: Decimal | None):
        self.source = source
        self.id = source.id
        heures_dues = _decimal(source.heures_dues, "heures_dues")
        self.du = _centimes(heures_dues)
        self.reste = self.du
        self.total = 0
        self.depassement = 0
        self.formation = 0
        self.par_modalite: dict[Modalite, int] = {}
        self.par_regle: dict[Regle, int] = {}
        # Plafond de formation (domain.md §4) : part des heures dues, au centième, demi vers le haut.
        self.plafond = None if plafond_pct is None else _centimes(heures_dues * plafond_pct)
        if source.role == Role.SOUS_TRAITANT:
            self.motif = Motif.LOT_SOUS_TRAITANT
        elif not source.clause_heures:
            self.motif = Motif.LOT_NON_CLAUSE
        elif source.debut is None or source.fin is None:
            self.motif = Motif.LOT_SANS_DATES
        else:
            self.motif = None
        if source.debut is not None and source.fin is not None:
            self.debut = source.debut.toordinal()
            self.fin = source.fin.toordinal() + delai_grace_jours
        else:
            self.debut = self.fin = None
        self.mutualise = self.motif is None and bool(source.mutualisation_autorisee)

    @property
    def doit_des_heures(self) -> bool:
        """Lot clausé de l'entreprise (titulaire ou co-traitant) : il figure dans ``Resultat.lots``."""
        return self.source.role != Role.SOUS_TRAITANT and bool(self.source.clause_heures)

    def capacite(self, formation: bool) -> int:
        """Ce que le lot peut encore recevoir hors dépassement : ses heures restant dues, et pour la formation
        aussi ce qui reste sous son plafond."""
        if formation and self.plafond is not None:
            return max(0, min(self.reste, self.plafond - self.formation))
        return max(0, self.reste)

    def capacite_depassement(self, formation: bool) -> int | None:
        """Ce que le lot peut recevoir en dépassement : sans limite (``None``) sauf la formation plafonnée, dont
        le plafond borne toutes les heures de formation du lot, dépassement compris (domain.md §4)."""
        if formation and self.plafond is not None:
            return max(0, self.plafond - self.formation)
        return None

    def recevoir(self, centimes: int, regle: Regle, modalite: Modalite) -> None:
        self.total += centimes
        if regle is Regle.DEPASSEMENT:
            self.depassement += centimes
        else:
            self.reste -= centimes
        if modalite is Modalite.FORMATION:
            self.formation += centimes
        self.par_modalite[modalite] = self.par_modalite.get(modalite, 0) + centimes
        self.par_regle[regle] = self.par_regle.get(regle, 0) + centimes


class _Piece:
    """Ce qui se ventile : une ligne, ou le bonus d'un CDI (``ligne_id`` = ``None``)."""

    __slots__ = ("centimes", "contrat_id", "debut", "detail", "fin", "ligne_id", "lot_id", "modalite", "motif")

    def __init__(self, ligne_id, contrat_id, modalite, debut, fin, centimes, lot_id, motif=None, detail=""):
        self.ligne_id = ligne_id
        self.contrat_id = contrat_id
        self.modalite = modalite
        self.debut = debut
        self.fin = fin
        self.centimes = centimes
        self.lot_id = lot_id
        self.motif = motif
        self.detail = detail

    def cle(self) -> tuple:
        """Ordre chronologique de domain.md §5.3 (date de début, puis identifiant) ; à date égale, les lignes
        passent avant les bonus CDI (un bonus n'a pas d'identifiant de ligne, on prend celui du contrat)."""
        if self.ligne_id is not None:
            return (self.debut, 0, self.ligne_id)
        return (self.debut, 1, self.contrat_id)


class _Fenetres:
    """Intervalles élémentaires des fenêtres des lots clausés datés : entre deux bornes consécutives, l'ensemble
    des lots actifs ne change pas. Une ligne se découpe par recherche dichotomique puis parcours de ses seuls
    intervalles (O(log L + tranches)) ; les lots actifs sont précalculés, triés par (fin de fenêtre, id)."""

    __slots__ = ("actifs", "bornes", "fermes")

    def __init__(self, lots: Iterable[_Lot]):
        dates = [lot for lot in lots if lot.motif is None]
        self.bornes = sorted({lot.debut for lot in dates} | {lot.fin + 1 for lot in dates})
        # actifs[k] : lots mutualisés couvrant l'intervalle k = [bornes[k-1], bornes[k] - 1] ;
        # fermes[k] : un lot fermé à la mutualisation le couvre (pour le motif ``mutualisation_refusee``).
        self.actifs: list[tuple[_Lot, ...]] = [()]
        self.fermes: list[bool] = [False]
        for k in range(1, len(self.bornes)):
            debut, fin = self.bornes[k - 1], self.bornes[k] - 1
            couvrants = [lot for lot in dates if lot.debut <= debut and lot.fin >= fin]
            self.actifs.append(tuple(sorted((lot for lot in couvrants if lot.mutualise), key=lambda x: (x.fin, x.id))))
            self.fermes.append(any(not lot.mutualise for lot in couvrants))
        self.actifs.append(())
        self.fermes.append(False)

    def decouper(self, debut: int, fin: int) -> list[tuple[int, int, int]]:
        """Les tranches de ``[debut, fin]`` : ``(début, fin, indice d'intervalle)``."""
        bornes = self.bornes
        k = bisect.bisect_right(bornes, debut)
        tranches = []
        while True:
            fin_tranche = fin if k >= len(bornes) else min(fin, bornes[k] - 1)
            tranches.append((debut, fin_tranche, k))
            if fin_tranche == fin:
                return tranches
            debut = fin_tranche + 1
            k += 1


def _repartir_par_jours(centimes: int, debut: int, fin: int, tranches: list) -> list[int]:
    """Heures de chaque tranche = heures × jours de la tranche ÷ jours de la ligne (domain.md §4 : heures
    réparties uniformément sur les jours calendaires). Arrondi cumulé : la tranche i reçoit
    ``arrondi(H × jours cumulés jusqu'à i ÷ D) − arrondi(H × jours cumulés avant i ÷ D)`` ; la somme vaut H
    exactement et chaque tranche est à moins d'un centième de sa part exacte."""
    if len(tranches) == 1:
        return [centimes]
    jours = fin - debut + 1
    parts, precedent = [], 0
    for tranche in tranches:
        cumul = _arrondi_division(centimes * (tranche[1] - debut + 1), jours)
        parts.append(cumul - precedent)
        precedent = cumul
    return parts


# --------------------------------------------------------------------------------------------------------
# Le calcul
# --------------------------------------------------------------------------------------------------------


class _Calcul:
    def __init__(self, lots, contrats, lignes, parametres: ParametresMoteur):
        self.parametres = parametres
        self.lots: dict[int, _Lot] = {}
        for lot in sorted(lots, key=lambda x: x.id):
            self._controler_lot(lot)
            self.lots[lot.id] = _Lot(lot, parametres.delai_grace_jours, parametres.plafond_formation_pct)
        self.contrats: dict[int, ContratEntree] = {}
        for contrat in sorted(contrats, key=lambda x: x.id):
            self._controler_contrat(contrat)
            self.contrats[contrat.id] = contrat
        self.lignes = sorted(lignes, key=lambda x: x.id)
        self.fenetres = _Fenetres(self.lots.values())
        self.allocations: list[Allocation] = []
        self.exclusions: list[Exclusion] = []
        self.heures_lignes: dict[int, int] = {}
        self.bonus: dict[int, int] = {}

    # -- contrôles -----------------------------------------------------------------------------------------

    def _controler_lot(self, lot: LotEntree) -> None:
        if lot.id in self.lots:
            raise ErreurEntree(f"Lot {lot.id} en double.", "lots")
        _choix(Role, lot.role, "role")
        if lot.debut is not None and lot.fin is not None and lot.fin < lot.debut:
            raise ErreurEntree(f"Lot {lot.id} : la fin d'exécution précède le début.", "lots")

    def _controler_contrat(self, contrat: ContratEntree) -> None:
        if contrat.id in self.contrats:
            raise ErreurEntree(f"Contrat {contrat.id} en double.", "contrats")
        modalite = _choix(Modalite, contrat.modalite, "modalite")
        if modalite not in MODALITES_CONTRAT:
            raise ErreurEntree(
                f"Contrat {contrat.id} : modalité « {modalite} » impossible pour un contrat.", "contrats"
            )
        _choix(TypeContrat, contrat.type_contrat, "type_contrat")
        if contrat.fin is not None and contrat.fin < contrat.debut:
            raise ErreurEntree(f"Contrat {contrat.id} : la fin précède le début.", "contrats")

    def _controler_ligne(self, ligne: LigneEntree, vues: set) -> None:
        if ligne.id in vues:
            raise ErreurEntree(f"Ligne {ligne.id} en double.", "lignes")
        vues.add(ligne.id)
        if ligne.fin < ligne.debut:
            raise ErreurEntree(f"Ligne {ligne.id} : la date de fin précède la date de début.", "lignes")
        if (ligne.contrat_id is None) == (ligne.sous_traitant_id is None):
            raise ErreurEntree(
                f"Ligne {ligne.id} : il faut soit un contrat (ligne de personne), soit un sous-traitant.", "lignes"
            )
        if ligne.contrat_id is not None and ligne.contrat_id not in self.contrats:
            raise ErreurEntree(f"Ligne {ligne.id} : contrat {ligne.contrat_id} inconnu.", "lignes")
        _choix(StatutLigne, ligne.statut, "statut")

    # -- pièces à ventiler -----------------------------------------------------------------------------------

    def _motif_lot(self, lot_id: int) -> Motif | None:
        lot = self.lots.get(lot_id)
        return Motif.LOT_AUTRE_ENTREPRISE if lot is None else lot.motif

    @staticmethod
    def _motif_statut(statut: str) -> Motif | None:
        if statut == StatutLigne.VALIDE:
            return None
        return Motif.LIGNE_EN_ATTENTE if statut == StatutLigne.EN_ATTENTE else Motif.LIGNE_REJETEE

    def _piece_personne(self, ligne: LigneEntree) -> _Piece:
        """Ligne de personne (domain.md §4) : heures déclarées au centième. Motifs, le premier qui s'applique :
        statut, heures absentes, inéligibilité (avec le détail de l'appelant), formation non comptée, lot
        désigné invalide : l'ordre de la vie d'une ligne (validée ? remplie ? la personne compte-t-elle ? le
        guichet compte-t-il cette modalité ? le lot désigné peut-il la recevoir ?), une seule raison par ligne."""
        contrat = self.contrats[ligne.contrat_id]
        modalite = Modalite(contrat.modalite)
        centimes = 0 if ligne.heures is None else _centimes(_decimal(ligne.heures, "heures"))
        lot_id = ligne.lot_id if ligne.lot_id is not None else contrat.lot_id
        motif, detail = self._motif_statut(ligne.statut), ""
        if motif is None and ligne.heures is None:
            motif = Motif.HEURES_NON_RENSEIGNEES
        if motif is None and not contrat.eligible:
            motif, detail = Motif.NON_ELIGIBLE, contrat.motif_ineligibilite or ""
        if motif is None and modalite is Modalite.FORMATION and not self.parametres.formation_comptee:
            motif = Motif.FORMATION_NON_COMPTEE
        if motif is None and lot_id is not None:
            motif = self._motif_lot(lot_id)
        return _Piece(
            ligne.id,
            contrat.id,
            modalite,
            ligne.debut.toordinal(),
            ligne.fin.toordinal(),
            centimes,
            lot_id,
            motif,
            detail,
        )

    def _convertir(self, ligne: LigneEntree) -> int | None:
        """Sous-traitance → heures (domain.md §4, ``conversion_sous_traitance``), au centième demi vers le haut :
        ``montant_mo`` = montant × taux de main-d'œuvre du lot ÷ coût horaire du lot ; ``taux_forfaitaire`` =
        montant ÷ taux horaire forfaitaire du guichet ; ``heures_declarees`` = les heures de la ligne.
        ``None`` quand une donnée manque (motif ``conversion_impossible``, 0 h)."""
        mode = self.parametres.conversion_sous_traitance
        if mode is ConversionSousTraitance.HEURES_DECLAREES:
            return None if ligne.heures is None else _centimes(_decimal(ligne.heures, "heures"))
        if ligne.montant_ht is None:
            return None
        montant = _decimal(ligne.montant_ht, "montant_ht")
        if mode is ConversionSousTraitance.TAUX_FORFAITAIRE:
            taux = self.parametres.taux_horaire_forfaitaire
            return None if not taux else _centimes(montant / taux)
        lot = self.lots.get(ligne.lot_id)
        if lot is None or lot.source.taux_main_oeuvre is None or not lot.source.cout_horaire:
            return None
        taux_mo = _decimal(lot.source.taux_main_oeuvre, "taux_main_oeuvre")
        return _centimes(montant * taux_mo / _decimal(lot.source.cout_horaire, "cout_horaire"))

    def _piece_sous_traitance(self, ligne: LigneEntree) -> _Piece:
        """Ligne de sous-traitance : toujours explicite (son lot est obligatoire, ``releves/`` de l'API).
        Motifs : statut, sans lot, lot désigné invalide, structure non inclusive, conversion impossible."""
        converties = self._convertir(ligne)
        motif = self._motif_statut(ligne.statut)
        if motif is None and ligne.lot_id is None:
            motif = Motif.SOUS_TRAITANCE_SANS_LOT
        if motif is None:
            motif = self._motif_lot(ligne.lot_id)
        if motif is None and not ligne.structure_inclusive:
            motif = Motif.STRUCTURE_NON_INCLUSIVE
        if motif is None and converties is None:
            motif = (
                Motif.HEURES_NON_RENSEIGNEES
                if self.parametres.conversion_sous_traitance is ConversionSousTraitance.HEURES_DECLAREES
                else Motif.CONVERSION_IMPOSSIBLE
            )
        return _Piece(
            ligne.id,
            None,
            Modalite.SOUS_TRAITANCE,
            ligne.debut.toordinal(),
            ligne.fin.toordinal(),
            converties or 0,
            ligne.lot_id,
            motif,
        )

    def _pieces_bonus(self, lignes_par_contrat: dict[int, list[LigneEntree]]) -> list[_Piece]:
        """Bonus CDI (domain.md §4, ``bonus_cdi``). Décisions :

        * qui : un contrat ``cdi`` en ``embauche_directe``, éligible, ayant au moins une ligne ``valide`` (la
          preuve que l'embauche a eu lieu, validée par le facilitateur) ; une fois par contrat ;
        * quand et où : le bonus est une pièce d'un jour, datée du début du contrat, ventilée comme une ligne
          (explicite si le contrat désigne un lot, sinon par la règle du guichet, dans l'ordre chronologique) ;
        * ``heures_forfaitaires`` : ``bonus_cdi_heures`` heures (aucune si le paramètre est vide) ;
        * ``duree_restante`` : le CDI vaut un ETP à temps plein (``heures_etp`` par an de 365 jours) sur la
          période valorisée, du début du contrat jusqu'à la première de ces dates : fin de la fenêtre de
          décompte du lot de référence, fin du contrat s'il est rompu, début + ``bonus_cdi_annees_max`` ans.
          Le lot de référence est le lot désigné, sinon le lot mutualisé ouvert ce jour-là qui finit le plus
          tard (l'horizon des engagements de l'entreprise). Les heures des lignes validées du contrat sur cette
          période (au prorata des jours) en sont **déduites**, car elles comptent déjà : le bonus complète le
          CDI jusqu'à un temps plein, sans compter deux fois la même heure. Un bonus nul n'est pas écrit.
        """
        mode = self.parametres.bonus_cdi
        if mode is BonusCdi.AUCUN:
            return []
        pieces = []
        for contrat in self.contrats.values():
            if (
                contrat.type_contrat != TypeContrat.CDI
                or contrat.modalite != Modalite.EMBAUCHE_DIRECTE
                or not contrat.eligible
            ):
                continue
            validees = [x for x in lignes_par_contrat.get(contrat.id, ()) if x.statut == StatutLigne.VALIDE]
            if not validees:
                continue
            jour = contrat.debut.toordinal()
            if mode is BonusCdi.HEURES_FORFAITAIRES:
                heures = self.parametres.bonus_cdi_heures
                centimes = 0 if heures is None else _centimes(heures)
            else:
                centimes = self._bonus_duree_restante(contrat, jour, validees)
            if centimes <= 0:
                continue
            motif = None if contrat.lot_id is None else self._motif_lot(contrat.lot_id)
            pieces.append(_Piece(None, contrat.id, Modalite.BONUS_CDI, jour, jour, centimes, contrat.lot_id, motif))
            self.bonus[contrat.id] = centimes
        return pieces

    def _bonus_duree_restante(self, contrat: ContratEntree, jour: int, validees: list[LigneEntree]) -> int:
        if contrat.lot_id is not None:
            lot = self.lots.get(contrat.lot_id)
            if lot is None or lot.motif is not None or not lot.debut <= jour <= lot.fin:
                return 0
            fin = lot.fin
        else:
            k = bisect.bisect_right(self.fenetres.bornes, jour)
            actifs = self.fenetres.actifs[k]
            if not actifs:
                return 0
            fin = max(lot.fin for lot in actifs)
        if contrat.fin is not None:
            fin = min(fin, contrat.fin.toordinal())
        annees = self.parametres.bonus_cdi_annees_max
        if annees is not None:
            fin = min(fin, _plus_annees(contrat.debut, annees).toordinal() - 1)
        jours = fin - jour + 1
        valeur = Fraction(self.parametres.heures_etp) * 100 * jours / JOURS_PAR_AN
        for ligne in validees:
            if ligne.heures is None:
                continue
            debut_l, fin_l = ligne.debut.toordinal(), ligne.fin.toordinal()
            commun = min(fin, fin_l) - max(jour, debut_l) + 1
            if commun > 0:
                valeur -= Fraction(_centimes(_decimal(ligne.heures, "heures")) * commun, fin_l - debut_l + 1)
        if valeur <= 0:
            return 0
        return _arrondi_division(valeur.numerator, valeur.denominator)

    # -- ventilation -------------------------------------------------------------------------------------------

    def executer(self) -> Resultat:
        explicites, mutualisees, exclues = [], [], []
        lignes_par_contrat: dict[int, list[LigneEntree]] = {}
        vues: set[int] = set()
        for ligne in self.lignes:
            self._controler_ligne(ligne, vues)
            if ligne.contrat_id is not None:
                piece = self._piece_personne(ligne)
                lignes_par_contrat.setdefault(ligne.contrat_id, []).append(ligne)
            else:
                piece = self._piece_sous_traitance(ligne)
            self.heures_lignes[ligne.id] = piece.centimes
            (exclues if piece.motif else explicites if piece.lot_id is not None else mutualisees).append(piece)
        for piece in self._pieces_bonus(lignes_par_contrat):
            (exclues if piece.motif else explicites if piece.lot_id is not None else mutualisees).append(piece)

        for piece in sorted(exclues, key=_Piece.cle):
            self._exclure_entiere(piece)
        # domain.md §5.2 puis §5.3 : les explicites d'abord, puis les autres, chacun dans l'ordre chronologique.
        for piece in sorted(explicites, key=_Piece.cle):
            self._ventiler_explicite(piece)
        regle = Regle(self.parametres.regle_ventilation)
        for piece in sorted(mutualisees, key=_Piece.cle):
            self._ventiler_mutualisee(piece, regle)
        return self._resultat()

    def _exclure_entiere(self, piece: _Piece) -> None:
        self.exclusions.append(
            Exclusion(
                piece.ligne_id,
                piece.contrat_id,
                piece.lot_id,
                date.fromordinal(piece.debut),
                date.fromordinal(piece.fin),
                _heures(piece.centimes),
                piece.motif,
                piece.modalite,
                piece.detail,
            )
        )

    def _ventiler_explicite(self, piece: _Piece) -> None:
        """domain.md §5.2 : la ligne va à son lot, dans sa fenêtre. Décisions : les jours hors de la fenêtre de
        ce lot sont exclus (``lot_explicite_hors_fenetre``), jamais reversés aux autres lots (l'affectation
        explicite est un choix de l'entreprise ou du facilitateur, qu'il peut retirer) ; au-delà des heures
        restant dues, les heures comptent sur ce même lot en ``depassement`` ; la formation reste plafonnée."""
        lot = self.lots[piece.lot_id]
        a, b = piece.debut, piece.fin
        tranches = []
        if a < lot.debut:
            tranches.append((a, min(b, lot.debut - 1), False))
        if a <= lot.fin and b >= lot.debut:
            tranches.append((max(a, lot.debut), min(b, lot.fin), True))
        if b > lot.fin:
            tranches.append((max(a, lot.fin + 1), b, False))
        journal: list = []
        for (debut, fin, dedans), centimes in zip(
            tranches, _repartir_par_jours(piece.centimes, a, b, tranches), strict=True
        ):
            if not dedans:
                journal.append((False, lot.id, Motif.LOT_EXPLICITE_HORS_FENETRE, debut, fin, centimes))
            else:
                self._distribuer(journal, (lot,), Regle.EXPLICITE, debut, fin, centimes, piece.modalite, lot.id)
        self._ecrire(piece, journal)

    def _ventiler_mutualisee(self, piece: _Piece, regle: Regle) -> None:
        """domain.md §5.1 et §5.3 : chaque tranche (jours où l'ensemble des lots ouverts ne change pas) va aux
        lots mutualisés qui la couvrent entièrement, par la règle du guichet ; sans candidat, elle est exclue
        (``mutualisation_refusee`` si un lot fermé à la mutualisation la couvre, sinon ``hors_fenetre``)."""
        fenetres = self.fenetres
        tranches = fenetres.decouper(piece.debut, piece.fin)
        journal: list = []
        for (debut, fin, k), centimes in zip(
            tranches, _repartir_par_jours(piece.centimes, piece.debut, piece.fin, tranches), strict=True
        ):
            candidats = fenetres.actifs[k]
            if candidats:
                self._distribuer(journal, candidats, regle, debut, fin, centimes, piece.modalite, None)
            else:
                motif = Motif.MUTUALISATION_REFUSEE if fenetres.fermes[k] else Motif.HORS_FENETRE
                journal.append((False, None, motif, debut, fin, centimes))
        self._ecrire(piece, journal)

    def _distribuer(self, journal, candidats, regle, debut, fin, centimes, modalite, lot_plafond) -> None:
        """Une tranche entre ses candidats (triés par fin de fenêtre puis id : « celui qui finit le premier »).

        * ``explicite`` et ``echeance`` : chaque candidat dans l'ordre, jusqu'à ce qu'il lui reste à recevoir ;
        * ``prorata`` : au prorata des heures restant dues ; les centièmes d'arrondi vont par la méthode du plus
          fort reste (à égalité, au candidat qui finit le premier) : déterministe, somme exacte, et aucun
          candidat ne dépasse ce qu'il lui reste (chaque part est la part exacte arrondie en dessous ou au-dessus) ;
        * quand tous sont pleins, le reste va en ``depassement`` au candidat qui finit le premier (domain.md
          §5.3) ; pour la formation plafonnée, au premier candidat qui a encore de la place sous son plafond,
          puis au suivant ; ce qui dépasse tous les plafonds est exclu (``plafond_formation``).
        """
        formation = modalite is Modalite.FORMATION
        reste = centimes
        if regle is Regle.PRORATA and len(candidats) > 1:
            capacites = [lot.capacite(formation) for lot in candidats]
            total = sum(capacites)
            if total <= reste:
                parts = capacites
            else:
                parts = [reste * c // total for c in capacites]
                a_donner = reste - sum(parts)
                if a_donner:
                    restes = sorted(range(len(candidats)), key=lambda i: (-(reste * capacites[i] % total), i))
                    for i in restes[:a_donner]:
                        parts[i] += 1
            for lot, part in zip(candidats, parts, strict=True):
                if part:
                    lot.recevoir(part, regle, modalite)
                    journal.append((True, lot.id, regle, debut, fin, part))
                    reste -= part
        else:
            for lot in candidats:
                part = min(reste, lot.capacite(formation))
                if part:
                    lot.recevoir(part, regle, modalite)
                    journal.append((True, lot.id, regle, debut, fin, part))
                    reste -= part
                    if not reste:
                        return
        if not reste:
            return
        for lot in candidats:
            place = lot.capacite_depassement(formation)
            part = reste if place is None else min(reste, place)
            if part:
                lot.recevoir(part, Regle.DEPASSEMENT, modalite)
                journal.append((True, lot.id, Regle.DEPASSEMENT, debut, fin, part))
                reste -= part
                if not reste:
                    return
        journal.append((False, lot_plafond, Motif.PLAFOND_FORMATION, debut, fin, reste))

    def _ecrire(self, piece: _Piece, journal: list) -> None:
        """Fusionne les écritures d'une pièce de même (sorte, lot, règle ou motif) sur des jours contigus, puis
        les ajoute au grand livre (les écritures nulles sont omises)."""
        ouvertes: dict[tuple, list] = {}
        lignes: list[list] = []
        for alloue, lot_id, code, debut, fin, centimes in journal:
            if not centimes:
                continue
            cle = (alloue, lot_id, code)
            ouverte = ouvertes.get(cle)
            if ouverte is not None and debut <= ouverte[4] + 1:
                ouverte[4] = max(ouverte[4], fin)
                ouverte[5] += centimes
            else:
                ouverte = [alloue, lot_id, code, debut, fin, centimes]
                ouvertes[cle] = ouverte
                lignes.append(ouverte)
        for alloue, lot_id, code, debut, fin, centimes in lignes:
            if alloue:
                self.allocations.append(
                    Allocation(
                        piece.ligne_id,
                        piece.contrat_id,
                        lot_id,
                        date.fromordinal(debut),
                        date.fromordinal(fin),
                        _heures(centimes),
                        code,
                        piece.modalite,
                    )
                )
            else:
                self.exclusions.append(
                    Exclusion(
                        piece.ligne_id,
                        piece.contrat_id,
                        lot_id,
                        date.fromordinal(debut),
                        date.fromordinal(fin),
                        _heures(centimes),
                        code,
                        piece.modalite,
                        piece.detail,
                    )
                )

    def _resultat(self) -> Resultat:
        lots = {}
        for lot in self.lots.values():
            if not lot.doit_des_heures:
                continue
            lots[lot.id] = ResultatLot(
                lot_id=lot.id,
                heures_dues=_heures(lot.du),
                heures_realisees=_heures(lot.total),
                depassement=_heures(lot.depassement),
                par_modalite=MappingProxyType({m: _heures(c) for m, c in sorted(lot.par_modalite.items())}),
                par_regle=MappingProxyType({r: _heures(c) for r, c in sorted(lot.par_regle.items())}),
            )
        return Resultat(
            allocations=tuple(self.allocations),
            exclusions=tuple(self.exclusions),
            lots=MappingProxyType(lots),
            heures_lignes=MappingProxyType({i: _heures(c) for i, c in self.heures_lignes.items()}),
            bonus_cdi=MappingProxyType({i: _heures(c) for i, c in sorted(self.bonus.items())}),
        )


def calculer(
    *,
    lots: Iterable[LotEntree],
    contrats: Iterable[ContratEntree] = (),
    lignes: Iterable[LigneEntree],
    parametres: ParametresMoteur | None = None,
) -> Resultat:
    """Décompte et ventile les heures d'**une** entreprise (domain.md §4 et §5) ; voir la documentation du module.

    ``lots`` : ses attributions (tous rôles ; seuls les lots clausés où elle est titulaire ou co-traitante
    reçoivent des heures) ; ``contrats`` : ses contrats de travail, au moins ceux des lignes ; ``lignes`` : ses
    lignes de relevés (les non validées peuvent être omises : elles ne feraient qu'ajouter des exclusions).
    Lève :class:`ErreurEntree` sur une entrée incohérente. Pur : mêmes entrées (dans n'importe quel ordre),
    même résultat.
    """
    return _Calcul(lots, contrats, lignes, parametres or ParametresMoteur()).executer()
