from rest_framework import serializers


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
