"""The demo's documents (``seed_demo``): one bilan of each kind, asked like a facilitator asks for them, so that a
newcomer finds PDFs on the « Bilans » page, on a marché's and a lot's pages, and in the buyer's and the company's
lists. They are produced by the worker that ``make run`` starts right after the seed (a few seconds each), through
the same task as any bilan: the seed stays quick, and the demo shows the progress of a real production."""

from django.db.models import Count, Q, Sum

from marches.models import Attribution, Lot, Marche

from . import services
from .enums import TypeBilan
from .indicateurs import DEBITEURS
from .models import Bilan


def charger(*, guichet, acheteur, entreprise, demandeur, aujourdhui):
    """The copil bilan of last year, ``acheteur``'s bilan of last year, the end-of-marché bilan of its marché with
    the most hours counted, and ``entreprise``'s attestation on the lot where it counted the most hours, asked by
    ``demandeur``. Once: a guichet that already has bilans is left as it is."""
    if Bilan.objects.filter(guichet=guichet).exists():
        return []

    def demander(type, annee=aujourdhui.year, **objets):
        return services.bilan_demander(guichet=guichet, type=type, annee=annee, acting_user=demandeur, **objets)

    bilans = [
        demander(TypeBilan.COPIL, annee=aujourdhui.year - 1),
        demander(TypeBilan.ACHETEUR, annee=aujourdhui.year - 1, acheteur=acheteur),
    ]
    marche = (
        Marche.objects.filter(guichet=guichet, acheteur=acheteur)
        .annotate(heures=Sum("lots__allocations__heures"))
        .filter(heures__gt=0)
        .order_by("-heures", "pk")
        .first()
    )
    if marche is not None:
        bilans.append(demander(TypeBilan.MARCHE, marche=marche))
    doit = Attribution.objects.filter(guichet=guichet, entreprise=entreprise, role__in=DEBITEURS).values("lot")
    lot = (
        Lot.objects.filter(guichet=guichet, pk__in=doit)
        .annotate(n=Count("allocations", filter=Q(allocations__entreprise=entreprise)))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .first()
    )
    if lot is not None:
        bilans.append(demander(TypeBilan.ATTESTATION, entreprise=entreprise, lot=lot))
    return bilans
