"""The documents the guichet produces: PDF bilans and spreadsheet exports. Each is a row (what was asked, by whom)
and a private file, written by a Celery task (``reporting.tasks``); the row keeps its ``Tache`` to show the
progress. Their state is that task's while it lives, then the file's (see :attr:`DocumentProduit.statut`)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from acheteurs.models import Acheteur
from entreprises.models import Entreprise
from guichet.enums import EtatTache
from guichet.fichiers import chemin_prive
from guichet.models import Tache, Utilisateur
from guichet.tenancy import TenantModel
from marches.models import Lot, Marche

from .enums import FormatExport, TypeBilan, TypeExport


class DocumentProduit(TenantModel):
    titre = models.CharField("titre", max_length=255)
    annee = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    fichier = models.FileField("fichier", upload_to=chemin_prive, max_length=255, blank=True)
    tache = models.ForeignKey(Tache, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    demandeur = models.ForeignKey(Utilisateur, on_delete=models.SET_NULL, null=True, related_name="+")
    cree_le = models.DateTimeField("demandé le", auto_now_add=True)
    genere_le = models.DateTimeField("produit le", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-cree_le", "-id"]

    def __str__(self):
        return self.titre

    @property
    def statut(self):
        """The state of the latest production (``EtatTache``): its task's while the task is kept, then ``termine``
        when the file exists. A regeneration keeps the previous file downloadable until the new one replaces it.
        Finished tasks are purged after a while (``taches_purger``): the file then speaks for itself."""
        if self.tache_id is not None:
            return self.tache.etat
        return EtatTache.TERMINE if self.fichier else EtatTache.ECHEC

    @property
    def progression(self):
        return self.tache.progression if self.tache_id is not None else (100 if self.fichier else 0)

    @property
    def en_cours(self):
        return self.statut in {EtatTache.EN_ATTENTE, EtatTache.EN_COURS}


class Bilan(DocumentProduit):
    """A PDF bilan. Which parameters it uses depends on its type: ``acheteur`` (a buyer's bilan; for the end of a
    marché, the marché's buyer, so that the buyer reads it), ``marche``, ``entreprise`` and ``lot`` (attestation)."""

    type = models.CharField("type", max_length=30, choices=TypeBilan)
    acheteur = models.ForeignKey(Acheteur, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    marche = models.ForeignKey(
        Marche, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="marché"
    )
    entreprise = models.ForeignKey(Entreprise, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta(DocumentProduit.Meta):
        verbose_name = "bilan"
        indexes = [models.Index(fields=["guichet", "type"], name="bilan_guichet_type")]


class Export(DocumentProduit):
    type = models.CharField("type", max_length=30, choices=TypeExport)
    format = models.CharField("format", max_length=4, choices=FormatExport, default=FormatExport.XLSX)

    class Meta(DocumentProduit.Meta):
        verbose_name = "export"
