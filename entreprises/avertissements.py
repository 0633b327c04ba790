"""Warnings on the lines of a relevé: what a facilitator would question, shown to the company while it types and
beside each line afterwards. None of them blocks saving (the blocking rules live in ``services``): a line that
warns is kept, and the hours engine decides what counts (domain.md §4).

Pure: plain dataclasses in, messages out, no ORM, so the web entry (one line as you type), the relevé's page and
the import share it. Callers load the contracts, lots and other lines (``selectors.avertissements_releve``).

The monthly bound of hours (``plafond_heures``) is the French legal maximum working time: 10 h a day
(Code du travail L3121-18) and 48 h in a week (L3121-20). A line of ``n`` calendar days may carry at most
``min(10 h × n, 48 h × ⌈n / 7⌉)``: 10 h for one day, 48 h for a week, 240 h for a whole month of 29 to 31 days.
Beyond it, the hours are probably a typing error (a total of several people, a year, a decimal point).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from guichet.dates import dernier_jour, libelle_mois

HEURES_MAX_JOUR = Decimal(10)  # Code du travail L3121-18
HEURES_MAX_SEMAINE = Decimal(48)  # Code du travail L3121-20


@dataclass(frozen=True)
class LigneAverifier:
    """A line as typed or stored; ``cle`` names it in the answer (its id, or ``"nouvelle"`` while typing)."""

    cle: object
    debut: date | None
    fin: date | None
    heures: Decimal | None = None
    contrat_id: int | None = None
    lot_id: int | None = None
    releve: str = ""  # « relevé de mars 2026 », for a line of another relevé


@dataclass(frozen=True)
class ContratInfo:
    id: int
    personne: str
    debut: date
    fin: date | None
    eligible: bool
    lot_id: int | None = None


@dataclass(frozen=True)
class LotInfo:
    id: int
    libelle: str
    debut: date | None
    fin: date | None


def plafond_heures(debut: date, fin: date) -> Decimal:
    jours = (fin - debut).days + 1
    return min(HEURES_MAX_JOUR * jours, HEURES_MAX_SEMAINE * -(-jours // 7))


def _jour(d):
    return d.strftime("%d/%m/%Y")


def _heures(nombre):
    return f"{Decimal(nombre).normalize():f}".replace(".", ",") + "\u00a0h"


def avertissements(
    *,
    periode: date,
    lignes: list[LigneAverifier],
    contrats: dict[int, ContratInfo],
    lots: dict[int, LotInfo],
    autres: list[LigneAverifier] = (),
    delai_grace_jours: int = 0,
) -> dict[object, list[str]]:
    """The warnings of each line of ``lignes`` (by ``cle``; lines without any are absent). ``autres``: the
    company's other lines (other relevés, rejected ones left out), only used to find overlaps."""
    resultat = defaultdict(list)
    fin_mois = dernier_jour(periode)
    for ligne in lignes:
        messages = resultat[ligne.cle]
        contrat = contrats.get(ligne.contrat_id)
        if ligne.debut is None or ligne.fin is None or ligne.fin < ligne.debut:
            continue  # the blocking checks say what is wrong with the dates
        if ligne.debut < periode or ligne.fin > fin_mois:
            messages.append(f"Les dates sortent du mois du relevé ({libelle_mois(periode)}).")
        if contrat is not None:
            if not contrat.eligible:
                messages.append(
                    f"{contrat.personne} n'avait pas d'éligibilité validée au début de son contrat "
                    f"({_jour(contrat.debut)}) : ces heures ne compteront pas."
                )
            if ligne.debut < contrat.debut or (contrat.fin is not None and ligne.fin > contrat.fin):
                fin_contrat = _jour(contrat.fin) if contrat.fin else "sans fin"
                messages.append(
                    f"Les dates sortent du contrat de {contrat.personne} ({_jour(contrat.debut)} – {fin_contrat})."
                )
            if ligne.heures is not None and ligne.heures > plafond_heures(ligne.debut, ligne.fin):
                messages.append(
                    f"{_heures(ligne.heures)} sur {(ligne.fin - ligne.debut).days + 1} jour(s) dépassent la durée "
                    f"maximale du travail ({_heures(plafond_heures(ligne.debut, ligne.fin))} au plus : 10 h par jour, "
                    "48 h par semaine)."
                )
        lot = lots.get(ligne.lot_id or (contrat.lot_id if contrat else None))
        if lot is not None and lot.debut is not None and lot.fin is not None:
            fin_fenetre = lot.fin + timedelta(days=delai_grace_jours)
            if ligne.debut < lot.debut or ligne.fin > fin_fenetre:
                messages.append(
                    f"Les dates sortent de la période d'exécution du {lot.libelle} "
                    f"({_jour(lot.debut)} – {_jour(fin_fenetre)}) : les heures en dehors ne compteront pas."
                )
    a_verifier = {id(ligne) for ligne in lignes}
    for ligne, autre in _chevauchements([*lignes, *autres]):
        if id(ligne) in a_verifier:
            ou = f" ({autre.releve})" if autre.releve else ""
            personne = contrats[ligne.contrat_id].personne if ligne.contrat_id in contrats else "cette personne"
            resultat[ligne.cle].append(
                f"Chevauche une autre ligne de {personne} du {_jour(autre.debut)} au {_jour(autre.fin)}{ou}."
            )
    return {cle: messages for cle, messages in resultat.items() if messages}


def _chevauchements(lignes):
    """Pairs (line, the other line it overlaps) among the person lines of the same contract: sorted by start, each
    line is compared with the earlier ones still running (a sweep, not every pair)."""
    par_contrat = defaultdict(list)
    for ligne in lignes:
        if ligne.contrat_id is not None and ligne.debut is not None and ligne.fin is not None:
            par_contrat[ligne.contrat_id].append(ligne)
    for groupe in par_contrat.values():
        groupe.sort(key=lambda ligne: (ligne.debut, ligne.fin))
        en_cours = []
        for ligne in groupe:
            en_cours = [autre for autre in en_cours if autre.fin >= ligne.debut]
            for autre in en_cours:
                yield ligne, autre
                yield autre, ligne
            en_cours.append(ligne)
