"""API of the entreprises app: ``entreprises/`` (the register of companies and structures inclusives),
``contacts-entreprises/`` (their contacts), ``releves/`` (monthly relevés d'heures, api.md); the hours ledger
``allocations/`` and ``exclusions/``, the lots' progress (``SuiviSerializer``, read at ``lots/<id>/suivi/``) and
``recalculs/``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from guichet.api.fields import TenantPrimaryKeyField
from guichet.api.parsers import MultiPartParser
from guichet.api.serializers import ModelSerializer, TacheLanceeSerializer
from guichet.api.views import GuichetAPIMixin, ServiceViewSetMixin, tache_acceptee
from guichet.dates import lire_mois
from guichet.enums import Role
from marches.models import Lot
from publics.models import Contrat

from . import selectors, services
from .decompte import CHAMPS_SUIVI
from .filters import ContactEntrepriseFilter, EntrepriseFilter, GrandLivreFilter, ReleveFilter
from .import_releves import ErreursImport
from .models import (
    CHAMPS_CONTACT_ENTREPRISE,
    CHAMPS_ENTREPRISE,
    Allocation,
    ContactEntreprise,
    Entreprise,
    Exclusion,
    LigneReleve,
    Releve,
    SuiviLot,
)
from .moteur import Motif
from .views import MODELES, modele_telecharge


class ContactEntrepriseSerializer(ModelSerializer):
    entreprise = TenantPrimaryKeyField(Entreprise)

    class Meta:
        model = ContactEntreprise
        fields = ["id", *CHAMPS_CONTACT_ENTREPRISE]
        # DRF would refuse a second principal contact; the service makes the new one replace the former.
        validators = []


class EntrepriseSerializer(ModelSerializer):
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


# --- Relevés d'heures -------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-03"})
class PeriodeField(serializers.Field):
    """A relevé's month, ``YYYY-MM`` in and out (stored as its first day)."""

    default_error_messages = {"invalide": "Indiquez le mois au format AAAA-MM (par exemple 2026-03)."}

    def to_representation(self, value):
        return f"{value.year:04d}-{value.month:02d}"

    def to_internal_value(self, data):
        mois = lire_mois(data)
        if mois is None:
            self.fail("invalide")
        return mois


class LigneReleveSerializer(ModelSerializer):
    """A line: a person's (``contrat``, ``heures``) or a sous-traitance line (``sous_traitant``, ``montant_ht``,
    ``lot``). ``id`` names a line to keep when the lines are written again; ``personne`` is the employee's name."""

    id = serializers.IntegerField(required=False)
    contrat = TenantPrimaryKeyField(Contrat, required=False, allow_null=True)
    personne = serializers.CharField(source="contrat.beneficiaire", read_only=True, default=None, allow_null=True)
    sous_traitant = TenantPrimaryKeyField(Entreprise, required=False, allow_null=True)
    lot = TenantPrimaryKeyField(Lot, required=False, allow_null=True)

    class Meta:
        model = LigneReleve
        fields = [
            "id",
            "contrat",
            "personne",
            "sous_traitant",
            "montant_ht",
            "lot",
            "date_debut",
            "date_fin",
            "heures",
            "statut",
            "motif_rejet",
        ]
        read_only_fields = ["statut", "motif_rejet"]


class ReleveSerializer(ModelSerializer):
    entreprise = TenantPrimaryKeyField(
        Entreprise, required=False, help_text="Facultatif pour un membre entreprise : la sienne."
    )
    periode = PeriodeField()
    lignes = LigneReleveSerializer(many=True, required=False, help_text="Modifiables tant que le relevé est brouillon.")

    class Meta:
        model = Releve
        fields = [
            "id",
            "entreprise",
            "periode",
            "statut",
            "source",
            "corrige",
            "lignes",
            "cree_le",
            "soumis_le",
            "valide_le",
        ]
        read_only_fields = ["statut", "source", "corrige", "cree_le", "soumis_le", "valide_le"]

    def validate(self, data):
        if self.instance is not None:
            for champ in ("entreprise", "periode"):
                if champ in data and data[champ] != getattr(self.instance, champ):
                    raise serializers.ValidationError({champ: "Ne se modifie pas : créez un autre relevé."})
                data.pop(champ, None)
        return data


class RejetSerializer(serializers.Serializer):
    ligne = serializers.IntegerField()
    motif = serializers.CharField(allow_blank=True)


class ValidationReleveSerializer(serializers.Serializer):
    rejets = RejetSerializer(many=True, required=False, default=list)


class ImportReleveSerializer(serializers.Serializer):
    fichier = serializers.FileField(help_text="Classeur .xlsx ou fichier .csv (séparateur ;), colonnes d'api.md.")
    entreprise = TenantPrimaryKeyField(Entreprise, required=False)
    periode = PeriodeField()


class ErreurImportSerializer(serializers.Serializer):
    ligne = serializers.IntegerField(allow_null=True, help_text="Ligne du fichier (1 : l'en-tête) ; vide : le fichier.")
    colonne = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class ErreursImportSerializer(serializers.Serializer):
    """The 400 of an import: ``erreurs``, every fault of the file; a refused form (no file, another company, a
    wrong period) answers as everywhere, ``{"champ": ["message"]}``, without ``erreurs``."""

    erreurs = ErreurImportSerializer(many=True, required=False)


class SansFormatDRF(DefaultContentNegotiation):
    """``?format=xlsx|csv`` names the template's file format, not one of DRF's renderers: errors answer in JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type


class ReleveViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """Monthly relevés d'heures (api.md). A company member reads and writes its own (lines while ``brouillon``)
    and submits them; admins and facilitators read and write all and validate. ``lecteur`` and buyer members have
    no access (the lines name people). Never any eligibility criterion here."""

    serializer_class = ReleveSerializer
    permission_view = "releves.view"
    permission_change = "releves.change"
    permission_actions = {
        "soumettre": "releves.change",
        "valider": "releves.validate",
        "corriger": "releves.change",
        "importer": "releves.change",
        "modele": "releves.view",
    }
    filterset_class = ReleveFilter

    def tenant_queryset(self):
        return selectors.avec_lignes(selectors.releves_visibles(guichet=self.guichet, membre=self.membre))

    def _entreprise(self, entreprise):
        """The company a relevé is for: a company member's own (given or not), anyone else's named one."""
        if self.membre.role == Role.ENTREPRISE:
            if entreprise is not None and entreprise.pk != self.membre.entreprise_id:
                raise serializers.ValidationError({"entreprise": ["Vous ne déclarez que pour votre entreprise."]})
            return self.membre.entreprise
        if entreprise is None:
            raise serializers.ValidationError({"entreprise": ["Ce champ est obligatoire."]})
        return entreprise

    def _reponse(self, releve, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=releve.pk)).data, status=code)

    def creer(self, *, entreprise=None, **kwargs):
        return services.releve_create(entreprise=self._entreprise(entreprise), source="api", **kwargs)

    def modifier(self, releve, *, acting_user, lignes=None):
        if lignes is not None:
            services.releve_lignes_enregistrer(releve=releve, acting_user=acting_user, lignes=lignes)
        return releve

    def supprimer(self, releve, **kwargs):
        services.releve_delete(releve=releve, **kwargs)

    @extend_schema(request=None, responses=ReleveSerializer)
    @action(detail=True, methods=["post"])
    def soumettre(self, request, guichet_slug, pk):
        return self._reponse(services.releve_submit(releve=self.get_object(), acting_user=request.user))

    @extend_schema(request=ValidationReleveSerializer, responses=ReleveSerializer)
    @action(detail=True, methods=["post"])
    def valider(self, request, guichet_slug, pk):
        serializer = ValidationReleveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        releve = services.releve_validate(
            releve=self.get_object(), acting_user=request.user, rejets=serializer.validated_data["rejets"]
        )
        return self._reponse(releve)

    @extend_schema(request=None, responses={201: ReleveSerializer})
    @action(detail=True, methods=["post"])
    def corriger(self, request, guichet_slug, pk):
        correction = services.releve_corriger(releve=self.get_object(), acting_user=request.user)
        return self._reponse(correction, status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": ImportReleveSerializer},
        responses={201: ReleveSerializer, 400: ErreursImportSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def importer(self, request, guichet_slug):
        serializer = ImportReleveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            releve = services.releve_importer(
                guichet=self.guichet,
                acting_user=request.user,
                entreprise=self._entreprise(data.get("entreprise")),
                periode=data["periode"],
                fichier=data["fichier"],
            )
        except ErreursImport as erreurs:
            return Response({"erreurs": erreurs.erreurs}, status=status.HTTP_400_BAD_REQUEST)
        return self._reponse(releve, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("format", OpenApiTypes.STR, enum=list(MODELES), default="xlsx")],
        responses={(200, type_.split(";")[0]): bytes for _, type_ in MODELES.values()},
    )
    @action(detail=False, methods=["get"], content_negotiation_class=SansFormatDRF)
    def modele(self, request, guichet_slug):
        format_ = request.query_params.get("format", "xlsx")
        if format_ not in MODELES:
            raise serializers.ValidationError({"format": ["Choisissez xlsx ou csv."]})
        return modele_telecharge(format_)


# --- The hours ledger, the lots' progress, the recompute ---------------------------------------------------


class SuiviSerializer(ModelSerializer):
    """``lots/<id>/suivi/`` (api.md): rates are fractions; ``calcule_le`` is empty for figures computed on the fly
    (a lot not yet recomputed)."""

    class Meta:
        model = SuiviLot
        fields = ["lot", *CHAMPS_SUIVI]


# The rows of the ledger (api.md ``allocations/``: ``ligne``, ``lot``, ``heures``, ``regle``, ``calcule_le``).
CHAMPS_GRAND_LIVRE = ["id", "ligne", "lot", "heures", "calcule_le", "entreprise", "contrat", "debut", "fin", "modalite"]


class AllocationSerializer(ModelSerializer):
    class Meta:
        model = Allocation
        fields = [*CHAMPS_GRAND_LIVRE, "regle"]


class ExclusionSerializer(ModelSerializer):
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
    ("releves", ReleveViewSet, "releve"),
    ("allocations", AllocationViewSet, "allocation"),
    ("exclusions", ExclusionViewSet, "exclusion"),
    ("recalculs", RecalculViewSet, "recalcul"),
]
