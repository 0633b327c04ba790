"""What each dashboard shows, read from ``indicateurs`` (the figures) and drawn by ``graphiques`` (the pictures),
plus the lists proper to a buyer (its lots and their progress) and to a company (its obligations, its next relevé,
its rejected lines). Every function makes a fixed number of queries; the charts are kept in the cache like the
figures (``indicateurs.memorise``), pictures and tables drawn once per change of the data."""

from datetime import date

from django.db.models import Case, Count, DecimalField, Exists, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from conventions.selectors import conventions_visibles
from entreprises.enums import StatutLigne, StatutReleve, StatutRisque
from entreprises.models import Allocation, Entreprise, LigneReleve, Releve
from entreprises.selectors import ROLES_DEBITEURS, lots_en_cours
from guichet.dates import ajouter_mois, libelle_mois
from guichet.enums import TypeConsideration
from marches.enums import StatutClimat
from marches.models import Attribution, Consideration, Lot
from marches.selectors import marches_visibles, pnad_par_acheteur

from . import graphiques, indicateurs
from .alertes import lien
from .graphiques import Serie
from .indicateurs import memorise

# Lots shown on a buyer's dashboard (the most at risk first); the rest are on the marchés' pages.
LOTS_AFFICHES = 30
LIGNES_REJETEES_AFFICHEES = 20
ORDRE_RISQUE = [
    StatutRisque.ROUGE,
    StatutRisque.ORANGE,
    StatutRisque.VERT,
    StatutRisque.NON_DEMARRE,
    StatutRisque.TERMINE,
]


@memorise
def graphiques_heures(portee, *, par_acheteur=True):
    """The hours: per month (due pace vs done), by sector, by buyer, by type of consideration, by modality."""
    mois = indicateurs.heures_par_mois(portee)
    liste = [
        graphiques.depuis(graphiques.courbes, "heures-mois", mois),
        graphiques.depuis(graphiques.barres, "heures-secteur", indicateurs.heures_par_secteur(portee)),
    ]
    if par_acheteur and portee.acheteur_id is None:
        liste.append(graphiques.depuis(graphiques.barres, "heures-acheteur", indicateurs.heures_par_acheteur(portee)))
    types = indicateurs.heures_par_type(portee)
    liste.append(graphiques.depuis(graphiques.barres, "heures-type", types, colonnes_retenues=[1]))
    liste.append(graphiques.depuis(graphiques.anneau, "heures-modalite", indicateurs.heures_par_modalite(portee)))
    return liste


@memorise
def graphiques_personnes(portee, *, seuil=None):
    """The people (by sex, age band, level, criterion, QPV) and the contracts by type; ``seuil`` hides small cells."""
    profils = indicateurs.personnes_par_profil(portee, seuil=seuil)
    return [
        graphiques.depuis(graphiques.anneau, "personnes-sexe", profils["sexe"]),
        graphiques.depuis(graphiques.barres, "personnes-age", profils["age"]),
        graphiques.depuis(graphiques.barres, "personnes-niveau", profils["niveau"]),
        graphiques.depuis(graphiques.barres, "personnes-critere", profils["critere"]),
        graphiques.depuis(graphiques.anneau, "personnes-qpv", profils["qpv"]),
        graphiques.depuis(graphiques.barres, "contrats-type", indicateurs.contrats_par_type(portee, seuil=seuil)),
    ]


@memorise
def graphique_pnad(portee):
    """The share of each buyer's notified marchés with a social consideration (the PNAD target is 30 %)."""
    annee = portee.annee
    lignes = pnad_par_acheteur(guichet=portee.guichet, annee=annee)
    return graphiques.barres(
        "pnad-acheteur",
        f"Part des marchés notifiés en {annee} avec une considération sociale, par acheteur",
        [ligne["acheteur"].nom for ligne in lignes],
        [Serie("Part", [(ligne["part_consideration_sociale"] or 0) * 100 for ligne in lignes])],
        unite="%",
        note="Objectif national (PNAD 2022-2025) : 30 % des marchés notifiés.",
    )


# --- A buyer's dashboard -----------------------------------------------------------------------------------------


def _heures_dues_du_jour(aujourdhui):
    clause = Consideration.objects.filter(lot=OuterRef("pk"), type=TypeConsideration.CLAUSE_HEURES)
    return Subquery(clause.avec_heures_en_vigueur(aujourdhui).values("heures_en_vigueur")[:1])


def _ordre_risque():
    return Case(
        *(When(suivi__statut_risque=statut, then=Value(rang)) for rang, statut in enumerate(ORDRE_RISQUE)),
        default=Value(len(ORDRE_RISQUE)),
        output_field=IntegerField(),
    )


def _barres(lots):
    for lot in lots:
        suivi = getattr(lot, "suivi", None)
        lot.barre = (
            graphiques.progression(
                f"lot-{lot.pk}",
                f"Lot {lot.numero} du marché {lot.marche.reference}",
                suivi.taux_realisation,
                statut=suivi.statut_risque,
            )
            if suivi
            else None
        )
    return lots


def lots_acheteur(*, guichet, acheteur_id, aujourdhui=None):
    """The buyer's lots with an hours clause, the most at risk first, with their progress (``SuiviLot``) and a
    progress bar; and their number (two queries)."""
    aujourdhui = aujourdhui or timezone.localdate()
    clause = Consideration.objects.filter(lot=OuterRef("pk"), type=TypeConsideration.CLAUSE_HEURES)
    lots = Lot.objects.filter(guichet=guichet, marche__acheteur_id=acheteur_id).filter(Exists(clause))
    affiches = (
        lots.select_related("marche", "suivi")
        .annotate(heures_dues=_heures_dues_du_jour(aujourdhui), rang_risque=_ordre_risque())
        .order_by("rang_risque", "suivi__taux_realisation", "marche__reference", "numero")[:LOTS_AFFICHES]
    )
    return _barres(list(affiches)), lots.count()


def climat_acheteur(*, guichet, membre):
    """The buyer's marchés by Loi Climat status (one query): ``{statut: nombre}``."""
    comptes = marches_visibles(guichet=guichet, membre=membre).values("statut_climat").annotate(n=Count("pk"))
    return {StatutClimat(c["statut_climat"]): c["n"] for c in comptes.order_by()}


def conventions_acheteur(*, guichet, membre):
    """The buyer's conventions, the latest first (its conventions are few)."""
    return conventions_visibles(guichet=guichet, membre=membre).select_related("acheteur").order_by("-date_fin")[:5]


# --- A company's dashboard ---------------------------------------------------------------------------------------


def obligations_entreprise(*, guichet, entreprise_id, aujourdhui=None):
    """The lots whose hours the company owes (titulaire or co-traitant of an hours clause), each with its hours due
    today, the company's hours on it (its ledger) and the lot's progress; and the pooled totals (two queries)."""
    aujourdhui = aujourdhui or timezone.localdate()
    doit = Attribution.objects.filter(lot=OuterRef("pk"), entreprise_id=entreprise_id, role__in=ROLES_DEBITEURS)
    clause = Consideration.objects.filter(lot=OuterRef("pk"), type=TypeConsideration.CLAUSE_HEURES)
    siennes = Allocation.objects.filter(lot=OuterRef("pk"), entreprise_id=entreprise_id).values("lot")
    lots = (
        Lot.objects.filter(guichet=guichet)
        .filter(Exists(doit), Exists(clause))
        .avec_dates()
        .annotate(
            heures_dues=_heures_dues_du_jour(aujourdhui),
            heures_entreprise=Coalesce(
                Subquery(siennes.annotate(total=Sum("heures")).values("total")[:1]),
                Value(indicateurs.ZERO),
                output_field=DecimalField(),
            ),
        )
    )
    totaux = lots.aggregate(dues=Sum("heures_dues"), faites=Sum("heures_entreprise"))
    dues, faites = totaux["dues"] or indicateurs.ZERO, totaux["faites"] or indicateurs.ZERO
    liste = _barres(list(lots.select_related("marche__acheteur", "suivi").order_by("fin", "marche__reference")))
    return {
        "lots": liste,
        "heures_dues": dues,
        "heures_realisees": faites,
        "taux": indicateurs.taux(faites, dues),
        "reste": max(dues - faites, indicateurs.ZERO),
        "barre": graphiques.progression("obligations", "Obligations mutualisées", indicateurs.taux(faites, dues)),
    }


def prochain_releve(*, guichet, entreprise_id, jour_limite, aujourdhui=None):
    """The company's relevés due: those of the last three months not submitted while it owed hours on a running
    lot (late once their due date, ``jour_limite`` of the next month, has passed), then the current month's.
    Returns ``[{"periode", "libelle", "echeance", "en_retard"}]``, the oldest first (two queries)."""
    aujourdhui = aujourdhui or timezone.localdate()
    courant = aujourdhui.replace(day=1)
    mois = [ajouter_mois(courant, -k) for k in (3, 2, 1, 0)]
    doit = {
        f"m{i}": Exists(
            Attribution.objects.filter(
                entreprise=OuterRef("pk"),
                role__in=ROLES_DEBITEURS,
                lot__in=lots_en_cours(guichet=guichet, periode=periode).values("pk"),
            )
        )
        for i, periode in enumerate(mois)
    }
    en_cours = Entreprise.objects.filter(guichet=guichet, pk=entreprise_id).annotate(**doit).values(*doit).first()
    soumis = set(
        Releve.objects.filter(guichet=guichet, entreprise_id=entreprise_id, periode__in=mois)
        .exclude(statut=StatutReleve.BROUILLON)
        .values_list("periode", flat=True)
    )
    dus = []
    for i, periode in enumerate(mois):
        if en_cours and en_cours[f"m{i}"] and periode not in soumis:
            suivant = ajouter_mois(periode, 1)
            echeance = date(suivant.year, suivant.month, jour_limite)
            dus.append(
                {
                    "periode": periode,
                    "libelle": libelle_mois(periode),
                    "echeance": echeance,
                    "en_retard": aujourdhui > echeance,
                    "url": lien("releves", guichet),
                }
            )
    return dus


def lignes_rejetees(*, guichet, entreprise_id):
    """The company's rejected lines not yet corrected (no later relevé corrects theirs), the latest first, and
    their number (two queries)."""
    corrige = Releve.objects.filter(corrige=OuterRef("releve"))
    lignes = LigneReleve.objects.filter(
        guichet=guichet, releve__entreprise_id=entreprise_id, statut=StatutLigne.REJETE
    ).exclude(Exists(corrige))
    affichees = lignes.select_related("releve", "contrat__beneficiaire", "sous_traitant", "lot__marche").order_by(
        "-releve__periode", "date_debut", "pk"
    )[:LIGNES_REJETEES_AFFICHEES]
    return [(ligne, lien("releve", guichet, pk=ligne.releve_id)) for ligne in affichees], lignes.count()
