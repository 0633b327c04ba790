from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Substr

from guichet.fields import SiretField, valider_code_postal, valider_telephone
from guichet.tenancy import TenantModel, champs_modifiables, scoped_manager

from .enums import STRUCTURES_INCLUSIVES, TypeStructure


class EntrepriseQuerySet(models.QuerySet):
    def structures_inclusives(self):
        return self.filter(type_structure__in=STRUCTURES_INCLUSIVES)


class Entreprise(TenantModel):
    """A company that wins lots and owes insertion hours, or a structure inclusive (domain.md §1)."""

    raison_sociale = models.CharField("raison sociale", max_length=200)
    siret = SiretField("SIRET")
    # The company (SIREN) behind the establishment: reporting counts distinct companies (domain.md §9).
    siren = models.GeneratedField(
        expression=Substr("siret", 1, 9), output_field=models.CharField("SIREN", max_length=9), db_persist=True
    )
    type_structure = models.CharField(
        "type de structure", max_length=20, choices=TypeStructure, default=TypeStructure.CLASSIQUE
    )
    code_naf = models.CharField(
        "code NAF",
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{2}\.\d{2}[A-Z]$", "Le code NAF s'écrit comme 43.99C.")],
        help_text="Activité principale, par exemple 43.99C.",
    )
    adresse = models.CharField("adresse", max_length=255, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True, validators=[valider_code_postal])
    commune = models.CharField("commune", max_length=120, blank=True)
    contact_nom = models.CharField("personne à contacter", max_length=200, blank=True, help_text="Prénom et nom.")
    contact_fonction = models.CharField("sa fonction", max_length=200, blank=True)
    contact_email = models.EmailField("son adresse électronique", blank=True)
    contact_telephone = models.CharField("son téléphone", max_length=20, blank=True, validators=[valider_telephone])
    notes = models.TextField("notes", blank=True)

    objects = scoped_manager(EntrepriseQuerySet)

    class Meta:
        verbose_name = "entreprise"
        ordering = ["raison_sociale"]
        constraints = [
            models.UniqueConstraint(
                fields=["guichet", "siret"],
                name="entreprise_siret_unique_par_guichet",
                violation_error_message="Une entreprise du guichet a déjà ce SIRET.",
            )
        ]

    def __str__(self):
        return self.raison_sociale

    @property
    def est_structure_inclusive(self):
        return self.type_structure in STRUCTURES_INCLUSIVES


CHAMPS_ENTREPRISE = champs_modifiables(Entreprise)
