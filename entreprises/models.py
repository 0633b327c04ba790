from django.db import models

from guichet.tenancy import TenantModel, scoped_manager

from .enums import STRUCTURES_INCLUSIVES, TypeStructure


class EntrepriseQuerySet(models.QuerySet):
    def structures_inclusives(self):
        return self.filter(type_structure__in=STRUCTURES_INCLUSIVES)


class Entreprise(TenantModel):
    """A company that wins lots and owes insertion hours, or a structure inclusive."""

    raison_sociale = models.CharField("raison sociale", max_length=200)
    siret = models.CharField("SIRET", max_length=14)
    type_structure = models.CharField(
        "type de structure", max_length=20, choices=TypeStructure, default=TypeStructure.CLASSIQUE
    )

    objects = scoped_manager(EntrepriseQuerySet)

    class Meta:
        verbose_name = "entreprise"
        ordering = ["raison_sociale"]
        constraints = [models.UniqueConstraint(fields=["guichet", "siret"], name="entreprise_siret_unique_par_guichet")]

    def __str__(self):
        return self.raison_sociale

    @property
    def est_structure_inclusive(self):
        return self.type_structure in STRUCTURES_INCLUSIVES
