"""API of the entreprises app: ``entreprises/`` (the register of companies and structures inclusives) and
``contacts-entreprises/`` (their contacts)."""

from rest_framework import serializers, viewsets

from guichet.api.fields import TenantPrimaryKeyField
from guichet.api.views import GuichetAPIMixin, ServiceViewSetMixin

from . import selectors, services
from .filters import ContactEntrepriseFilter, EntrepriseFilter
from .models import CHAMPS_CONTACT_ENTREPRISE, CHAMPS_ENTREPRISE, ContactEntreprise, Entreprise


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


ROUTES = [
    ("entreprises", EntrepriseViewSet, "entreprise"),
    ("contacts-entreprises", ContactEntrepriseViewSet, "contact-entreprise"),
]
