"""API of the acheteurs app: ``acheteurs/``, ``contacts/``, ``programmations/``, ``achats-prevus/``."""

from rest_framework import serializers, viewsets

from guichet.api.fields import TenantPrimaryKeyField
from guichet.api.serializers import ModelSerializer
from guichet.api.views import GuichetAPIMixin, ServiceViewSetMixin

from . import selectors, services
from .filters import AchatPrevuFilter, AcheteurFilter, ContactFilter, ProgrammationFilter
from .models import (
    CHAMPS_ACHAT_PREVU,
    CHAMPS_ACHETEUR,
    CHAMPS_CONTACT,
    CHAMPS_PROGRAMMATION,
    AchatPrevu,
    Acheteur,
    Contact,
    Programmation,
)


class ContactSerializer(ModelSerializer):
    acheteur = TenantPrimaryKeyField(Acheteur)

    class Meta:
        model = Contact
        fields = ["id", *CHAMPS_CONTACT]
        # DRF would refuse a second principal contact; the service makes the new one replace the former.
        validators = []


class AcheteurSerializer(ModelSerializer):
    # Typed with spaces or dots, the SIRET is compacted by the model before it is checked.
    siret = serializers.CharField(max_length=20, required=False, allow_blank=True)
    contacts = ContactSerializer(many=True, read_only=True)

    class Meta:
        model = Acheteur
        fields = ["id", *CHAMPS_ACHETEUR, "contacts"]


class AchatPrevuSerializer(ModelSerializer):
    programmation = TenantPrimaryKeyField(Programmation)
    marche = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Le marché créé à partir de cet achat (« transformer en marché »)."
    )

    class Meta:
        model = AchatPrevu
        fields = ["id", *CHAMPS_ACHAT_PREVU, "marche"]


class AchatPrevuResumeSerializer(AchatPrevuSerializer):
    class Meta(AchatPrevuSerializer.Meta):
        fields = [name for name in AchatPrevuSerializer.Meta.fields if name != "programmation"]


class ProgrammationSerializer(ModelSerializer):
    acheteur = TenantPrimaryKeyField(Acheteur)
    achats = AchatPrevuResumeSerializer(many=True, read_only=True)
    nombre_achats = serializers.IntegerField(read_only=True)
    montant_total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = Programmation
        fields = ["id", *CHAMPS_PROGRAMMATION, "nombre_achats", "montant_total", "achats"]


class AcheteurViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """The guichet's buyers; a buyer member reads its own record only. Deleting is refused (400) for a buyer
    that has conventions, a programme, events or members: archive it (``archive: true``)."""

    serializer_class = AcheteurSerializer
    permission_view = "acheteurs.view"
    permission_change = "acheteurs.change"
    filterset_class = AcheteurFilter

    def tenant_queryset(self):
        return selectors.acheteurs_visibles(guichet=self.guichet, membre=self.membre).prefetch_related("contacts")

    def creer(self, **kwargs):
        return services.acheteur_create(**kwargs)

    def modifier(self, acheteur, **kwargs):
        return services.acheteur_update(acheteur=acheteur, **kwargs)

    def supprimer(self, acheteur, **kwargs):
        services.acheteur_delete(acheteur=acheteur, **kwargs)


class ContactViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    serializer_class = ContactSerializer
    permission_view = "acheteurs.view"
    permission_change = "acheteurs.change"
    filterset_class = ContactFilter

    def tenant_queryset(self):
        return selectors.contacts_visibles(guichet=self.guichet, membre=self.membre)

    def creer(self, **kwargs):
        return services.contact_create(**kwargs)

    def modifier(self, contact, **kwargs):
        return services.contact_update(contact=contact, **kwargs)

    def supprimer(self, contact, **kwargs):
        services.contact_delete(contact=contact, **kwargs)


class ProgrammationViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """A buyer's purchase programme for a year, with its planned purchases (written at ``achats-prevus/``)."""

    serializer_class = ProgrammationSerializer
    permission_view = "acheteurs.view"
    permission_change = "acheteurs.change"
    filterset_class = ProgrammationFilter

    def tenant_queryset(self):
        return selectors.programmations_visibles(guichet=self.guichet, membre=self.membre).prefetch_related("achats")

    def creer(self, **kwargs):
        return services.programmation_create(**kwargs)

    def modifier(self, programmation, **kwargs):
        return services.programmation_update(programmation=programmation, **kwargs)

    def supprimer(self, programmation, **kwargs):
        services.programmation_delete(programmation=programmation, **kwargs)


class AchatPrevuViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    serializer_class = AchatPrevuSerializer
    permission_view = "acheteurs.view"
    permission_change = "acheteurs.change"
    filterset_class = AchatPrevuFilter

    def tenant_queryset(self):
        return selectors.achats_prevus_visibles(guichet=self.guichet, membre=self.membre)

    def creer(self, **kwargs):
        return services.achat_prevu_create(**kwargs)

    def modifier(self, achat, **kwargs):
        return services.achat_prevu_update(achat=achat, **kwargs)

    def supprimer(self, achat, **kwargs):
        services.achat_prevu_delete(achat=achat, **kwargs)


ROUTES = [
    ("acheteurs", AcheteurViewSet, "acheteur"),
    ("contacts", ContactViewSet, "contact"),
    ("programmations", ProgrammationViewSet, "programmation"),
    ("achats-prevus", AchatPrevuViewSet, "achat-prevu"),
]
