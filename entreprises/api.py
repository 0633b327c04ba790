"""API of the entreprises app: ``entreprises/`` (the register of companies and structures inclusives) and
``contacts-entreprises/`` (their contacts); the hours ledger ``allocations/`` and ``exclusions/``, the lots'
progress (``SuiviSerializer``, read at ``lots/<id>/suivi/``) and ``recalculs/``."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets

from guichet.api.fields import TenantPrimaryKeyField
from guichet.api.serializers import TacheLanceeSerializer
from guichet.api.views import GuichetAPIMixin, ServiceViewSetMixin, tache_acceptee

from . import selectors, services
from .decompte import CHAMPS_SUIVI
from .filters import ContactEntrepriseFilter, EntrepriseFilter, GrandLivreFilter
from .models import (
    CHAMPS_CONTACT_ENTREPRISE,
    CHAMPS_ENTREPRISE,
    Allocation,
    ContactEntreprise,
    Entreprise,
    Exclusion,
    SuiviLot,
)
from .moteur import Motif


class ContactEntrepriseSerializer(serializers.ModelSerializer):
    entreprise = TenantPrimaryKeyField(Entreprise)

    class Meta:
        model = ContactEntreprise
        fields = ["id", *CHAMPS_CONTACT_ENTREPRISE]
        # DRF would refuse a second principal contact; the service makes the new one replace the former.
        validators = []


class EntrepriseSerializer(serializers.ModelSerializer):
    # Typed with spaces or dots, the SIRET is compacted by the model before its key is checked.
    siret = serializers.CharField(max_length=20)
    structure_inclusive = serializers.BooleanField(source="est_structure_inclusive", read_only=True)
    nombre_lots = serializers.IntegerField(read_only=True)
    contacts = ContactEntrepriseSerializer(many=True, read_only=True)

    class Meta:
        model = Entreprise
        fields = ["id", *CHAMPS_ENTREPRISE, "siren", "structure_inclusive", "nombre_lots", "contacts"]
        read_only_fields = ["siren"]


class EntrepriseViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """The guichet's companies, with their contacts (written at ``contacts-entreprises/``); a company member reads
    its own record only. Deleting one that holds lots or has members is refused (400)."""

    serializer_class = EntrepriseSerializer
    permission_view = "entreprises.view"
    permission_change = "entreprises.change"
    filterset_class = EntrepriseFilter

    def tenant_queryset(self):
        return selectors.entreprises_visibles(guichet=self.guichet, membre=self.membre).prefetch_related("contacts")

    def creer(self, **kwargs):
        return services.entreprise_create(**kwargs)

    def modifier(self, entreprise, **kwargs):
        return services.entreprise_update(entreprise=entreprise, **kwargs)

    def supprimer(self, entreprise, **kwargs):
        services.entreprise_delete(entreprise=entreprise, **kwargs)


class ContactEntrepriseViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """The people to contact at the companies; a company member reads its own company's."""

    serializer_class = ContactEntrepriseSerializer
    permission_view = "entreprises.view"
    permission_change = "entreprises.change"
    filterset_class = ContactEntrepriseFilter

    def tenant_queryset(self):
        return selectors.contacts_visibles(guichet=self.guichet, membre=self.membre)

    def creer(self, **kwargs):
        return services.contact_entreprise_create(**kwargs)

    def modifier(self, contact, **kwargs):
        return services.contact_entreprise_update(contact=contact, **kwargs)

    def supprimer(self, contact, **kwargs):
        services.contact_entreprise_delete(contact=contact, **kwargs)


# --- The hours ledger, the lots' progress, the recompute ---------------------------------------------------


class SuiviSerializer(serializers.ModelSerializer):
    """``lots/<id>/suivi/`` (api.md): rates are fractions; ``calcule_le`` is empty for figures computed on the fly
    (a lot not yet recomputed)."""

    class Meta:
        model = SuiviLot
        fields = ["lot", *CHAMPS_SUIVI]


# The rows of the ledger (api.md ``allocations/``: ``ligne``, ``lot``, ``heures``, ``regle``, ``calcule_le``).
CHAMPS_GRAND_LIVRE = ["id", "ligne", "lot", "heures", "calcule_le", "entreprise", "contrat", "debut", "fin", "modalite"]


class AllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Allocation
        fields = [*CHAMPS_GRAND_LIVRE, "regle"]


class ExclusionSerializer(serializers.ModelSerializer):
    motif_libelle = serializers.SerializerMethodField()

    class Meta:
        model = Exclusion
        fields = [*CHAMPS_GRAND_LIVRE, "motif", "motif_libelle", "detail"]

    def get_motif_libelle(self, exclusion) -> str:
        return Motif(exclusion.motif).libelle


class AllocationViewSet(GuichetAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The ventilation ledger (domain.md §5.4): hours of a statement line (or of a CDI's valuation, ``ligne``
    empty) carried to a lot by a rule. A company member reads its own rows, a buyer member those of its lots."""

    serializer_class = AllocationSerializer
    permission_view = "marches.view"
    permission_change = None
    filterset_class = GrandLivreFilter

    def tenant_queryset(self):
        return selectors.allocations_visibles(guichet=self.guichet, membre=self.membre)


class ExclusionViewSet(AllocationViewSet):
    """The hours that do not count, with their reason (``motif``, ``motif_libelle`` in French), so that the cause
    can be fixed."""

    serializer_class = ExclusionSerializer

    def tenant_queryset(self):
        return selectors.exclusions_visibles(guichet=self.guichet, membre=self.membre)


class RecalculSerializer(serializers.Serializer):
    entreprise = TenantPrimaryKeyField(Entreprise, required=False, allow_null=True)


class RecalculViewSet(GuichetAPIMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """``POST recalculs/`` with ``{}`` (the whole guichet) or ``{"entreprise": id}``: recompute the counting and
    ventilation in the background; 202 with the task to follow at ``taches/<id>/``."""

    serializer_class = RecalculSerializer
    permission_view = "decompte.recalculer"
    permission_change = "decompte.recalculer"

    def tenant_queryset(self):
        return Entreprise.objects.none()

    @extend_schema(request=RecalculSerializer, responses={202: TacheLanceeSerializer})
    def create(self, request, guichet_slug):
        serializer = RecalculSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entreprise = serializer.validated_data.get("entreprise")
        return tache_acceptee(
            services.recalcul_lancer(guichet=self.guichet, entreprise=entreprise, acting_user=request.user)
        )


ROUTES = [
    ("entreprises", EntrepriseViewSet, "entreprise"),
    ("contacts-entreprises", ContactEntrepriseViewSet, "contact-entreprise"),
    ("allocations", AllocationViewSet, "allocation"),
    ("exclusions", ExclusionViewSet, "exclusion"),
    ("recalculs", RecalculViewSet, "recalcul"),
]
