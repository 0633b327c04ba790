"""What each dashboard shows, read from ``indicateurs`` (the figures) and drawn by ``graphiques`` (the pictures),
plus the lists proper to a buyer (its lots and their progress) and to a company (its obligations, its next relevé,
its rejected lines: read from ``entreprises.selectors`` like its space and its page). Every function makes a fixed
number of queries; the charts are kept in the cache like the figures (``indicateurs.memorise``), pictures and tables
drawn once per change of the data."""

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Value, When
from django.utils import timezone

from conventions.selectors import conventions_visibles
from entreprises.enums import StatutRisque
from entreprises.selectors import lignes_a_corriger, obligations_entreprise, releves_dus
from guichet.enums import TypeConsideration
from marches.enums import StatutClimat
from marches.models import Consideration, Lot
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
        .avec_heures_du_jour(aujourdhui)
        .annotate(rang_risque=_ordre_risque())
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


def tableau_entreprise(*, guichet, entreprise_id, jour_limite, aujourdhui=None):
    """A company's own lists, read from ``entreprises.selectors.obligations_entreprise`` like its space and its page:
    the lots it owes with a progress bar, the pooled totals and their bar, its relevés due (each with the page where
    it is sent) and its rejected lines to fix (each with its relevé's page)."""
    obligations = obligations_entreprise(guichet=guichet, entreprise_id=entreprise_id, aujourdhui=aujourdhui)
    obligations["lots_dus"] = _barres(obligations["lots_dus"])
    obligations["barre"] = graphiques.progression("obligations", "Obligations mutualisées", obligations["taux"])
    dus = releves_dus(guichet=guichet, entreprise_id=entreprise_id, jour_limite=jour_limite, aujourdhui=aujourdhui)
    lignes, nombre = lignes_a_corriger(guichet=guichet, entreprise_id=entreprise_id, limite=LIGNES_REJETEES_AFFICHEES)
    return {
        "obligations": obligations,
        "releves_dus": [{**du, "url": lien("releves", guichet)} for du in dus],
        "lignes_rejetees": [(ligne, lien("releve", guichet, pk=ligne.releve_id)) for ligne in lignes],
        "nombre_lignes_rejetees": nombre,
    }
