"""API of the reporting app (api.md): ``indicateurs/``, the key figures of a year, read from
``reporting.indicateurs`` like the dashboards and the bilans; ``bilans/`` (PDF) and ``exports/`` (XLSX, CSV),
asked for with a POST (202 with the task) and downloaded once produced."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from acheteurs.models import Acheteur
from entreprises.models import Entreprise
from guichet.api.fields import FichierPriveField, HeuresEntieresField, TenantPrimaryKeyField
from guichet.api.schema import TYPE_CSV, TYPE_PDF, TYPE_XLSX, TYPE_ZIP, telechargement
from guichet.api.serializers import ModelSerializer
from guichet.api.views import GuichetAPIMixin
from guichet.fichiers import fichier_prive
from marches.models import Lot, Marche

from . import indicateurs, selectors, services
from .enums import FormatExport, TypeBilan, TypeExport
from .filters import BilanFilter, ExportFilter
from .forms import MESSAGES_ANNEE, FiltresIndicateursForm
from .models import Bilan, Export


class IndicateursSerializer(serializers.Serializer):
    """api.md's fields, then ``annee``, ``acheteur`` (the scope actually read) and ``structures_inclusives``.
    Rates are fractions (``0.3`` = 30 %); hours due are whole hours (a JSON integer), like the clauses'."""

    marches_notifies = serializers.IntegerField()
    marches_avec_consideration_sociale = serializers.IntegerField()
    part_consideration_sociale = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    heures_dues = HeuresEntieresField(max_digits=14)
    heures_realisees = serializers.DecimalField(max_digits=14, decimal_places=2)
    taux_realisation = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    beneficiaires = serializers.IntegerField()
    contrats_travail = serializers.IntegerField()
    entreprises = serializers.IntegerField()
    etp = serializers.DecimalField(max_digits=12, decimal_places=2)
    annee = serializers.IntegerField()
    acheteur = serializers.IntegerField(allow_null=True)
    structures_inclusives = serializers.IntegerField()


class IndicateursView(GuichetAPIMixin, APIView):
    """``GET indicateurs/?annee=YYYY[&acheteur=id]``. A buyer member reads its own buyer's figures whatever it
    asks; a company member has no access (api.md: companies see their lots and suivis, not the guichet's
    figures)."""

    permission_view = "indicateurs.view"
    permission_change = "indicateurs.view"
    http_method_names = ["get", "head", "options"]
    actions_en_cache = ("get",)

    @extend_schema(
        parameters=[
            OpenApiParameter("annee", int, description="Année civile (l'année en cours par défaut)."),
            OpenApiParameter("acheteur", int, description="Un acheteur (identifiant)."),
        ],
        responses=IndicateursSerializer,
    )
    def get(self, request, guichet_slug):
        filtres = FiltresIndicateursForm(request.query_params, membre=self.membre)
        if not filtres.is_valid():
            raise serializers.ValidationError(filtres.errors)
        annee, acheteur_id = filtres.valeurs()
        portee = indicateurs.portee_du_membre(self.membre, annee=annee, acheteur_id=acheteur_id)
        chiffres = asdict(indicateurs.chiffres_cles(portee))
        data = {**chiffres, "annee": annee, "acheteur": portee.acheteur_id}
        return Response(IndicateursSerializer(data).data)


# --- Bilans and exports ------------------------------------------------------------------------------------------


class DocumentSerializer(ModelSerializer):
    """What every produced document shows: its state (``en_attente``, ``en_cours``, ``termine``, ``echec``, that
    of its task) and its ``fichier`` (the download URL, ``null`` until produced)."""

    statut = serializers.CharField(read_only=True)
    progression = serializers.IntegerField(read_only=True)
    demandeur = serializers.EmailField(source="demandeur.email", default=None, read_only=True, allow_null=True)
    erreur = serializers.CharField(source="tache.erreur", default=None, read_only=True, allow_null=True)


CHAMPS_DOCUMENT = ["annee", "statut", "progression", "erreur", "fichier", "tache", "demandeur", "cree_le", "genere_le"]


class BilanSerializer(DocumentSerializer):
    fichier = FichierPriveField("api:bilan-telecharger", read_only=True)

    class Meta:
        model = Bilan
        fields = ["id", "type", "titre", "acheteur", "marche", "entreprise", "lot", *CHAMPS_DOCUMENT]


def champ_annee():
    """The year of a document: the current one when absent, as for ``indicateurs/``."""
    return serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, allow_null=True, error_messages=MESSAGES_ANNEE
    )


class BilanDemandeSerializer(serializers.Serializer):
    """api.md: ``{"type", "annee", "acheteur"?, "marche"?, "entreprise"?, "lot"?}``; ``annee`` is the current year
    when absent. Which objects a type needs is the service's rule (one place for the API and the page)."""

    type = serializers.ChoiceField(choices=TypeBilan.choices)
    annee = champ_annee()
    acheteur = TenantPrimaryKeyField(Acheteur, required=False, allow_null=True)
    marche = TenantPrimaryKeyField(Marche, required=False, allow_null=True)
    entreprise = TenantPrimaryKeyField(Entreprise, required=False, allow_null=True)
    lot = TenantPrimaryKeyField(Lot, required=False, allow_null=True)


class DocumentLanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tache = serializers.UUIDField()


def document_lance(document):
    return Response({"id": document.pk, "tache": str(document.tache_id)}, status=status.HTTP_202_ACCEPTED)


class DocumentViewSet(GuichetAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List, read, ask for (POST: 202 ``{"id", "tache"}``) and download (``<id>/telecharger/``) the documents."""

    demande_serializer_class = None
    http_method_names = ["get", "post", "head", "options"]

    def demander(self, **donnees):
        raise NotImplementedError

    def create(self, request, guichet_slug):
        demande = self.demande_serializer_class(data=request.data, context=self.get_serializer_context())
        demande.is_valid(raise_exception=True)
        return document_lance(self.demander(**demande.validated_data))

    @action(detail=True, methods=["get"])
    def telecharger(self, request, guichet_slug, pk):
        return fichier_prive(self.get_object().fichier)


@extend_schema(request=BilanDemandeSerializer, responses={202: DocumentLanceSerializer}, methods=["POST"])
@extend_schema_view(telecharger=extend_schema(responses=telechargement(TYPE_PDF)))
class BilanViewSet(DocumentViewSet):
    """``bilans/``: a facilitator asks for them; a ``lecteur`` reads the copil bilans, a buyer member its own
    buyer's and its marchés', a company member its attestations (others answer 404). ``<id>/regenerer/`` (POST)
    produces the bilan again with today's figures. ``telecharger`` answers ``application/pdf``."""

    serializer_class = BilanSerializer
    demande_serializer_class = BilanDemandeSerializer
    permission_view = "reporting.view"
    permission_change = "reporting.generate"
    filterset_class = BilanFilter

    def tenant_queryset(self):
        return selectors.bilans_visibles(guichet=self.guichet, membre=self.membre)

    def demander(self, **donnees):
        return services.bilan_demander(guichet=self.guichet, acting_user=self.request.user, **donnees)

    @extend_schema(request=None, responses={202: DocumentLanceSerializer})
    @action(detail=True, methods=["post"])
    def regenerer(self, request, guichet_slug, pk):
        return document_lance(services.bilan_regenerer(bilan=self.get_object(), acting_user=request.user))


class ExportSerializer(DocumentSerializer):
    fichier = FichierPriveField("api:export-telecharger", read_only=True)

    class Meta:
        model = Export
        fields = ["id", "type", "format", "titre", *CHAMPS_DOCUMENT]


class ExportDemandeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TypeExport.choices)
    annee = champ_annee()
    format = serializers.ChoiceField(choices=FormatExport.choices, default=FormatExport.XLSX)


@extend_schema(request=ExportDemandeSerializer, responses={202: DocumentLanceSerializer}, methods=["POST"])
# A multi-sheet export in CSV is a zip of one CSV per sheet.
@extend_schema_view(telecharger=extend_schema(responses=telechargement(TYPE_XLSX, TYPE_CSV, TYPE_ZIP)))
class ExportViewSet(DocumentViewSet):
    """``exports/`` (admins and facilitators): restitution annuelle, consolidation nationale, DECP, in XLSX or CSV
    (a multi-sheet export in CSV is a zip). Columns: ``docs/exports.md``."""

    serializer_class = ExportSerializer
    demande_serializer_class = ExportDemandeSerializer
    permission_view = "reporting.generate"
    permission_change = "reporting.generate"
    filterset_class = ExportFilter

    def tenant_queryset(self):
        return selectors.exports_list(guichet=self.guichet)

    def demander(self, **donnees):
        return services.export_demander(guichet=self.guichet, acting_user=self.request.user, **donnees)


ROUTES = [
    ("bilans", BilanViewSet, "bilan"),
    ("exports", ExportViewSet, "export"),
]
