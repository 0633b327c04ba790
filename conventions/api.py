"""API of the conventions app: ``conventions/`` (and the signed document) and ``evenements/`` (and their
documents)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser
from rest_framework.response import Response

from acheteurs.models import Acheteur
from guichet.api.fields import FichierPriveField, TenantPrimaryKeyField
from guichet.api.parsers import JSONParser, MultiPartParser
from guichet.api.schema import TYPES_DOCUMENTS, telechargement
from guichet.api.serializers import ModelSerializer
from guichet.api.views import GuichetAPIMixin, ServiceViewSetMixin
from guichet.fichiers import fichier_prive, nom_fichier

from . import selectors, services
from .enums import STATUTS_ENREGISTRES, StatutConvention
from .filters import ConventionFilter, EvenementFilter
from .models import CHAMPS_CONVENTION, CHAMPS_EVENEMENT, Convention, DocumentEvenement, Evenement


@extend_schema_field(
    {
        "type": "string",
        "enum": StatutConvention.values,
        "description": "projet, signee ou resiliee ; en lecture, expiree pour une convention signée dont "
        "date_fin est passée.",
    }
)
class StatutConventionField(serializers.ChoiceField):
    """Written: ``projet``, ``signee`` or ``resiliee``. Read: the same, or ``expiree`` for a signed convention
    whose ``date_fin`` has passed (api.md)."""

    def __init__(self, **kwargs):
        super().__init__(choices=STATUTS_ENREGISTRES, **kwargs)
        self.error_messages["invalid_choice"] = (
            "« {input} » n'est pas un statut possible : projet, signee ou resiliee (expiree découle de date_fin)."
        )

    def get_attribute(self, instance):
        return instance.etat

    def to_representation(self, value):
        return StatutConvention(value).value


class ConventionSerializer(ModelSerializer):
    acheteur = TenantPrimaryKeyField(Acheteur)
    acheteur_nom = serializers.CharField(source="acheteur.nom", read_only=True)
    statut = StatutConventionField(required=False)
    document = FichierPriveField("api:convention-document")

    class Meta:
        model = Convention
        fields = ["id", "acheteur_nom", *CHAMPS_CONVENTION, "reconductions", "cree_le", "maj_le"]
        read_only_fields = ["reconductions", "cree_le", "maj_le"]


class DocumentEvenementSerializer(ModelSerializer):
    fichier = FichierPriveField(
        "api:evenement-document",
        url_kwargs=lambda document: {"pk": document.evenement_id, "document_pk": document.pk},
        allow_null=False,
        required=True,
    )
    nom_fichier = serializers.SerializerMethodField()

    class Meta:
        model = DocumentEvenement
        fields = ["id", "titre", "fichier", "nom_fichier", "ajoute_le"]
        read_only_fields = ["ajoute_le"]

    def get_nom_fichier(self, document) -> str:
        return nom_fichier(document.fichier)


class EvenementSerializer(ModelSerializer):
    acheteurs = TenantPrimaryKeyField(Acheteur, many=True, required=False)
    documents = DocumentEvenementSerializer(many=True, read_only=True)

    class Meta:
        model = Evenement
        fields = ["id", *CHAMPS_EVENEMENT, "acheteurs", "documents", "cree_le", "maj_le"]
        read_only_fields = ["cree_le", "maj_le"]


class ConventionViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """Partnership conventions; a buyer member reads its own buyer's only. ``document`` is uploaded as
    multipart (or removed with ``null``) and read as the URL of ``conventions/<id>/document/``."""

    serializer_class = ConventionSerializer
    permission_view = "conventions.view"
    permission_change = "conventions.change"
    filterset_class = ConventionFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def tenant_queryset(self):
        return selectors.conventions_visibles(guichet=self.guichet, membre=self.membre)

    def creer(self, **kwargs):
        return services.convention_create(**kwargs)

    def modifier(self, convention, **kwargs):
        return services.convention_update(convention=convention, **kwargs)

    def supprimer(self, convention, **kwargs):
        services.convention_delete(convention=convention, **kwargs)

    @extend_schema(responses=telechargement(*TYPES_DOCUMENTS))
    @action(detail=True, methods=["get"])
    def document(self, request, guichet_slug, pk):
        """The signed document (404 when there is none)."""
        return fichier_prive(self.get_object().document)


class EvenementViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """Partnership events (not readable by buyer members: an event speaks of several buyers)."""

    serializer_class = EvenementSerializer
    permission_view = "animation.view"
    permission_change = "animation.change"
    filterset_class = EvenementFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def tenant_queryset(self):
        return selectors.evenements_visibles(guichet=self.guichet, membre=self.membre)

    def creer(self, **kwargs):
        return services.evenement_create(**kwargs)

    def modifier(self, evenement, **kwargs):
        return services.evenement_update(evenement=evenement, **kwargs)

    def supprimer(self, evenement, **kwargs):
        services.evenement_delete(evenement=evenement, **kwargs)

    @extend_schema(request=DocumentEvenementSerializer, responses={201: DocumentEvenementSerializer})
    @action(detail=True, methods=["post"], url_path="documents", url_name="documents")
    def ajouter_document(self, request, guichet_slug, pk):
        """Add a document (multipart: ``fichier``, optional ``titre``)."""
        evenement = self.get_object()
        serializer = DocumentEvenementSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        document = services.document_evenement_add(
            evenement=evenement, acting_user=request.user, **serializer.validated_data
        )
        return Response(
            DocumentEvenementSerializer(document, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(methods=["GET"], responses=telechargement(*TYPES_DOCUMENTS))
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["get", "delete"], url_path=r"documents/(?P<document_pk>[0-9]+)")
    def document(self, request, guichet_slug, pk, document_pk):
        """GET downloads a document of the event; DELETE removes it."""
        document = get_object_or_404(DocumentEvenement.objects.filter(evenement=self.get_object()), pk=document_pk)
        if request.method == "DELETE":
            services.document_evenement_delete(document=document, acting_user=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return fichier_prive(document.fichier)


ROUTES = [
    ("conventions", ConventionViewSet, "convention"),
    ("evenements", EvenementViewSet, "evenement"),
]
