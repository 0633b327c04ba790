from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Substr

from guichet.fields import SiretField, valider_code_postal
from guichet.models import ContactBase, un_seul_contact_principal
from guichet.tenancy import TenantModel, champs_modifiables, scoped_manager

from .enums import STRUCTURES_INCLUSIVES, RoleContactEntreprise, TypeStructure


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


class ContactEntreprise(ContactBase):
    """A person the facilitator works with at the company."""

    ORGANISATION = "entreprise"

    entreprise = models.ForeignKey(Entreprise, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(
        "rôle", max_length=30, choices=RoleContactEntreprise, default=RoleContactEntreprise.REFERENT_CLAUSE
    )

    objects = scoped_manager()

    class Meta(ContactBase.Meta):
        verbose_name = "contact d'entreprise"
        verbose_name_plural = "contacts d'entreprise"
        constraints = [un_seul_contact_principal("entreprise", "Cette entreprise a déjà un contact principal.")]


CHAMPS_ENTREPRISE = champs_modifiables(Entreprise)
CHAMPS_CONTACT_ENTREPRISE = champs_modifiables(ContactEntreprise)
