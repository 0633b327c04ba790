"""Reads of the guichet app. Tenant reads start from the guichet (or run inside its scope)."""

from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL

from .enums import Role
from .models import DeuxFacteurs, Guichet, JournalAudit, Membre, Parametres, Tache
from .permissions import role_has_perm


def guichets_of_user(*, user):
    """The guichets where the user is an active member: the one cross-tenant read, bound to the user.

    Through the database function ``guichets_du_membre`` (migration 0008), since row-level security shows no
    membership outside a guichet (guichet/rls.py)."""
    return Guichet.objects.filter(actif=True, pk__in=RawSQL("SELECT guichets_du_membre(%s)", [user.pk]))


def parametres_of(*, guichet) -> Parametres:
    return Parametres.objects.get(guichet=guichet)


def membres_list(*, guichet):
    """The members, with whether their second factor is active (the admins' member page shows it)."""
    actif = DeuxFacteurs.objects.filter(utilisateur=OuterRef("utilisateur"), confirme_le__isnull=False)
    return (
        Membre.objects.filter(guichet=guichet)
        .select_related("utilisateur", "acheteur", "entreprise")
        .annotate(deux_facteurs_active=Exists(actif))
    )


def membres_avec_permission(*, guichet, code):
    """Active members whose role grants ``code``: who to warn about what they can act on."""
    roles = [role for role in Role if role_has_perm(role, code)]
    return membres_list(guichet=guichet).filter(actif=True, role__in=roles, utilisateur__is_active=True)


def a_la_permission(*, guichet, utilisateur, code) -> bool:
    """Whether ``utilisateur`` is an active member of ``guichet`` whose role grants ``code``: for the services whose
    rule depends on who acts (they receive the user, not the membership)."""
    if utilisateur is None or not utilisateur.is_authenticated:
        return False
    membre = Membre.objects.filter(guichet=guichet, utilisateur=utilisateur).first()
    return membre is not None and membre.has_perm(code)


def journal_list(*, guichet):
    return JournalAudit.objects.filter(guichet=guichet).select_related("acteur")


def taches_visible(*, guichet, membre):
    """Admins and facilitators follow every task of the guichet; other members only their own."""
    taches = Tache.objects.filter(guichet=guichet)
    if not membre.has_perm("taches.view_all"):
        taches = taches.filter(cree_par_id=membre.utilisateur_id)
    return taches
