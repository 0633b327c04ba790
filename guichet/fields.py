"""Model fields shared by the apps."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from stdnum.fr import siret

valider_code_postal = RegexValidator(r"^\d{5}$", "Le code postal compte cinq chiffres.")
valider_telephone = RegexValidator(r"^\+?[0-9 .()-]{6,20}$", "Saisissez un numéro de téléphone (chiffres et espaces).")


def valider_siret(value):
    """14 digits whose Luhn key is right (La Poste's establishments have their own rule, which stdnum knows)."""
    if value and not siret.is_valid(value):
        raise ValidationError(
            "Ce numéro SIRET n'est pas valide : il faut 14 chiffres et une clé de contrôle correcte.", code="siret"
        )


class SiretField(models.CharField):
    """A SIRET stored as its 14 digits; typed with spaces or dots, it is compacted before validation."""

    default_validators = [valider_siret]

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 14
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return siret.compact(value) if value else value

    def formfield(self, **kwargs):
        # "123 456 789 00012" is longer than the 14 digits it stands for.
        return super().formfield(**{"max_length": 20, "help_text": "14 chiffres.", **kwargs})
