"""API of the publics app (api.md): ``prescripteurs/``, ``beneficiaires/``, ``eligibilites/``, ``positionnements/``,
``contrats/``, ``sorties/`` and ``acces-donnees/`` (the access log, admins). Who reads what is decided by the
selectors (see ``publics.selectors``): a company member reads its contracts and its employees' names only."""

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from entreprises.models import Entreprise
from guichet.api.fields import DateField, FichierPriveField, TenantPrimaryKeyField
from guichet.api.schema import TYPES_DOCUMENTS, telechargement
from guichet.api.serializers import ModelSerializer
from guichet.api.views import GuichetAPIMixin, ServiceViewSetMixin
from guichet.fichiers import fichier_prive
from marches.models import Lot

from . import selectors, services
from .enums import Critere, Modalite, TypeContrat
from .filters import (
    AccesFilter,
    BeneficiaireFilter,
    ContratFilter,
    EligibiliteFilter,
    PositionnementFilter,
    PrescripteurFilter,
    SortieFilter,
)
from .models import (
    CHAMPS_BENEFICIAIRE,
    CHAMPS_CONTACT_PRESCRIPTEUR,
    CHAMPS_CONTRAT,
    CHAMPS_POSITIONNEMENT,
    CHAMPS_PRESCRIPTEUR,
    CHAMPS_SORTIE,
    AccesDonnees,
    Beneficiaire,
    ContactPrescripteur,
    Contrat,
    Eligibilite,
    Positionnement,
    Prescripteur,
    Sortie,
)

# --- Prescribers ---------------------------------------------------------------------------------------


class ContactPrescripteurSerializer(ModelSerializer):
    class Meta:
        model = ContactPrescripteur
        fields = ["id", *(c for c in CHAMPS_CONTACT_PRESCRIPTEUR if c != "prescripteur")]


class PrescripteurSerializer(ModelSerializer):
    contacts = ContactPrescripteurSerializer(many=True, read_only=True)

    class Meta:
        model = Prescripteur
        fields = ["id", *CHAMPS_PRESCRIPTEUR, "contacts"]


class PrescripteurViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """The guichet's prescribing organisations, with their contacts (written on the pages)."""

    serializer_class = PrescripteurSerializer
    permission_view = "publics.view"
    permission_change = "publics.change"
    filterset_class = PrescripteurFilter

    def tenant_queryset(self):
        return selectors.prescripteurs_list(guichet=self.guichet).prefetch_related("contacts")

    def creer(self, **kwargs):
        return services.prescripteur_create(**kwargs)

    def modifier(self, prescripteur, **kwargs):
        return services.prescripteur_update(prescripteur=prescripteur, **kwargs)

    def supprimer(self, prescripteur, **kwargs):
        services.prescripteur_delete(prescripteur=prescripteur, **kwargs)


# --- Beneficiaries -------------------------------------------------------------------------------------


class BeneficiaireSerializer(ModelSerializer):
    prescripteur_organisme = TenantPrimaryKeyField(Prescripteur, required=False, allow_null=True)
    doublon = serializers.BooleanField(read_only=True, help_text="Une autre personne a les mêmes nom, prénom et date.")
    eligible = serializers.BooleanField(read_only=True, help_text="Une éligibilité validée couvre aujourd'hui.")
    anonymise = serializers.SerializerMethodField()

    class Meta:
        model = Beneficiaire
        fields = ["id", *CHAMPS_BENEFICIAIRE, "doublon", "eligible", "anonymise"]

    def get_anonymise(self, beneficiaire) -> bool:
        return beneficiaire.anonymise_le is not None


class EmployeSerializer(ModelSerializer):
    """What a company member reads of its own employees: their names (api.md's table), nothing else."""

    class Meta:
        model = Beneficiaire
        fields = ["id", "nom", "prenom"]


class FusionSerializer(serializers.Serializer):
    doublon = TenantPrimaryKeyField(Beneficiaire, help_text="La personne fusionnée dans celle-ci, puis supprimée.")


class PersonneSerializer(serializers.Serializer):
    """For the schema only: a person as the member reads it, in full (admins, facilitators) or by name only (a
    company member, its own employees)."""


class PersonneSchema(OpenApiSerializerExtension):
    target_class = PersonneSerializer

    def map_serializer(self, auto_schema, direction):
        # anyOf, not oneOf: a person in full also carries the fields of a name-only one.
        return {
            "anyOf": [
                auto_schema.resolve_serializer(serializer, direction).ref
                for serializer in (BeneficiaireSerializer, EmployeSerializer)
            ]
        }


@extend_schema_view(
    list=extend_schema(responses=PersonneSerializer), retrieve=extend_schema(responses=PersonneSerializer)
)
class BeneficiaireViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """People followed by the guichet (admins and facilitators); a company member lists its own employees, names
    only. ``doublon`` flags a possible duplicate; ``POST <id>/fusionner/ {"doublon": id}`` merges it into this one;
    ``GET <id>/export/`` is the right-of-access export (everything held on the person), logged."""

    permission_view = "contrats.view"
    permission_change = "publics.change"
    permission_actions = {"export": "publics.view", "fusionner": "publics.change"}
    filterset_class = BeneficiaireFilter

    def _interne(self):
        return self.membre.has_perm("publics.view")

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or self._interne():
            return BeneficiaireSerializer
        return EmployeSerializer

    serializer_class = BeneficiaireSerializer

    def filter_queryset(self, queryset):
        if getattr(self, "swagger_fake_view", False) or self._interne():
            return super().filter_queryset(queryset)
        return queryset  # a company's view has no filters on personal data

    def tenant_queryset(self):
        if self._interne():
            return selectors.beneficiaires_visibles(guichet=self.guichet, membre=self.membre)
        return selectors.employes_visibles(guichet=self.guichet, membre=self.membre)

    def creer(self, **kwargs):
        return services.beneficiaire_create(**kwargs)

    def modifier(self, beneficiaire, **kwargs):
        return services.beneficiaire_update(beneficiaire=beneficiaire, **kwargs)

    def supprimer(self, beneficiaire, **kwargs):
        services.beneficiaire_delete(beneficiaire=beneficiaire, **kwargs)

    @extend_schema(request=FusionSerializer, responses=BeneficiaireSerializer)
    @action(detail=True, methods=["post"])
    def fusionner(self, request, guichet_slug, pk):
        garde = self.get_object()
        serializer = FusionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        doublon = serializer.validated_data["doublon"]
        services.beneficiaire_fusionner(garde=garde, doublon=doublon, acting_user=request.user)
        return Response(BeneficiaireSerializer(self.get_queryset().get(pk=garde.pk)).data)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def export(self, request, guichet_slug, pk):
        donnees = services.beneficiaire_exporter(beneficiaire=self.get_object(), acting_user=request.user)
        return Response(donnees)


# --- Eligibility ---------------------------------------------------------------------------------------


class EligibiliteSerializer(ModelSerializer):
    beneficiaire = TenantPrimaryKeyField(Beneficiaire)
    criteres = serializers.ListField(child=serializers.ChoiceField(choices=Critere.choices), required=False)
    justificatif = FichierPriveField("api:eligibilite-justificatif")
    valide = serializers.BooleanField(read_only=True)
    valide_par = serializers.EmailField(source="valide_par.email", default=None, read_only=True, allow_null=True)
    version_criteres = serializers.IntegerField(
        source="revision_criteres.numero", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Eligibilite
        fields = [
            "id",
            "beneficiaire",
            "criteres",
            "base",
            "date_validation",
            "valide_jusqu_au",
            "valide",
            "justificatif_type",
            "justificatif_date",
            "justificatif",
            "justificatif_supprime_le",
            "commentaire",
            "valide_par",
            "version_criteres",
        ]
        read_only_fields = ["justificatif_supprime_le"]


class ValidationEligibiliteSerializer(serializers.Serializer):
    date_validation = DateField(required=False)
    valide_jusqu_au = DateField(required=False)


class EligibiliteViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """Eligibility decisions (domain.md §6): admins and facilitators only; every read is written to the access log.
    A decision without ``date_validation`` awaits validation: ``POST <id>/valider/``. The scanned proof
    (``justificatif``, multipart) is deleted once validated when the guichet's setting says so."""

    serializer_class = EligibiliteSerializer
    permission_view = "eligibilites.view"
    permission_change = "publics.change"
    permission_actions = {"valider": "publics.change", "justificatif": "eligibilites.view"}
    filterset_class = EligibiliteFilter

    def tenant_queryset(self):
        return selectors.eligibilites_visibles(guichet=self.guichet, membre=self.membre)

    def _lues(self, eligibilites):
        return selectors.eligibilites_lues(
            guichet=self.guichet, membre=self.membre, utilisateur=self.request.user, eligibilites=eligibilites
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(self._lues(page), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        (eligibilite,) = self._lues([self.get_object()])
        return Response(self.get_serializer(eligibilite).data)

    def creer(self, **kwargs):
        return services.eligibilite_create(**kwargs)

    def modifier(self, eligibilite, **kwargs):
        return services.eligibilite_update(eligibilite=eligibilite, **kwargs)

    def supprimer(self, eligibilite, **kwargs):
        services.eligibilite_delete(eligibilite=eligibilite, **kwargs)

    @extend_schema(request=ValidationEligibiliteSerializer, responses=EligibiliteSerializer)
    @action(detail=True, methods=["post"])
    def valider(self, request, guichet_slug, pk):
        serializer = ValidationEligibiliteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        eligibilite = self.get_object()
        services.eligibilite_valider(eligibilite=eligibilite, acting_user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(responses=telechargement(*TYPES_DOCUMENTS))
    @action(detail=True, methods=["get"])
    def justificatif(self, request, guichet_slug, pk):
        (eligibilite,) = self._lues([self.get_object()])
        return fichier_prive(eligibilite.justificatif)


# --- Positionings, contracts, outcomes ----------------------------------------------------------------------


class PositionnementSerializer(ModelSerializer):
    beneficiaire = TenantPrimaryKeyField(Beneficiaire)
    entreprise = TenantPrimaryKeyField(Entreprise)
    lot = TenantPrimaryKeyField(Lot, required=False, allow_null=True)

    class Meta:
        model = Positionnement
        fields = ["id", *CHAMPS_POSITIONNEMENT, "contrat"]
        read_only_fields = ["contrat"]


class EmbaucheSerializer(serializers.Serializer):
    modalite = serializers.ChoiceField(choices=Modalite.choices, default=Modalite.EMBAUCHE_DIRECTE)
    type_contrat = serializers.ChoiceField(choices=TypeContrat.choices)
    structure = TenantPrimaryKeyField(Entreprise, required=False, allow_null=True)
    date_debut = DateField()
    date_fin = DateField(required=False, allow_null=True)
    lot = TenantPrimaryKeyField(Lot, required=False, allow_null=True)
    poste = serializers.CharField(required=False, allow_blank=True)


class ContratSerializer(ModelSerializer):
    beneficiaire = TenantPrimaryKeyField(Beneficiaire)
    beneficiaire_nom = serializers.CharField(source="beneficiaire.__str__", read_only=True)
    entreprise = TenantPrimaryKeyField(Entreprise)
    structure = TenantPrimaryKeyField(Entreprise, required=False, allow_null=True)
    lot = TenantPrimaryKeyField(Lot, required=False, allow_null=True)
    eligible = serializers.BooleanField(read_only=True, help_text="Une éligibilité validée couvrait date_debut.")
    motif_ineligibilite = serializers.CharField(read_only=True)

    class Meta:
        model = Contrat
        fields = ["id", *CHAMPS_CONTRAT, "beneficiaire_nom", "eligible", "motif_ineligibilite"]


class PositionnementViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """The facilitator proposes eligible people to companies (``propose`` → ``entretien`` → ``non_retenu`` with a
    reason); ``POST <id>/embaucher/`` records the hire and creates the work contract (201, the contract)."""

    serializer_class = PositionnementSerializer
    permission_view = "publics.view"
    permission_change = "publics.change"
    filterset_class = PositionnementFilter

    def tenant_queryset(self):
        return selectors.positionnements_visibles(guichet=self.guichet, membre=self.membre)

    def creer(self, **kwargs):
        return services.positionnement_create(**kwargs)

    def modifier(self, positionnement, **kwargs):
        return services.positionnement_update(positionnement=positionnement, **kwargs)

    def supprimer(self, positionnement, **kwargs):
        services.positionnement_delete(positionnement=positionnement, **kwargs)

    @extend_schema(request=EmbaucheSerializer, responses={201: ContratSerializer})
    @action(detail=True, methods=["post"])
    def embaucher(self, request, guichet_slug, pk):
        serializer = EmbaucheSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contrat = services.positionnement_embaucher(
            positionnement=self.get_object(), acting_user=request.user, **serializer.validated_data
        )
        contrat = selectors.contrats_visibles(guichet=self.guichet, membre=self.membre).get(pk=contrat.pk)
        return Response(ContratSerializer(contrat).data, status=status.HTTP_201_CREATED)


class ContratViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """Work contracts (the parcours); ``eligible`` is computed (a validated eligibility on ``date_debut``) with its
    reason when false. A company member reads its own contracts."""

    serializer_class = ContratSerializer
    permission_view = "contrats.view"
    permission_change = "publics.change"
    filterset_class = ContratFilter

    def tenant_queryset(self):
        return selectors.contrats_visibles(guichet=self.guichet, membre=self.membre)

    def creer(self, **kwargs):
        return services.contrat_create(**kwargs)

    def modifier(self, contrat, **kwargs):
        return services.contrat_update(contrat=contrat, **kwargs)

    def supprimer(self, contrat, **kwargs):
        services.contrat_delete(contrat=contrat, **kwargs)


class SortieSerializer(ModelSerializer):
    contrat = TenantPrimaryKeyField(Contrat)

    class Meta:
        model = Sortie
        fields = ["id", *CHAMPS_SORTIE]
        validators = []  # the model's constraint answers in French on the field


class SortieViewSet(ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """Outcomes at the end of a contract and ``delai_sortie_mois`` months later (domain.md §7)."""

    serializer_class = SortieSerializer
    permission_view = "publics.view"
    permission_change = "publics.change"
    filterset_class = SortieFilter

    def tenant_queryset(self):
        return selectors.sorties_visibles(guichet=self.guichet, membre=self.membre)

    def creer(self, **kwargs):
        return services.sortie_create(**kwargs)

    def modifier(self, sortie, **kwargs):
        return services.sortie_update(sortie=sortie, **kwargs)

    def supprimer(self, sortie, **kwargs):
        services.sortie_delete(sortie=sortie, **kwargs)


class AccesSerializer(ModelSerializer):
    utilisateur = serializers.EmailField(source="utilisateur.email", default=None, read_only=True, allow_null=True)

    class Meta:
        model = AccesDonnees
        fields = ["id", "quand", "utilisateur", "beneficiaire", "objet"]


class AccesViewSet(GuichetAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The access log of personal data (admins): who read which person's eligibility, or exported it, and when."""

    serializer_class = AccesSerializer
    permission_view = "journal_acces.view"
    permission_change = "journal_acces.view"
    filterset_class = AccesFilter

    def tenant_queryset(self):
        return selectors.acces_list(guichet=self.guichet)


ROUTES = [
    ("prescripteurs", PrescripteurViewSet, "prescripteur"),
    ("beneficiaires", BeneficiaireViewSet, "beneficiaire"),
    ("eligibilites", EligibiliteViewSet, "eligibilite"),
    ("positionnements", PositionnementViewSet, "positionnement"),
    ("contrats", ContratViewSet, "contrat"),
    ("sorties", SortieViewSet, "sortie"),
    ("acces-donnees", AccesViewSet, "acces-donnees"),
]
