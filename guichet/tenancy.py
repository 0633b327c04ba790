"""Tenancy helpers: every tenant-owned table has a non-null ``guichet`` foreign key and a scoped manager.

The layers (architecture.md, "Tenancy: defence in depth"), from the URL down to the disk:

1. the guichet comes from the URL only, resolved by ``guichet.middleware.GuichetMiddleware`` (404 to non-members);
2. object lookups start from the guichet (selectors, ``get_object``), so "not yours" and "does not exist" are alike;
3. django-scopes is the safety net in Python: a query on a tenant model outside a guichet scope raises
   ``ScopeError`` instead of leaking rows of another guichet (``TenantManagerMixin``);
4. PostgreSQL row-level security is the last layer (``guichet.rls``): the application's database role sees and
   writes only the rows whose ``guichet_id`` is the one set in the current transaction, which
   ``guichet.rls.executer_sous_rls`` takes from the scope entered here. A raw SQL query, a forgotten filter or a
   manager that is not scoped still sees nothing of another guichet, and nothing at all outside a scope.

Entering a scope is therefore what opens a guichet's rows, at both levels:

* ``guichet_scope(id)``: one guichet (requests through the middleware, tasks through ``GuichetTask``);
* ``pour_chaque_guichet(motif)``: the jobs that serve every guichet (Celery beat) take them one at a time, each in
  its own scope: the database is never opened wider than one guichet; the run is recorded (``AccesTousGuichets``);
* ``tous_guichets(motif)``: the only way to read or write several guichets in one query; it lifts the policy
  (``app.tous_guichets``) and django-scopes for the block and is recorded too. Nothing in the application needs it
  today; it is the explicit door for a maintenance script or a future national consolidation.

``scopes_disabled()`` of django-scopes lifts only the Python layer: PostgreSQL still shows nothing.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django_scopes import scopes_disabled
from django_scopes.manager import DisabledQuerySet
from django_scopes.state import get_scope, state

# What the database must let through: a guichet id, TOUS, or None (nothing). Read by guichet.rls before each query.
TOUS = "tous"
_tous_guichets = ContextVar("tous_guichets", default=False)


class TenantManagerMixin:
    """Filters every query on the active guichet; outside a guichet scope, any query raises ``ScopeError``.

    Same contract as django-scopes' ``ScopedManager`` with two differences we rely on: ``.all()`` outside a
    scope returns the refusing queryset instead of raising at once (django-filter and DRF build querysets
    at import time, unevaluated), and a scope whose guichet is ``None`` refuses instead of showing every row.
    """

    def get_queryset(self):
        current = get_scope()
        if not current.get("_enabled", True):
            return super().get_queryset()
        guichet_id = current.get("guichet")
        if guichet_id is None:
            return DisabledQuerySet(self.model, using=self._db, missing_scopes=["guichet"])
        return super().get_queryset().filter(guichet=guichet_id)


def scoped_manager(queryset_class=models.QuerySet):
    """The default manager of a tenant model, with the model's own QuerySet vocabulary."""
    manager_class = type("TenantManager", (TenantManagerMixin, models.Manager.from_queryset(queryset_class)), {})
    return manager_class()


@contextmanager
def guichet_scope(guichet_id):
    """Enter exactly the scope of one guichet (or of none, with ``None``), whatever surrounds the call.

    django-scopes' own ``scope()`` merges with the enclosing scope; a request or a task must not inherit
    one (a test's, a previous task's), so we replace the state instead. With ``None`` no guichet is active
    and every tenant query raises.
    """
    new = {"_enabled": True}
    if guichet_id is not None:
        new["guichet"] = guichet_id
    token = state.set(new)
    # Inside ``tous_guichets``, entering one guichet narrows the database to it as well.
    tous = _tous_guichets.set(False)
    try:
        yield
    finally:
        _tous_guichets.reset(tous)
        state.reset(token)


def reglage_courant():
    """What PostgreSQL must let the current code see (``guichet.rls``): ``TOUS``, a guichet id, or None."""
    if _tous_guichets.get():
        return TOUS
    current = get_scope()
    guichet = current.get("guichet") if current.get("_enabled", True) else None
    return getattr(guichet, "pk", guichet)


def _tracer(*, motif, acteur, mode, **details):
    from .models import AccesTousGuichets

    if not motif or not motif.strip():
        raise ValueError("Un accès à plusieurs guichets demande un motif.")
    return AccesTousGuichets.objects.create(
        motif=motif,
        acteur=acteur if acteur is not None and acteur.is_authenticated else None,
        mode=mode,
        details=details,
    )


def pour_chaque_guichet(motif, *, acteur=None, actifs=True):
    """The guichets (the active ones, unless ``actifs=False``) one after the other, each inside its own
    ``guichet_scope`` (yields the ``Guichet``).

    The path of the jobs that serve every guichet (Celery beat): the database never shows them more than the guichet
    at hand, and one entry of ``AccesTousGuichets`` records the run (its motif, the number of guichets)."""
    from .enums import ModeAcces
    from .models import Guichet

    guichets = Guichet.objects.order_by("pk")
    guichets = list(guichets.filter(actif=True) if actifs else guichets)
    _tracer(motif=motif, acteur=acteur, mode=ModeAcces.GUICHET_PAR_GUICHET, guichets=len(guichets))
    for guichet in guichets:
        with guichet_scope(guichet.pk):
            yield guichet


@contextmanager
def tous_guichets(motif, *, acteur=None):
    """Every guichet at once, in both layers: django-scopes disabled and ``app.tous_guichets = on`` in each
    transaction of the block. The one explicit door across guichets; each use is recorded (``AccesTousGuichets``,
    written in the transaction around the call, like every audit entry)."""
    from .enums import ModeAcces

    _tracer(motif=motif, acteur=acteur, mode=ModeAcces.TOUS)
    token = _tous_guichets.set(True)
    try:
        with scopes_disabled():
            yield
    finally:
        _tous_guichets.reset(token)


class TenantModel(models.Model):
    guichet = models.ForeignKey("guichet.Guichet", on_delete=models.CASCADE, related_name="+", editable=False)

    objects = scoped_manager()

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        """Put a per-guichet uniqueness error on the field the user typed, not on top of the form.

        Django files a violated ``UniqueConstraint(fields=["guichet", "nom"])`` under the non-field errors,
        because two fields are involved; but the guichet is never typed (it comes from the URL), so the
        message belongs to ``nom`` (and to ``{"nom": [...]}`` in the API).
        """
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    typed = [name for name in getattr(constraint, "fields", ()) if name != "guichet"]
                    key = typed[0] if len(typed) == 1 else NON_FIELD_ERRORS
                    errors.setdefault(key, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


def champs_modifiables(model, exclure=()):
    """The fields a user may set on a tenant model: the list shared by its forms, serializers and services."""
    return [
        f.name
        for f in model._meta.local_fields
        if f.editable and not f.primary_key and f.name != "guichet" and f.name not in exclure
    ]


def ensure_same_guichet(guichet, *objects):
    """Services refuse to link objects of two guichets (architecture.md, tenancy §1)."""
    for obj in objects:
        if obj is not None and obj.guichet_id != guichet.pk:
            raise ValidationError("Cet objet n'appartient pas à ce guichet.")
