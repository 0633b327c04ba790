from django.db import models
from rest_framework import serializers

from acheteurs.models import Acheteur
from entreprises.models import Entreprise

from ..enums import Role
from ..models import PARAMETRES_MODIFIABLES, JournalAudit, Membre, Parametres, Tache
from .fields import DateField, FichierPriveField, TenantPrimaryKeyField


class ModelSerializer(serializers.ModelSerializer):
    """The base of the API's model serializers: model dates are read with the API's ``DateField`` (1900 to 2199)."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.DateField: DateField}


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    code = serializers.CharField(
        required=False,
        max_length=32,
        help_text="Code à usage unique (application d'authentification ou code de secours) : obligatoire pour les "
        "comptes à double authentification.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class SeuilsEuropeensSerializer(serializers.Serializer):
    """One dated set of EU thresholds (Loi Climat, CCP L2112-2-1), in euros HT."""

    date_effet = DateField()
    fournitures_services_etat = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=1)
    fournitures_services = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=1)
    travaux = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=1)

    def validate(self, data):
        return {cle: str(valeur) for cle, valeur in data.items()}  # stored as JSON: strings, never floats


class ParametresSerializer(ModelSerializer):
    taux_main_oeuvre = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=4, min_value=0, max_value=1)
    )
    seuils_europeens = SeuilsEuropeensSerializer(many=True)

    class Meta:
        model = Parametres
        fields = PARAMETRES_MODIFIABLES

    def validate_taux_main_oeuvre(self, table):
        # Stored as JSON: decimal strings, never floats.
        return {secteur: str(rate) for secteur, rate in table.items()}


class MembreSerializer(ModelSerializer):
    email = serializers.EmailField(source="utilisateur.email")
    nom = serializers.CharField(source="utilisateur.get_full_name", read_only=True)
    acheteur = TenantPrimaryKeyField(Acheteur, required=False, allow_null=True)
    entreprise = TenantPrimaryKeyField(Entreprise, required=False, allow_null=True)

    class Meta:
        model = Membre
        fields = ["id", "email", "nom", "role", "acheteur", "entreprise", "actif", "cree_le"]
        read_only_fields = ["id", "cree_le"]

    def validate(self, data):
        role = data.get("role", getattr(self.instance, "role", None))
        if self.instance is not None and "utilisateur" in data:
            raise serializers.ValidationError({"email": "L'adresse d'un membre ne se modifie pas."})
        acheteur = data.get("acheteur", getattr(self.instance, "acheteur", None))
        entreprise = data.get("entreprise", getattr(self.instance, "entreprise", None))
        if role == Role.ACHETEUR and acheteur is None:
            raise serializers.ValidationError({"acheteur": "Un membre acheteur doit être rattaché à un acheteur."})
        if role == Role.ENTREPRISE and entreprise is None:
            raise serializers.ValidationError(
                {"entreprise": "Un membre entreprise doit être rattaché à une entreprise."}
            )
        return data


class TacheSerializer(ModelSerializer):
    fichier = FichierPriveField("api:tache-telecharger", read_only=True)

    class Meta:
        model = Tache
        fields = ["id", "type", "libelle", "etat", "progression", "resultat", "erreur", "fichier", "cree_le"]


class JournalSerializer(ModelSerializer):
    acteur = serializers.EmailField(source="acteur.email", default=None, read_only=True, allow_null=True)

    class Meta:
        model = JournalAudit
        fields = ["id", "cree_le", "acteur", "action", "cible_type", "cible_id", "cible_libelle", "details"]


class TacheLanceeSerializer(serializers.Serializer):
    tache = serializers.UUIDField()
