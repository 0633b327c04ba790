from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum

from guichet.enums import Secteur, TypeConsideration
from guichet.fields import SiretField, valider_code_postal
from guichet.models import ContactBase, un_seul_contact_principal
from guichet.tenancy import TenantModel, champs_modifiables, scoped_manager

from .enums import PotentielSocial, RoleContact, TypeAcheteur


class AcheteurQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(archive=False)


class Acheteur(TenantModel):
    """A public or private buyer that puts social considerations in its contracts (domain.md §1)."""

    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=30, choices=TypeAcheteur)
    siret = SiretField("SIRET", blank=True)
    adresse = models.CharField("adresse", max_length=255, blank=True)
    code_postal = models.CharField(
        "code postal",
        max_length=5,
        blank=True,
        validators=[valider_code_postal],
    )
    commune = models.CharField("commune", max_length=120, blank=True)
    mutualisation_autorisee = models.BooleanField(
        "mutualisation des heures autorisée",
        default=True,
        help_text="Les heures d'une entreprise peuvent être réparties entre ses lots de cet acheteur et d'autres.",
    )
    notes = models.TextField("notes", blank=True)
    archive = models.BooleanField("archivé", default=False)

    objects = scoped_manager(AcheteurQuerySet)

    class Meta:
        verbose_name = "acheteur"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["guichet", "nom"],
                name="acheteur_nom_unique_par_guichet",
                violation_error_message="Un acheteur porte déjà ce nom dans le guichet.",
            ),
            models.UniqueConstraint(
                fields=["guichet", "siret"],
                condition=~Q(siret=""),
                name="acheteur_siret_unique_par_guichet",
                violation_error_message="Un acheteur du guichet a déjà ce SIRET.",
            ),
        ]

    def __str__(self):
        return self.nom


class Contact(ContactBase):
    """A person the facilitator works with at the buyer."""

    ORGANISATION = "acheteur"

    acheteur = models.ForeignKey(Acheteur, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField("rôle", max_length=30, choices=RoleContact, default=RoleContact.ACHETEUR)

    objects = scoped_manager()

    class Meta(ContactBase.Meta):
        constraints = [un_seul_contact_principal("acheteur", "Cet acheteur a déjà un contact principal.")]


class ProgrammationQuerySet(models.QuerySet):
    def avec_totaux(self):
        """Count and total of the planned purchases, and how many could carry a social consideration."""
        return self.annotate(
            nombre_achats=Count("achats", distinct=True),
            montant_total=Sum("achats__montant_estime_ht"),
            nombre_potentiels=Count("achats", filter=Q(achats__consideration_possible=PotentielSocial.OUI)),
        )


class Programmation(TenantModel):
    """A buyer's purchase programme for one year, reviewed at the yearly meeting with the facilitator
    (seed 000, « rendez-vous annuel sur l'analyse de la programmation marché »)."""

    acheteur = models.ForeignKey(Acheteur, on_delete=models.PROTECT, related_name="programmations")
    annee = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    date_rencontre = models.DateField("date du rendez-vous annuel", null=True, blank=True)
    commentaire = models.TextField("synthèse du rendez-vous", blank=True)

    objects = scoped_manager(ProgrammationQuerySet)

    class Meta:
        verbose_name = "programmation annuelle"
        verbose_name_plural = "programmations annuelles"
        ordering = ["-annee", "acheteur__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["guichet", "acheteur", "annee"],
                name="programmation_unique_par_acheteur_et_annee",
                violation_error_message="Cet acheteur a déjà une programmation pour cette année.",
            )
        ]

    def __str__(self):
        return f"Programmation {self.annee} de {self.acheteur}"


class AchatPrevu(TenantModel):
    """A planned purchase of the programme, with the facilitator's analysis.

    "Transformer en marché" creates the marché (status ``programme``) and keeps the link (``marche``).
    """

    programmation = models.ForeignKey(Programmation, on_delete=models.CASCADE, related_name="achats")
    objet = models.CharField("objet", max_length=255)
    montant_estime_ht = models.DecimalField(
        "montant estimé HT (€)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    date_prevue = models.DateField("date prévue du lancement", null=True, blank=True)
    secteur = models.CharField("secteur", max_length=40, choices=Secteur, blank=True)
    consideration_possible = models.CharField(
        "peut porter une considération sociale",
        max_length=12,
        choices=PotentielSocial,
        default=PotentielSocial.A_ETUDIER,
    )
    consideration_conseillee = models.CharField(
        "considération conseillée", max_length=30, choices=TypeConsideration, blank=True
    )
    commentaire = models.TextField("commentaire", blank=True)
    marche = models.OneToOneField(
        "marches.Marche",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="achat_prevu",
        verbose_name="marché",
    )

    objects = scoped_manager()

    class Meta:
        verbose_name = "achat prévu"
        verbose_name_plural = "achats prévus"
        ordering = [models.F("date_prevue").asc(nulls_last=True), "id"]

    def __str__(self):
        return self.objet

    def clean(self):
        if self.consideration_conseillee and self.consideration_possible == PotentielSocial.NON:
            raise ValidationError(
                {"consideration_conseillee": "Aucune considération ne se conseille pour un achat jugé sans potentiel."}
            )


CHAMPS_ACHETEUR = champs_modifiables(Acheteur)
CHAMPS_CONTACT = champs_modifiables(Contact)
CHAMPS_PROGRAMMATION = champs_modifiables(Programmation)
CHAMPS_ACHAT_PREVU = champs_modifiables(AchatPrevu)
