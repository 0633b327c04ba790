"""API of the marchés app: ``operations/``, ``marches/``, ``lots/``, ``considerations/``, ``avenants/``,
``attributions/`` (api.md), and ``simulations/`` (the calibration simulator, nothing written)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from acheteurs.models import Acheteur
from entreprises.api import SuiviSerializer
from entreprises.models import Entreprise
from entreprises.selectors import suivi_du_lot
from guichet.api.fields import HeuresEntieresField, TenantPrimaryKeyField
from guichet.api.serializers import ModelSerializer
from guichet.api.views import GuichetAPIMixin, ServiceViewSetMixin
from guichet.selectors import parametres_of

from . import calibrage, selectors, services
from .enums import FICHES, ModeCalcul, StatutClimat
from .filters import (
    AttributionFilter,
    AvenantFilter,
    ConsiderationFilter,
    LotFilter,
    MarcheFilter,
    OperationFilter,
)
from .models import (
    CHAMPS_ATTRIBUTION,
    CHAMPS_AVENANT,
    CHAMPS_CONSIDERATION,
    CHAMPS_LOT,
    CHAMPS_MARCHE,
    CHAMPS_OPERATION,
    Attribution,
    AvenantHeures,
    Consideration,
    Lot,
    Marche,
    Operation,
)

TAUX = {"max_digits": 5, "decimal_places": 4, "min_value": 0, "max_value": 1}
MONTANT = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class OperationSerializer(ModelSerializer):
    class Meta:
        model = Operation
        fields = ["id", *CHAMPS_OPERATION]


class MarcheSerializer(ModelSerializer):
    acheteur = TenantPrimaryKeyField(Acheteur)
    acheteur_nom = serializers.CharField(source="acheteur.nom", read_only=True)
    operation = TenantPrimaryKeyField(Operation, required=False, allow_null=True)
    annee = serializers.IntegerField(read_only=True, allow_null=True)
    nombre_lots = serializers.IntegerField(read_only=True)
    nombre_considerations = serializers.IntegerField(read_only=True)
    types_considerations = serializers.ListField(child=serializers.CharField(), read_only=True)
    heures_dues = HeuresEntieresField(read_only=True, allow_null=True)
    statut_climat = serializers.ChoiceField(choices=StatutClimat.choices, read_only=True)
    achat_prevu = serializers.IntegerField(
        source="achat_prevu_pk", read_only=True, allow_null=True, help_text="L'achat prévu de la programmation."
    )

    class Meta:
        model = Marche
        fields = [
            "id",
            "acheteur_nom",
            *CHAMPS_MARCHE,
            "annee",
            "nombre_lots",
            "nombre_considerations",
            "types_considerations",
            "heures_dues",
            "statut_climat",
            "achat_prevu",
            "cree_le",
            "maj_le",
        ]
        read_only_fields = ["cree_le", "maj_le"]


class LotSerializer(ModelSerializer):
    marche = TenantPrimaryKeyField(Marche)
    debut = serializers.DateField(read_only=True, allow_null=True, help_text="Début d'exécution retenu.")
    fin = serializers.DateField(read_only=True, allow_null=True, help_text="Fin d'exécution retenue.")
    heures_dues = HeuresEntieresField(read_only=True, allow_null=True)
    types_considerations = serializers.ListField(child=serializers.CharField(), read_only=True)
    titulaire = serializers.IntegerField(source="titulaire_id", read_only=True, allow_null=True)
    titulaire_nom = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Lot
        fields = [
            "id",
            *CHAMPS_LOT,
            "debut",
            "fin",
            "heures_dues",
            "types_considerations",
            "titulaire",
            "titulaire_nom",
        ]


class PactSerializer(serializers.Serializer):
    """The PACT propreté inputs (api.md), stored on the clause's ``pact_*`` fields."""

    montant_periode = serializers.DecimalField(
        source="pact_montant_periode", allow_null=True, required=False, **MONTANT
    )
    duree_mois = serializers.IntegerField(source="pact_duree_mois", allow_null=True, required=False, min_value=1)
    heures_reprises_mois = serializers.DecimalField(
        source="pact_heures_reprises_mois",
        allow_null=True,
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
    )
    taux_insertion = serializers.DecimalField(source="pact_taux_insertion", allow_null=True, required=False, **TAUX)


class TrancheSerializer(serializers.Serializer):
    """The ``tranche_facturee`` inputs (not named by api.md): one hour per ``montant_tranche`` € invoiced above
    ``seuil_declenchement`` €; ``montant_facture`` is the amount invoiced so far (the hours due follow it)."""

    montant_tranche = serializers.DecimalField(source="tranche_montant", allow_null=True, required=False, **MONTANT)
    seuil_declenchement = serializers.DecimalField(source="tranche_seuil", allow_null=True, required=False, **MONTANT)
    montant_facture = serializers.DecimalField(
        source="tranche_montant_facture", allow_null=True, required=False, **MONTANT
    )


class IndicateurSerializer(serializers.Serializer):
    nom = serializers.CharField(max_length=200)
    unite = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    cible = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)
    realise = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)

    def validate(self, data):
        # JSON has no decimals: kept as decimal strings.
        return {**data, **{k: None if data.get(k) is None else str(data[k]) for k in ("cible", "realise")}}


class AvenantResumeSerializer(ModelSerializer):
    heures_dues = HeuresEntieresField()

    class Meta:
        model = AvenantHeures
        fields = ["id", "reference", "date_effet", "heures_dues", "motif"]


class ConsiderationSerializer(ModelSerializer):
    """A social consideration. For ``clause_heures``: the calibration inputs (absent or null: the lot's amount,
    the sector table, the guichet's defaults) and its read-only outputs; ``heures_dues`` is a JSON integer
    (whole hours), ``heures_dues_brutes`` a decimal string (hundredths)."""

    lot = TenantPrimaryKeyField(Lot)
    marche = serializers.IntegerField(source="lot.marche_id", read_only=True)
    pact = PactSerializer(source="*", required=False, allow_null=True)
    tranche = TrancheSerializer(source="*", required=False, allow_null=True)
    indicateurs = IndicateurSerializer(many=True, required=False)
    heures_dues = HeuresEntieresField(read_only=True, allow_null=True)
    heures_dues_brutes = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)
    heures_dues_en_vigueur = serializers.SerializerMethodField()
    avenants = AvenantResumeSerializer(many=True, read_only=True)
    base_legale = serializers.SerializerMethodField()
    decp = serializers.SerializerMethodField()

    class Meta:
        model = Consideration
        fields = [
            "id",
            "lot",
            "marche",
            *[c for c in CHAMPS_CONSIDERATION if not c.startswith(("pact_", "tranche_"))],
            "pact",
            "tranche",
            "heures_dues",
            "heures_dues_brutes",
            "sous_seuil",
            "pas_de_clause",
            "explication",
            "montant_retenu",
            "taux_main_oeuvre_retenu",
            "cout_horaire_retenu",
            "calcule_le",
            "heures_dues_en_vigueur",
            "avenants",
            "base_legale",
            "decp",
            "cree_le",
            "maj_le",
        ]
        read_only_fields = [
            "sous_seuil",
            "pas_de_clause",
            "explication",
            "montant_retenu",
            "taux_main_oeuvre_retenu",
            "cout_horaire_retenu",
            "calcule_le",
            "cree_le",
            "maj_le",
        ]

    def to_internal_value(self, data):
        # ``"pact": null`` (or ``"tranche": null``) clears those inputs.
        if hasattr(data, "get"):
            vides = {cle: {} for cle in ("pact", "tranche") if cle in data and data.get(cle) is None}
            if vides:
                data = {**data, **vides}
                valeurs = super().to_internal_value(data)
                for cle in vides:
                    for champ in (self.fields[cle].fields[nom].source for nom in self.fields[cle].fields):
                        valeurs[champ] = None
                return valeurs
        return super().to_internal_value(data)

    def to_representation(self, consideration):
        data = super().to_representation(consideration)
        if consideration.mode_calcul != ModeCalcul.PACT_PROPRETE:
            data["pact"] = None
        if consideration.mode_calcul != ModeCalcul.TRANCHE_FACTUREE:
            data["tranche"] = None
        return data

    def get_heures_dues_en_vigueur(self, consideration) -> int | None:
        """The hours due in force today: those of the latest avenant in effect, else the calibrated hours."""
        aujourdhui = timezone.localdate()
        heures = consideration.heures_dues
        for avenant in consideration.avenants.all():  # prefetched, by date of effect
            if avenant.date_effet <= aujourdhui:
                heures = avenant.heures_dues
        return None if heures is None else int(heures)

    def get_base_legale(self, consideration) -> str:
        return FICHES[consideration.type].base_legale

    def get_decp(self, consideration) -> str:
        return FICHES[consideration.type].decp


class AvenantSerializer(ModelSerializer):
    consideration = TenantPrimaryKeyField(Consideration)
    heures_dues = HeuresEntieresField(min_value=0)

    class Meta:
        model = AvenantHeures
        fields = ["id", *CHAMPS_AVENANT, "cree_le"]
        read_only_fields = ["cree_le"]


class AttributionSerializer(ModelSerializer):
    lot = TenantPrimaryKeyField(Lot)
    entreprise = TenantPrimaryKeyField(Entreprise)
    entreprise_nom = serializers.CharField(source="entreprise.raison_sociale", read_only=True)
    marche = serializers.IntegerField(source="lot.marche_id", read_only=True)

    class Meta:
        model = Attribution
        fields = ["id", *CHAMPS_ATTRIBUTION, "entreprise_nom", "marche"]
        validators = []  # the service checks the one titulaire per lot, with the French message


def _api(erreur: DjangoValidationError) -> DjangoValidationError:
    """A service's error on a ``pact_*`` or ``tranche_*`` field is reported on ``pact`` or ``tranche``."""
    if not hasattr(erreur, "error_dict"):
        return erreur
    regroupees = {}
    for champ, erreurs in erreur.error_dict.items():
        cle = champ.split("_", 1)[0] if champ.startswith(("pact_", "tranche_")) else champ
        regroupees.setdefault(cle, []).extend(erreurs)
    return DjangoValidationError(regroupees)


class _Ecritures:
    """The three service calls of a viewset, named by ``service`` (``marche`` → ``marche_create``…)."""

    service = ""

    def creer(self, **kwargs):
        return getattr(services, f"{self.service}_create")(**kwargs)

    def modifier(self, instance, /, **kwargs):
        return getattr(services, f"{self.service}_update")(**{self.service: instance}, **kwargs)

    def supprimer(self, instance, /, **kwargs):
        getattr(services, f"{self.service}_delete")(**{self.service: instance}, **kwargs)


class MarchesViewSet(_Ecritures, ServiceViewSetMixin, GuichetAPIMixin, viewsets.ModelViewSet):
    """Reads through the selector named ``selecteur`` (``marches.selectors``), writes through the services."""

    permission_view = "marches.view"
    permission_change = "marches.change"
    selecteur = ""

    def tenant_queryset(self):
        return getattr(selectors, self.selecteur)(guichet=self.guichet, membre=self.membre)


class OperationViewSet(MarchesViewSet):
    """Optional groupings of marchés (an urban renewal project…)."""

    serializer_class = OperationSerializer
    filterset_class = OperationFilter
    service = "operation"
    selecteur = "operations_visibles"


class MarcheViewSet(MarchesViewSet):
    """Marchés; a buyer member reads its own, a company member those where it holds a lot. ``statut_climat``:
    the marché against the Loi Climat obligation (CCP L2112-2-1)."""

    serializer_class = MarcheSerializer
    filterset_class = MarcheFilter
    service = "marche"
    selecteur = "marches_visibles"


class LotViewSet(MarchesViewSet):
    """Lots (``date_*_execution`` null: the marché's; ``debut``/``fin``: the dates retained)."""

    serializer_class = LotSerializer
    filterset_class = LotFilter
    service = "lot"
    selecteur = "lots_visibles"

    @extend_schema(responses=SuiviSerializer)
    @action(detail=True, methods=["get"])
    def suivi(self, request, guichet_slug, pk):
        """The lot's progress (api.md): hours due, done (validated lines of every company of the lot), rate,
        remaining, dépassement, projection at the end date, risk status, estimated penalties."""
        return Response(SuiviSerializer(suivi_du_lot(guichet=self.guichet, lot=self.get_object())).data)


class ConsiderationViewSet(MarchesViewSet):
    """Social considerations of the lots; an hours clause is calibrated when written (400 with the reason when
    it cannot be)."""

    serializer_class = ConsiderationSerializer
    filterset_class = ConsiderationFilter
    service = "consideration"
    selecteur = "considerations_visibles"

    def creer(self, **kwargs):
        try:
            return super().creer(**kwargs)
        except DjangoValidationError as erreur:
            raise _api(erreur) from erreur

    def modifier(self, instance, /, **kwargs):
        try:
            return super().modifier(instance, **kwargs)
        except DjangoValidationError as erreur:
            raise _api(erreur) from erreur


class AvenantViewSet(MarchesViewSet):
    """Avenants of an hours clause: the hours due from a date of effect (the history is kept)."""

    serializer_class = AvenantSerializer
    filterset_class = AvenantFilter
    service = "avenant"
    selecteur = "avenants_visibles"


class AttributionViewSet(MarchesViewSet):
    """Companies on the lots: one titulaire per lot, co-traitants, sous-traitants."""

    serializer_class = AttributionSerializer
    filterset_class = AttributionFilter
    service = "attribution"
    selecteur = "attributions_visibles"


class SimulationSerializer(serializers.Serializer):
    """The simulator's inputs: those of an hours clause, and the lot's amount and sector."""

    mode_calcul = serializers.ChoiceField(choices=ModeCalcul.choices, default=ModeCalcul.FORMULE)
    secteur = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    montant_ht = serializers.DecimalField(required=False, allow_null=True, **MONTANT)
    taux_main_oeuvre = serializers.DecimalField(required=False, allow_null=True, **TAUX)
    taux_insertion = serializers.DecimalField(required=False, allow_null=True, **TAUX)
    cout_horaire = serializers.DecimalField(
        required=False, allow_null=True, max_digits=8, decimal_places=2, min_value=0
    )
    heures_forfait = serializers.DecimalField(
        required=False, allow_null=True, max_digits=12, decimal_places=2, min_value=0
    )
    pact = serializers.DictField(required=False, allow_null=True)
    tranche = serializers.DictField(required=False, allow_null=True)


class SimulationResultatSerializer(serializers.Serializer):
    heures_dues = HeuresEntieresField()
    heures_dues_brutes = serializers.DecimalField(max_digits=12, decimal_places=2)
    sous_seuil = serializers.BooleanField()
    pas_de_clause = serializers.BooleanField()
    explication = serializers.CharField()
    remarques = serializers.ListField(child=serializers.CharField())


class SimulationView(GuichetAPIMixin, APIView):
    """Calibrate an hours clause without recording anything (the simulator's computation), with the guichet's
    settings."""

    permission_view = "marches.view"
    permission_change = "marches.view"

    @extend_schema(request=SimulationSerializer, responses=SimulationResultatSerializer)
    def post(self, request, guichet_slug):
        serializer = SimulationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        defauts = calibrage.Defauts.depuis(parametres_of(guichet=self.guichet))
        try:
            resultat = calibrage.calibrer(
                calibrage.Entrees(
                    mode=data["mode_calcul"],
                    **{champ: data.get(champ) for champ in ("secteur", "montant_ht", "taux_main_oeuvre")},
                    **{champ: data.get(champ) for champ in ("taux_insertion", "cout_horaire", "heures_forfait")},
                    pact=data.get("pact"),
                    tranche=data.get("tranche"),
                ),
                defauts,
            )
        except calibrage.ErreurCalibrage as erreur:
            champ = (erreur.champ or "non_field_errors").split(".")[0]
            raise serializers.ValidationError({champ: [erreur.message]}) from erreur
        return Response(
            SimulationResultatSerializer(
                {
                    "heures_dues": resultat.heures_dues,
                    "heures_dues_brutes": resultat.heures_dues_brutes,
                    "sous_seuil": resultat.sous_seuil,
                    "pas_de_clause": resultat.pas_de_clause,
                    "explication": resultat.explication,
                    "remarques": list(resultat.remarques),
                }
            ).data
        )


ROUTES = [
    ("operations", OperationViewSet, "operation"),
    ("marches", MarcheViewSet, "marche"),
    ("lots", LotViewSet, "lot"),
    ("considerations", ConsiderationViewSet, "consideration"),
    ("avenants", AvenantViewSet, "avenant"),
    ("attributions", AttributionViewSet, "attribution"),
]
