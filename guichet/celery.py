"""The Celery application and the base class of every tenant task (architecture.md, tenancy §5)."""

import logging
import os
from contextvars import ContextVar

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.exceptions import Retry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.settings")

app = Celery("guichet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)
_tache_courante: ContextVar = ContextVar("tache_courante", default=None)


class GuichetTask(DjangoTask):
    """Base of tenant tasks: ``run(guichet_id, *primary keys)``, never model instances.

    The task re-enters the guichet's scope, so the scoped managers work as in a request, and PostgreSQL's row-level
    security shows it that guichet only (guichet/rls.py sets ``app.guichet_id`` at the start of each transaction the
    task opens). The task is not wrapped in one transaction: its progress must be visible while it runs, and the
    recompute commits in steps of its own, each holding its own locks. Started through
    ``guichet.services.tache_lancer`` it also receives ``tache_id``: its ``Tache`` row then records the
    state (en_cours → termine | echec), the progress reported with ``self.progression(pct)`` and the
    returned dict as ``resultat``, so the API can answer ``taches/<id>/`` from the database.
    """

    abstract = True
    # ``tache_id`` is consumed by ``__call__``, not by ``run``: skip Celery's signature check at send time.
    typing = False

    def __call__(self, guichet_id, *args, tache_id=None, **kwargs):
        from .models import EtatTache, Tache
        from .tenancy import guichet_scope

        with guichet_scope(guichet_id):
            if tache_id is None:
                return super().__call__(guichet_id, *args, **kwargs)
            taches = Tache.objects.filter(pk=tache_id)
            taches.update(etat=EtatTache.EN_COURS, progression=0, erreur=None)
            token = _tache_courante.set(tache_id)
            try:
                resultat = super().__call__(guichet_id, *args, **kwargs)
            except Retry:
                # Sent again later (``autoretry_for``) with the same ``tache_id``: it waits, it has not failed.
                taches.update(etat=EtatTache.EN_ATTENTE)
                raise
            except Exception as exc:
                logger.exception("Tâche %s (%s) en échec", tache_id, self.name)
                taches.update(etat=EtatTache.ECHEC, erreur=_message_erreur(exc))
                return None
            finally:
                _tache_courante.reset(token)
            taches.update(etat=EtatTache.TERMINE, progression=100, resultat=resultat or {})
            return resultat

    def tache_id(self):
        """The id of the ``Tache`` this run reports to, or None."""
        return _tache_courante.get()

    def progression(self, pct):
        """Report progress (0–100) of the current tracked task; a no-op when the task is not tracked."""
        tache_id = _tache_courante.get()
        if tache_id is not None:
            from .models import Tache

            Tache.objects.filter(pk=tache_id).update(progression=max(0, min(100, int(pct))))


def _message_erreur(exc):
    """The message shown to the user: ours are written in French for them; anything else stays generic."""
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return "Une erreur interne a interrompu la tâche ; l'équipe technique a été prévenue."
