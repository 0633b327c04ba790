"""API of the entreprises app: ``entreprises/`` (the register of companies and structures inclusives)."""

from rest_framework import serializers, viewsets

from guichet.api.views import GuichetAPIMixin, ServiceViewSetMixin

from . import selectors, services
from .filters import EntrepriseFilter
from .models import CHAMPS_ENTREPRISE, Entreprise


class EntrepriseSerializer(serializers.ModelSerializer):
    # Typed with spaces or dots, the SIRET is compacted by the model before its key is checked.
    siret = serializers.CharField(max_length=20)
    structure_inclusive = serializers.BooleanField(source="est_structure_inclusive", read_only=True)
    nombre_lots = serializers.IntegerField(read_only=True)

    class Meta:
        model = Entreprise
        fields = ["id", *CHAMPS_ENTREPRISE, "siren", "structure_inclusive", "nombre_lots"]
        read_only_fields = ["siren"]


class EntrepriseViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """The guichet's companies; a company member reads its own record only. Deleting one that holds lots or
    has members is refused (400)."""

    serializer_class = EntrepriseSerializer
    permission_view = "entreprises.view"
    permission_change = "entreprises.change"
    filterset_class = EntrepriseFilter

    def tenant_queryset(self):
        return selectors.entreprises_visibles(guichet=self.guichet, membre=self.membre)

    def creer(self, **kwargs):
        return services.entreprise_create(**kwargs)

    def modifier(self, entreprise, **kwargs):
        return services.entreprise_update(entreprise=entreprise, **kwargs)

    def supprimer(self, entreprise, **kwargs):
        services.entreprise_delete(entreprise=entreprise, **kwargs)


ROUTES = [("entreprises", EntrepriseViewSet, "entreprise")]
