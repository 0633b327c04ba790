"""What the facilitators must fix, for the dashboard: each alert counts in SQL, names its first few objects and
leads to the page where it is fixed. Existing selectors are reused (conventions, publics, Loi Climat)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from conventions.selectors import conventions_a_echeance
from entreprises.enums import StatutReleve, StatutRisque
from entreprises.models import Releve, SuiviLot
from entreprises.selectors import releves_manquants
from guichet.dates import ajouter_mois, libelle_mois
from guichet.selectors import parametres_of
from marches.selectors import marches_non_conformes_climat
from publics.selectors import eligibilites_a_echeance, nombre_sorties_a_saisir

from .indicateurs import empreinte, memoriser

# How many objects an alert names before « et N autres ».
APERCU = 5


def lien(nom, guichet, **kwargs):
    """The URL of a page of the guichet (where an alert is fixed)."""
    return reverse(nom, kwargs={"guichet_slug": guichet.slug, **kwargs})


@dataclass
class Alerte:
    cle: str
    niveau: str  # "rouge", "orange" or "info": the order of urgency
    nombre: int
    libelle: str  # « 3 lots à risque »
    url: str | None = None  # the list where it is fixed
    elements: list = field(default_factory=list)  # [(text, url or None, detail)]

    @property
    def autres(self):
        return max(self.nombre - len(self.elements), 0)


def _pluriel(nombre, singulier, pluriel):
    return f"{nombre} {singulier if nombre == 1 else pluriel}"


# --- Relevés: late and waiting -----------------------------------------------------------------------------------


def periode_en_retard(aujourdhui, jour_limite) -> date:
    """The latest month whose relevé is late: the relevé of month M is due by ``jour_limite`` of M+1."""
    precedent = ajouter_mois(aujourdhui.replace(day=1), -1)
    return precedent if aujourdhui.day > jour_limite else ajouter_mois(precedent, -1)


# --- The facilitators' alerts ------------------------------------------------------------------------------------


def _lots_a_risque(guichet):
    suivis = SuiviLot.objects.filter(guichet=guichet, statut_risque__in=[StatutRisque.ROUGE, StatutRisque.ORANGE])
    comptes = suivis.aggregate(
        rouge=Count("pk", filter=Q(statut_risque=StatutRisque.ROUGE)),
        orange=Count("pk", filter=Q(statut_risque=StatutRisque.ORANGE)),
    )
    alertes = []
    for statut, mot in ((StatutRisque.ROUGE, "à risque"), (StatutRisque.ORANGE, "en retard")):
        premiers = (
            suivis.filter(statut_risque=statut)
            .select_related("lot__marche__acheteur")
            .order_by("taux_realisation", "lot_id")[:APERCU]
        )
        alertes.append(
            Alerte(
                cle=f"lots_{statut}",
                niveau=statut,
                nombre=comptes[statut],
                libelle=f"{_pluriel(comptes[statut], 'lot', 'lots')} {mot}",
                elements=[
                    (
                        f"{s.lot.marche.reference} lot {s.lot.numero} ({s.lot.marche.acheteur.nom})",
                        lien("lot", guichet, pk=s.lot_id),
                        f"{round((s.taux_realisation or 0) * 100)} % réalisé",
                    )
                    for s in premiers
                ],
            )
        )
    return alertes


def _releves_a_valider(guichet):
    soumis = Releve.objects.filter(guichet=guichet, statut=StatutReleve.SOUMIS)
    nombre = soumis.count()
    premiers = soumis.select_related("entreprise").order_by("soumis_le", "pk")[:APERCU]
    return Alerte(
        cle="releves_a_valider",
        niveau="orange",
        nombre=nombre,
        libelle=f"{_pluriel(nombre, 'relevé', 'relevés')} à valider",
        url=lien("releves_a_valider", guichet),
        elements=[
            (f"{r.entreprise.raison_sociale}, {libelle_mois(r.periode)}", lien("releve", guichet, pk=r.pk), "")
            for r in premiers
        ],
    )


def _releves_manquants(guichet, aujourdhui, parametres):
    periode = periode_en_retard(aujourdhui, parametres.jour_limite_releve)
    manquants = releves_manquants(guichet=guichet, periode=periode)
    nombre = manquants.count()
    return Alerte(
        cle="releves_manquants",
        niveau="orange",
        nombre=nombre,
        libelle=f"{_pluriel(nombre, 'relevé manquant', 'relevés manquants')} pour {libelle_mois(periode)}",
        url=lien("releves_manquants", guichet),
        elements=[(e.raison_sociale, lien("entreprise", guichet, pk=e.pk), "") for e in manquants[:APERCU]],
    )


def alertes_facilitateur(*, guichet, membre, aujourdhui=None, lire_empreinte=None) -> list:
    """Every alert of the guichet for its facilitators, in order of urgency, the empty ones left out (a constant
    number of queries), kept like the indicators until the data changes (or the day). ``lire_empreinte``: the data's
    fingerprint when the caller has read it already (``Portee.empreinte``)."""
    aujourdhui = aujourdhui or timezone.localdate()
    cle = ("alertes", guichet.pk, membre.role, aujourdhui)
    lire_empreinte = lire_empreinte or (lambda: empreinte(guichet))
    return memoriser(cle, lire_empreinte, lambda: _alertes(guichet, membre, aujourdhui))


def _alertes(guichet, membre, aujourdhui):
    parametres = parametres_of(guichet=guichet)
    alertes = [
        *_lots_a_risque(guichet),
        _releves_a_valider(guichet),
        _releves_manquants(guichet, aujourdhui, parametres),
    ]
    eligibilites = eligibilites_a_echeance(guichet=guichet, aujourdhui=aujourdhui).count()
    alertes.append(
        Alerte(
            "eligibilites",
            "info",
            eligibilites,
            f"{_pluriel(eligibilites, 'éligibilité expire', 'éligibilités expirent')} dans les 30 jours",
            url=lien("eligibilites_echeances", guichet),
        )
    )
    sorties = nombre_sorties_a_saisir(guichet=guichet, aujourdhui=aujourdhui)
    alertes.append(
        Alerte(
            "sorties",
            "info",
            sorties,
            f"{_pluriel(sorties, 'sortie', 'sorties')} à enregistrer",
            url=lien("sorties_a_saisir", guichet),
        )
    )
    conventions = list(conventions_a_echeance(guichet=guichet, aujourdhui=aujourdhui))
    alertes.append(
        Alerte(
            "conventions",
            "info",
            len(conventions),
            f"{_pluriel(len(conventions), 'convention arrive', 'conventions arrivent')} à échéance",
            url=lien("conventions", guichet),
            elements=[
                (
                    f"{c.reference} ({c.acheteur.nom})",
                    lien("convention", guichet, pk=c.pk),
                    f"{'reconduction tacite après le' if c.reconductible else 'fin le'} {c.date_fin:%d/%m/%Y} "
                    f"(dans {_pluriel(c.jours_restants.days, 'jour', 'jours')})",
                )
                for c in conventions[:APERCU]
            ],
        )
    )
    climat = marches_non_conformes_climat(guichet=guichet, membre=membre)
    nombre = climat.count()
    liste = lien("marches", guichet)
    alertes.append(
        Alerte(
            "climat",
            "orange",
            nombre,
            f"{_pluriel(nombre, 'marché', 'marchés')} sans considération sociale ni motif (loi Climat)",
            url=f"{liste}?climat=non_conforme" if liste else None,
            elements=[(m.reference, lien("marche", guichet, pk=m.pk), m.acheteur.nom) for m in climat[:APERCU]],
        )
    )
    return [alerte for alerte in alertes if alerte.nombre]
