from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..dates import DATE_MAX, DATE_MIN, HORS_PLAGE


class TenantPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A foreign key to a tenant model, looked up inside the request's guichet scope.

    The queryset is taken at validation time (the scoped manager refuses to be evaluated at import), so an
    id of another guichet answers "n'existe pas" exactly like an unknown id.
    """

    def __init__(self, model, **kwargs):
        self.model = model
        kwargs.setdefault("queryset", model._base_manager.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.all()


class FichierPriveField(serializers.FileField):
    """A private file: written as an upload, read as the URL of the API view that checks rights before
    serving it (never the storage path). ``url_kwargs(obj)`` gives that route's kwargs from the object
    holding the file (default: its pk); ``null`` on write removes the file."""

    def __init__(self, url_name, url_kwargs=None, **kwargs):
        self.url_name = url_name
        self.url_kwargs = url_kwargs or (lambda obj: {"pk": obj.pk})
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if not value:
            return None
        request = self.context["request"]
        kwargs = {"guichet_slug": request._request.guichet.slug, **self.url_kwargs(value.instance)}
        return request.build_absolute_uri(reverse(self.url_name, kwargs=kwargs))


@extend_schema_field(OpenApiTypes.INT)
class HeuresEntieresField(serializers.DecimalField):
    """Hours due, whole hours by definition (the calibration rounds them to the hour, domain.md §3): read as a
    JSON integer (``833``), so that ``833`` compares equal however the client reads numbers; written as a
    number or a decimal string, like every decimal of the API."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value is None else int(value)


class DateField(serializers.DateField):
    """A date of the API: ISO 8601 (``AAAA-MM-JJ``), from 1900 to 2199 (``guichet.dates.DATE_MIN``, ``DATE_MAX``).
    Every model date of a ``ModelSerializer``
    (``guichet.api.serializers.ModelSerializer``) is one."""

    default_error_messages = {"hors_plage": HORS_PLAGE}

    def to_internal_value(self, value):
        jour = super().to_internal_value(value)
        if not DATE_MIN <= jour <= DATE_MAX:
            self.fail("hors_plage")
        return jour
