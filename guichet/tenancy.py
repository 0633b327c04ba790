"""Tenancy helpers: every tenant-owned table has a non-null ``guichet`` foreign key and a scoped manager.

django-scopes is the safety net (architecture.md, "Tenancy: defence in depth" §4): a query on a tenant
model outside a guichet scope raises ``ScopeError`` instead of leaking rows of another guichet.
"""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django_scopes.manager import DisabledQuerySet
from django_scopes.state import get_scope, state


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
    try:
        yield
    finally:
        state.reset(token)


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
