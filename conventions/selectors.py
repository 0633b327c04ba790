"""Reads of the conventions app. They start from the guichet and the member: a buyer member reads only its
own buyer's conventions, and no animation event (see ``guichet.permissions``)."""

from django.db.models import DateField, F, Prefetch, Value
from django.utils import timezone

from acheteurs.models import Acheteur
from acheteurs.selectors import restreindre_a_son_acheteur
from guichet.selectors import parametres_of

from .models import Convention, DocumentEvenement, Evenement


def conventions_visibles(*, guichet, membre, aujourdhui=None):
    conventions = Convention.objects.filter(guichet=guichet).select_related("acheteur")
    conventions = conventions.avec_etat(aujourdhui or timezone.localdate())
    return restreindre_a_son_acheteur(conventions, membre=membre)


def conventions_a_echeance(*, guichet, aujourdhui=None):
    """Signed conventions ending within the guichet's warning period (``alerte_fin_convention_jours``),
    soonest first, with ``jours_restants`` (a timedelta). Read by the home page, the daily warning job
    and the dashboard."""
    aujourdhui = aujourdhui or timezone.localdate()
    jours = parametres_of(guichet=guichet).alerte_fin_convention_jours
    return (
        Convention.objects.filter(guichet=guichet)
        .arrivant_a_echeance(aujourdhui, jours)
        .avec_etat(aujourdhui)
        .select_related("acheteur")
        .annotate(jours_restants=F("date_fin") - Value(aujourdhui, output_field=DateField()))
        .order_by("date_fin", "reference")
    )


def evenements_visibles(*, guichet, membre):
    """Events with their buyers (by name) and documents, most recent first."""
    if not membre.has_perm("animation.view"):
        return Evenement.objects.none()
    return Evenement.objects.filter(guichet=guichet).prefetch_related(
        Prefetch("acheteurs", queryset=Acheteur.objects.order_by("nom")), "documents"
    )


def documents_evenement_visibles(*, guichet, membre):
    if not membre.has_perm("animation.view"):
        return DocumentEvenement.objects.none()
    return DocumentEvenement.objects.filter(guichet=guichet)


def chronologie(evenements, aujourdhui=None):
    """Split events (most recent first) into those to come, soonest first, and past ones, most recent first."""
    aujourdhui = aujourdhui or timezone.localdate()
    evenements = list(evenements)
    a_venir = [evenement for evenement in reversed(evenements) if evenement.date >= aujourdhui]
    passes = [evenement for evenement in evenements if evenement.date < aujourdhui]
    return {"a_venir": a_venir, "passes": passes}
