"""Reads of the marchés app. They start from the guichet and the member: a buyer member reads its own buyer's
marchés (and their lots, considerations and attributions), a company member the lots it holds, its marchés and
its own attributions (architecture.md, tenancy §6)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from acheteurs.models import Acheteur
from guichet.enums import Role
from guichet.selectors import parametres_of

from .enums import StatutClimat
from .models import Attribution, AvenantHeures, Consideration, Lot, Marche, Operation


def _restreindre(queryset, *, membre, acheteur, lot):
    """A buyer member: the rows whose marché is its buyer's (``acheteur``: path to the buyer's id). A company
    member: the rows of a lot it holds (``lot``: the path from an attribution to the row)."""
    if membre.role == Role.ACHETEUR:
        return queryset.filter(**{acheteur: membre.acheteur_id})
    if membre.role == Role.ENTREPRISE:
        tenus = Attribution.objects.filter(entreprise_id=membre.entreprise_id, **{lot: OuterRef("pk")})
        return queryset.filter(Exists(tenus))
    return queryset


def operations_visibles(*, guichet, membre):
    return _restreindre(
        Operation.objects.filter(guichet=guichet),
        membre=membre,
        acheteur="marches__acheteur",
        lot="lot__marche__operation",
    ).distinct()


def marches_visibles(*, guichet, membre):
    """The marchés with their year, counts, types of consideration and Loi Climat status (all in SQL)."""
    marches = (
        Marche.objects.filter(guichet=guichet)
        .select_related("acheteur", "operation")
        .avec_annee()
        .avec_resume()
        .avec_climat(parametres_of(guichet=guichet))
    )
    return _restreindre(marches, membre=membre, acheteur="acheteur", lot="lot__marche")


def lots_visibles(*, guichet, membre):
    lots = Lot.objects.filter(guichet=guichet).select_related("marche__acheteur").avec_resume()
    return _restreindre(lots, membre=membre, acheteur="marche__acheteur", lot="lot")


def considerations_visibles(*, guichet, membre):
    considerations = (
        Consideration.objects.filter(guichet=guichet)
        .select_related("lot__marche")
        .prefetch_related(Prefetch("avenants", queryset=AvenantHeures.objects.order_by("date_effet")))
    )
    return _restreindre(
        considerations, membre=membre, acheteur="lot__marche__acheteur", lot="lot__considerations"
    ).order_by("lot_id", "type")


def avenants_visibles(*, guichet, membre):
    avenants = AvenantHeures.objects.filter(guichet=guichet).select_related("consideration__lot__marche")
    return _restreindre(
        avenants, membre=membre, acheteur="consideration__lot__marche__acheteur", lot="lot__considerations__avenants"
    )


def attributions_visibles(*, guichet, membre):
    """A company member reads its own attributions only (not the amounts of its partners)."""
    attributions = Attribution.objects.filter(guichet=guichet).select_related("entreprise", "lot__marche")
    if membre.role == Role.ENTREPRISE:
        return attributions.filter(entreprise_id=membre.entreprise_id)
    return _restreindre(attributions, membre=membre, acheteur="lot__marche__acheteur", lot="lot__attributions")


def lots_sans_clause_heures(*, guichet):
    """The lots a simulated clause may be created on (a lot carries one hours clause at most)."""
    clause = Consideration.objects.clauses_heures().filter(lot=OuterRef("pk"))
    return (
        Lot.objects.filter(guichet=guichet)
        .exclude(Exists(clause))
        .select_related("marche")
        .order_by("marche__reference", "numero")
    )


# --- Loi Climat and the national target (PNAD) ---------------------------------------------------------


def marches_non_conformes_climat(*, guichet, membre):
    """Marchés launched since the obligation, above the EU threshold, with no social consideration and no
    recorded motive (CCP L2112-2-1)."""
    return non_conformes_climat(marches_visibles(guichet=guichet, membre=membre))


def non_conformes_climat(marches):
    """Those of ``marches`` (``marches_visibles``) that miss the Loi Climat obligation."""
    return marches.filter(statut_climat=StatutClimat.NON_CONFORME)


def _part(avec, total):
    if not total:
        return None
    return (Decimal(avec) / Decimal(total)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def pnad(*, guichet, annee, acheteur=None) -> dict:
    """The share of the marchés notified in ``annee`` (of one buyer, or of all) with at least one social
    consideration: the PNAD 2022-2025 target is 30 % (domain.md §2). Names of the ``indicateurs/`` API."""
    marches = Marche.objects.filter(guichet=guichet, date_notification__year=annee).avec_consideration()
    if acheteur is not None:
        marches = marches.filter(acheteur=acheteur)
    totaux = marches.aggregate(total=Count("pk"), avec=Count("pk", filter=Q(a_consideration=True)))
    return {
        "marches_notifies": totaux["total"],
        "marches_avec_consideration_sociale": totaux["avec"],
        "part_consideration_sociale": _part(totaux["avec"], totaux["total"]),
    }


def pnad_par_acheteur(*, guichet, annee):
    """The PNAD share of each buyer that notified marchés in ``annee``, in one query (by buyer name)."""
    lignes = (
        Acheteur.objects.filter(guichet=guichet, marches__date_notification__year=annee)
        .annotate(
            marches_notifies=Count("marches", distinct=True),
            marches_avec_consideration_sociale=Count(
                "marches",
                distinct=True,
                filter=Q(marches__lots__considerations__isnull=False),
            ),
        )
        .order_by("nom")
    )
    return [
        {
            "acheteur": acheteur,
            "marches_notifies": acheteur.marches_notifies,
            "marches_avec_consideration_sociale": acheteur.marches_avec_consideration_sociale,
            "part_consideration_sociale": _part(acheteur.marches_avec_consideration_sociale, acheteur.marches_notifies),
        }
        for acheteur in lignes
    ]
