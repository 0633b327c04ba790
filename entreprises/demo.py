"""Demo relevés of a guichet (``seed_demo``): a year of monthly relevés for the companies that employ people through
a clause, as their payroll clerks would send them. Older months are validated (a few lines rejected with their
reason), last month's are submitted, in draft or missing (for the reminders' page). Deterministic, written in bulk:
demo data, not user input."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from guichet.dates import ajouter_mois, dernier_jour, premier_jour
from marches.models import Attribution
from publics.models import Contrat

from .enums import SourceReleve, StatutLigne, StatutReleve
from .models import CommentaireReleve, Entreprise, LigneReleve, Releve

MOIS = 12
MOTIFS_REJET = [
    "Heures non justifiées par le bulletin de paie.",
    "Période déjà déclarée sur le relevé précédent.",
    "Contrat terminé avant cette période.",
]


def charger(*, guichet, aujourdhui):
    if Releve.objects.filter(guichet=guichet).exists():
        return
    hasard = random.Random(f"releves-{guichet.slug}")  # noqa: S311 (demo data)
    contrats = list(Contrat.objects.filter(guichet=guichet).order_by("entreprise_id", "pk"))
    par_entreprise = {}
    for contrat in contrats:
        par_entreprise.setdefault(contrat.entreprise_id, []).append(contrat)
    sous_traitances = _sous_traitances(guichet)
    mois_courant = premier_jour(aujourdhui)
    maintenant = timezone.now()
    releves, lignes_par_releve = [], []
    for rang, (entreprise_id, siens) in enumerate(sorted(par_entreprise.items())):
        for recul in range(MOIS, 0, -1):
            periode = ajouter_mois(mois_courant, -recul)
            lignes = _lignes(hasard, siens, periode) + _lignes_sous_traitance(
                sous_traitances.get(entreprise_id), periode
            )
            if not lignes:
                continue
            statut = _statut(recul, rang)
            if statut is None:
                continue  # missing: the reminders' page lists it
            soumis_le = maintenant - timedelta(days=30 * recul - 10) if statut != StatutReleve.BROUILLON else None
            releves.append(
                Releve(
                    guichet=guichet,
                    entreprise_id=entreprise_id,
                    periode=periode,
                    statut=statut,
                    source=SourceReleve.IMPORT if rang % 2 else SourceReleve.SAISIE,
                    soumis_le=soumis_le,
                    valide_le=soumis_le + timedelta(days=5) if statut == StatutReleve.VALIDE else None,
                )
            )
            lignes_par_releve.append(lignes)
    Releve.objects.bulk_create(releves)
    a_ecrire = []
    for releve, lignes in zip(releves, lignes_par_releve, strict=True):
        for ligne in lignes:
            ligne.guichet, ligne.releve = guichet, releve
            if releve.statut == StatutReleve.VALIDE:
                ligne.statut = StatutLigne.VALIDE
                if hasard.random() < 0.05 or len(a_ecrire) == 0:  # the first one shows a rejection, whatever the draw
                    ligne.statut, ligne.motif_rejet = StatutLigne.REJETE, hasard.choice(MOTIFS_REJET)
            a_ecrire.append(ligne)
    LigneReleve.objects.bulk_create(a_ecrire, batch_size=2000)
    rejetes = [ligne.releve for ligne in a_ecrire if ligne.statut == StatutLigne.REJETE][:3]
    CommentaireReleve.objects.bulk_create(
        CommentaireReleve(
            guichet=guichet,
            releve=releve,
            texte="Une ligne est rejetée : joignez le bulletin de paie au prochain relevé, ou corrigez celui-ci.",
        )
        for releve in dict.fromkeys(rejetes)
    )


def _statut(recul, rang):
    """Older months validated; two months ago mostly validated; last month submitted, in draft or missing."""
    if recul > 2:
        return StatutReleve.VALIDE
    if recul == 2:
        return StatutReleve.SOUMIS if rang % 4 == 0 else StatutReleve.VALIDE
    return [StatutReleve.SOUMIS, StatutReleve.SOUMIS, StatutReleve.BROUILLON, None][rang % 4]


def _lignes(hasard, contrats, periode):
    """One line per contract running in the month, on the days it ran, about 7 hours a working day."""
    fin_mois = dernier_jour(periode)
    lignes = []
    for contrat in contrats:
        debut = max(contrat.date_debut, periode)
        fin = min(contrat.date_fin or fin_mois, fin_mois)
        if debut > fin:
            continue
        jours_ouvres = sum((debut + timedelta(days=n)).weekday() < 5 for n in range((fin - debut).days + 1))
        if not jours_ouvres:
            continue
        heures = Decimal(jours_ouvres * 7) * Decimal(hasard.choice(["1", "1", "1", "0.8", "0.5"]))
        lignes.append(
            LigneReleve(contrat=contrat, lot_id=contrat.lot_id, date_debut=debut, date_fin=fin, heures=heures)
        )
    return lignes


def _sous_traitances(guichet):
    """A structure inclusive working as sous-traitant on a lot of a titulaire: its monthly invoice is a line of the
    titulaire's relevé."""
    titulaire = (
        Attribution.objects.filter(guichet=guichet, role="titulaire")
        .select_related("lot__marche")
        .order_by("pk")
        .first()
    )
    inclusives = Entreprise.objects.filter(guichet=guichet).structures_inclusives().order_by("pk")
    structure = inclusives.exclude(pk=getattr(titulaire, "entreprise_id", None)).first()
    if titulaire is None or structure is None:
        return {}
    return {titulaire.entreprise_id: (structure, titulaire.lot)}


def _lignes_sous_traitance(sous_traitance, periode):
    if sous_traitance is None:
        return []
    structure, lot = sous_traitance
    debut, fin = lot.debut_effectif, lot.fin_effective
    if debut is None or fin is None or debut > dernier_jour(periode) or fin < periode:
        return []
    return [
        LigneReleve(
            sous_traitant=structure,
            lot=lot,
            montant_ht=Decimal("4800.00"),
            date_debut=periode,
            date_fin=dernier_jour(periode),
        )
    ]
