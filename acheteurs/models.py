from django.db import models

from guichet.tenancy import TenantModel, scoped_manager

from .enums import TypeAcheteur


class AcheteurQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(archive=False)


class Acheteur(TenantModel):
    """A public or private buyer that puts social considerations in its contracts (domain.md §1)."""

    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=30, choices=TypeAcheteur)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    mutualisation_autorisee = models.BooleanField("mutualisation des heures autorisée", default=True)
    archive = models.BooleanField("archivé", default=False)

    objects = scoped_manager(AcheteurQuerySet)

    class Meta:
        verbose_name = "acheteur"
        ordering = ["nom"]
        constraints = [models.UniqueConstraint(fields=["guichet", "nom"], name="acheteur_nom_unique_par_guichet")]

    def __str__(self):
        return self.nom
