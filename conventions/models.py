from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Value, When

from acheteurs.models import Acheteur
from guichet.fichiers import chemin_prive, nom_fichier, valider_document
from guichet.tenancy import TenantModel, champs_modifiables, scoped_manager

from .enums import (
    STATUTS_ENREGISTRES,
    Frequence,
    ModeParticipation,
    PartenaireNational,
    ServiceConvention,
    StatutConvention,
    TypeEvenement,
)


class ConventionQuerySet(models.QuerySet):
    def avec_etat(self, aujourdhui):
        """``etat``: the stored status, or ``expiree`` for a signed convention whose end date has passed.

        The one definition of the derived status: lists, filters, the API and the warnings all read it.
        """
        return self.annotate(
            etat=Case(
                When(statut=StatutConvention.SIGNEE, date_fin__lt=aujourdhui, then=Value(StatutConvention.EXPIREE)),
                default=F("statut"),
                output_field=models.CharField(),
            )
        )

    def arrivant_a_echeance(self, aujourdhui, jours):
        """Signed conventions that end between today and ``jours`` days from now."""
        return self.filter(
            statut=StatutConvention.SIGNEE, date_fin__gte=aujourdhui, date_fin__lte=aujourdhui + timedelta(days=jours)
        )


class Convention(TenantModel):
    """The partnership convention between the guichet and a buyer (domain.md §8, seed 000).

    It records the parties and signatories, the duration and tacit renewal, the services the facilitator
    provides, the buyer's financial participation, the reciprocal commitments, confidentiality, governance
    and reporting, and, for a local declination of a national convention (AVE with UGAP, VNF…), the
    national partner.
    """

    acheteur = models.ForeignKey(Acheteur, on_delete=models.PROTECT, related_name="conventions")
    reference = models.CharField("référence", max_length=60)
    objet = models.CharField("intitulé", max_length=255, blank=True)
    statut = models.CharField("statut", max_length=10, choices=STATUTS_ENREGISTRES, default=StatutConvention.PROJET)
    date_debut = models.DateField("date de début")
    date_fin = models.DateField("date de fin")
    date_signature = models.DateField("date de signature", null=True, blank=True)
    signataire_guichet = models.CharField(
        "signataire pour le guichet", max_length=200, blank=True, help_text="Nom et fonction."
    )
    signataire_acheteur = models.CharField(
        "signataire pour l'acheteur", max_length=200, blank=True, help_text="Nom et fonction."
    )
    # Tacit renewal: at its end, a signed convention is extended by ``duree_reconduction_mois``, at most
    # ``reconductions_max`` times (no limit when empty), unless one party terminated it.
    reconduction_tacite = models.BooleanField("reconduction tacite", default=False)
    duree_reconduction_mois = models.PositiveSmallIntegerField(
        "durée d'une reconduction (mois)", default=12, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    reconductions_max = models.PositiveSmallIntegerField(
        "nombre maximal de reconductions", null=True, blank=True, help_text="Vide : sans limite."
    )
    reconductions = models.PositiveSmallIntegerField("reconductions effectuées", default=0, editable=False)
    services = ArrayField(
        models.CharField(max_length=30, choices=ServiceConvention),
        verbose_name="services du guichet",
        default=list,
        blank=True,
    )
    participation_mode = models.CharField(
        "participation financière", max_length=20, choices=ModeParticipation, default=ModeParticipation.AUCUNE
    )
    participation_montant = models.DecimalField(
        "montant de la participation (€)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Par an, par marché ou par heure selon le mode.",
    )
    engagements_guichet = models.TextField("engagements du guichet", blank=True)
    engagements_acheteur = models.TextField("engagements de l'acheteur", blank=True)
    clause_confidentialite = models.TextField("clause de confidentialité", blank=True)
    frequence_copil = models.CharField("fréquence du comité de pilotage", max_length=20, choices=Frequence, blank=True)
    gouvernance = models.TextField("gouvernance", blank=True, help_text="Composition et rôle du comité de pilotage.")
    frequence_reporting = models.CharField("fréquence des bilans", max_length=20, choices=Frequence, blank=True)
    engagements_reporting = models.TextField(
        "engagements de reporting", blank=True, help_text="Bilans, indicateurs et destinataires."
    )
    partenaire_national = models.CharField(
        "déclinaison de la convention nationale avec",
        max_length=20,
        choices=PartenaireNational,
        blank=True,
    )
    convention_nationale = models.CharField(
        "convention nationale de référence",
        max_length=200,
        blank=True,
        help_text="Par exemple : convention Alliance Villes Emploi – UGAP du 5 juillet 2022.",
    )
    document = models.FileField(
        "convention signée", upload_to=chemin_prive, max_length=255, blank=True, validators=[valider_document]
    )
    commentaire = models.TextField("commentaire", blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    maj_le = models.DateTimeField("mise à jour le", auto_now=True)

    objects = scoped_manager(ConventionQuerySet)

    class Meta:
        verbose_name = "convention de partenariat"
        verbose_name_plural = "conventions de partenariat"
        ordering = ["-date_debut", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["guichet", "reference"],
                name="convention_reference_unique_par_guichet",
                violation_error_message="Une convention du guichet porte déjà cette référence.",
            )
        ]
        indexes = [models.Index(fields=["guichet", "date_fin"], name="convention_guichet_fin")]

    def __str__(self):
        return f"{self.reference} ({self.acheteur})"

    def clean(self):
        errors = {}
        if self.date_debut and self.date_fin and self.date_fin < self.date_debut:
            errors["date_fin"] = "La date de fin doit suivre la date de début."
        if self.participation_mode == ModeParticipation.AUCUNE and self.participation_montant:
            errors["participation_montant"] = "Sans participation financière, ne saisissez pas de montant."
        elif self.participation_mode != ModeParticipation.AUCUNE and self.participation_montant is None:
            errors["participation_montant"] = "Indiquez le montant de la participation financière."
        if self.convention_nationale and not self.partenaire_national:
            errors["partenaire_national"] = (
                "Choisissez le partenaire national dont cette convention est la déclinaison."
            )
        if errors:
            raise ValidationError(errors)
        # Each service once, in the order of the offer (unknown values were refused by clean_fields).
        self.services = [value for value in ServiceConvention.values if value in set(self.services or [])]

    def get_etat_display(self):
        """The derived status' label; the convention comes from a selector (``avec_etat``)."""
        return StatutConvention(self.etat).label

    def get_services_display(self):
        return [ServiceConvention(value).label for value in self.services]

    @property
    def reconductible(self):
        return self.reconduction_tacite and (
            self.reconductions_max is None or self.reconductions < self.reconductions_max
        )


class AlerteEcheance(TenantModel):
    """The warning sent for one end date of a convention: the daily job warns once per (convention, end date).

    A renewal or a new end date is a new warning; running the job twice the same day is not.
    """

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="alertes")
    date_fin = models.DateField("date de fin annoncée")
    destinataires = models.PositiveSmallIntegerField("destinataires prévenus", default=0)
    cree_le = models.DateTimeField("envoyée le", auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "alerte de fin de convention"
        verbose_name_plural = "alertes de fin de convention"
        constraints = [
            models.UniqueConstraint(
                fields=["guichet", "convention", "date_fin"], name="alerte_echeance_unique_par_date_fin"
            )
        ]


class Evenement(TenantModel):
    """A partnership event: yearly programme meeting, comité de pilotage, club, after-work… (seed 000, III)."""

    type = models.CharField("type", max_length=30, choices=TypeEvenement)
    titre = models.CharField("titre", max_length=200)
    date = models.DateField("date")
    lieu = models.CharField("lieu", max_length=200, blank=True)
    acheteurs = models.ManyToManyField(
        Acheteur, through="EvenementAcheteur", related_name="evenements", verbose_name="acheteurs présents", blank=True
    )
    participants = models.TextField("autres participants", blank=True, help_text="Partenaires, entreprises, élus…")
    nombre_participants = models.PositiveIntegerField("nombre de participants", null=True, blank=True)
    compte_rendu = models.TextField("compte rendu", blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    maj_le = models.DateTimeField("mis à jour le", auto_now=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "événement"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["guichet", "-date"], name="evenement_guichet_date")]

    def __str__(self):
        return f"{self.titre} ({self.date:%d/%m/%Y})"


class EvenementAcheteur(TenantModel):
    """A buyer present at an event (a table of its own, so it carries the guichet like every table)."""

    evenement = models.ForeignKey(Evenement, on_delete=models.CASCADE, related_name="+")
    acheteur = models.ForeignKey(Acheteur, on_delete=models.PROTECT, related_name="+")

    objects = scoped_manager()

    class Meta:
        verbose_name = "présence d'un acheteur"
        verbose_name_plural = "présences des acheteurs"
        constraints = [
            models.UniqueConstraint(fields=["guichet", "evenement", "acheteur"], name="evenement_acheteur_unique")
        ]


class DocumentEvenement(TenantModel):
    """A document of an event (minutes, slides, attendance sheet), stored privately."""

    evenement = models.ForeignKey(Evenement, on_delete=models.CASCADE, related_name="documents")
    titre = models.CharField("titre", max_length=200, blank=True)
    fichier = models.FileField("fichier", upload_to=chemin_prive, max_length=255, validators=[valider_document])
    ajoute_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ajoute_le = models.DateTimeField("ajouté le", auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "document d'événement"
        verbose_name_plural = "documents d'événements"
        ordering = ["ajoute_le", "id"]

    def __str__(self):
        return self.titre or nom_fichier(self.fichier)


CHAMPS_CONVENTION = champs_modifiables(Convention)
# The buyers present are set apart (a many-to-many relation): see ``evenement_create``.
CHAMPS_EVENEMENT = champs_modifiables(Evenement, exclure=("cree_par",))
