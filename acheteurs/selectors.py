"""Reads of the acheteurs app. They start from the guichet and from the member: a buyer member sees only
its own buyer, its contacts and its programme (architecture.md, tenancy §6)."""

from guichet.enums import Role

from .models import AchatPrevu, Acheteur, Contact, Programmation


def restreindre_a_son_acheteur(queryset, *, membre, champ="acheteur"):
    """What a member may read of ``queryset``: a buyer member, only the rows of its own buyer (``champ`` is
    the path to the buyer's id); every other role that passed the permission check, everything."""
    if membre.role == Role.ACHETEUR:
        return queryset.filter(**{champ: membre.acheteur_id})
    return queryset


def acheteurs_visibles(*, guichet, membre):
    return restreindre_a_son_acheteur(Acheteur.objects.filter(guichet=guichet), membre=membre, champ="pk")


def contacts_visibles(*, guichet, membre):
    return restreindre_a_son_acheteur(Contact.objects.filter(guichet=guichet), membre=membre).select_related("acheteur")


def programmations_visibles(*, guichet, membre):
    # Aggregates drop Meta.ordering: order explicitly.
    programmations = (
        Programmation.objects.filter(guichet=guichet)
        .select_related("acheteur")
        .avec_totaux()
        .order_by("-annee", "acheteur__nom")
    )
    return restreindre_a_son_acheteur(programmations, membre=membre)


def achats_prevus_visibles(*, guichet, membre):
    achats = AchatPrevu.objects.filter(guichet=guichet).select_related("programmation__acheteur", "marche")
    return restreindre_a_son_acheteur(achats, membre=membre, champ="programmation__acheteur")
