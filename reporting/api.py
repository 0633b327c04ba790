"""API of the reporting app: ``indicateurs/`` (api.md), the key figures of a year, read from
``reporting.indicateurs`` like the dashboards and the bilans."""

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from guichet.api.fields import HeuresEntieresField
from guichet.api.views import GuichetAPIMixin

from . import indicateurs
from .forms import FiltresIndicateursForm


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
