from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Substr

from guichet.fichiers import chemin_prive, valider_document
from guichet.fields import SiretField, valider_code_postal
from guichet.models import ContactBase, un_seul_contact_principal
from guichet.tenancy import TenantModel, champs_modifiables, scoped_manager

from .enums import (
    STRUCTURES_INCLUSIVES,
    ModaliteDecompte,
    RegleAllocation,
    RoleContactEntreprise,
    SourceReleve,
    StatutLigne,
    StatutReleve,
    StatutRisque,
    TypePiece,
    TypeStructure,
)
from .moteur import Motif


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
        # The list's order (``entreprises_visibles``): its first page is read off the index, without a sort.
        indexes = [models.Index(fields=["guichet", "raison_sociale", "id"], name="entreprise_liste")]
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


def _heures(verbose_name, **options):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **options)


class ReleveQuerySet(models.QuerySet):
    def ouverts(self):
        return self.filter(statut__in=[StatutReleve.BROUILLON, StatutReleve.SOUMIS])

    def en_vigueur(self):
        """Without the relevés a validated correction replaced (a correction carries every line of the month
        again): their lines no longer count."""
        return self.exclude(Exists(Releve.objects.filter(corrige=OuterRef("pk"), statut=StatutReleve.VALIDE)))


class Releve(TenantModel):
    """A company's statement of insertion hours for one month (api.md ``releves/``, domain.md §4).

    The company drafts it (web entry, import or API) and submits it; a facilitator accepts or rejects each
    line, which locks it. A correction is a new statement for the same month, never an edit of a validated one.
    """

    entreprise = models.ForeignKey(Entreprise, on_delete=models.PROTECT, related_name="releves")
    # The first day of the month; the API reads and writes it as ``YYYY-MM``.
    periode = models.DateField("mois")
    statut = models.CharField("statut", max_length=12, choices=StatutReleve, default=StatutReleve.BROUILLON)
    source = models.CharField("source", max_length=10, choices=SourceReleve, default=SourceReleve.SAISIE)
    corrige = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="relevé corrigé",
        help_text="Le relevé validé que celui-ci corrige.",
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    soumis_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    soumis_le = models.DateTimeField("soumis le", null=True, blank=True, editable=False)
    valide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    valide_le = models.DateTimeField("validé le", null=True, blank=True, editable=False)

    objects = scoped_manager(ReleveQuerySet)

    class Meta:
        verbose_name = "relevé d'heures"
        verbose_name_plural = "relevés d'heures"
        ordering = ["-periode", "entreprise_id", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(periode__day=1),
                name="releve_periode_premier_du_mois",
                violation_error_message=("Le mois d'un relevé est représenté par son premier jour."),
            ),
        ]
        indexes = [models.Index(fields=["guichet", "statut"]), models.Index(fields=["entreprise", "periode"])]

    def __str__(self):
        return f"Relevé {self.periode:%m/%Y} – {self.entreprise}"

    @property
    def modifiable(self):
        return self.statut == StatutReleve.BROUILLON


class LigneReleveQuerySet(models.QuerySet):
    def validees(self):
        """The lines that count (domain.md §4): validated, in a relevé no validated correction has replaced."""
        remplace = Releve.objects.filter(corrige=OuterRef("releve"), statut=StatutReleve.VALIDE)
        return self.filter(statut=StatutLigne.VALIDE).exclude(Exists(remplace))


class LigneReleve(TenantModel):
    """One line of a statement (api.md ``releves/`` ``lignes``), of one of two kinds:

    * a **person line**: hours of one of the company's work contracts (``contrat``, ``heures`` required);
    * a **sous-traitance line**: an amount invoiced by a structure inclusive (``sous_traitant``, ``montant_ht``,
      ``lot`` required; ``heures`` only used when the guichet converts with ``heures_declarees``).
    """

    releve = models.ForeignKey(Releve, on_delete=models.CASCADE, related_name="lignes", verbose_name="relevé")
    contrat = models.ForeignKey(
        "publics.Contrat", on_delete=models.PROTECT, null=True, blank=True, related_name="lignes_releve"
    )
    sous_traitant = models.ForeignKey(
        Entreprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lignes_sous_traitance",
        verbose_name="structure sous-traitante",
    )
    montant_ht = models.DecimalField(
        "montant HT facturé (€)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    lot = models.ForeignKey(
        "marches.Lot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lignes_releve",
        help_text="Affectation explicite à un lot ; obligatoire pour la sous-traitance.",
    )
    date_debut = models.DateField("du")
    date_fin = models.DateField("au")
    heures = _heures("heures", null=True, blank=True, validators=[MinValueValidator(Decimal("0"))])
    statut = models.CharField("statut", max_length=12, choices=StatutLigne, default=StatutLigne.EN_ATTENTE)
    motif_rejet = models.TextField("motif du rejet", blank=True)
    # Row of the imported file, to point the company at it.
    rang_import = models.PositiveIntegerField("ligne du fichier importé", null=True, blank=True, editable=False)

    objects = scoped_manager(LigneReleveQuerySet)

    class Meta:
        verbose_name = "ligne de relevé"
        verbose_name_plural = "lignes de relevé"
        ordering = ["releve_id", "date_debut", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(contrat__isnull=False, sous_traitant__isnull=True, montant_ht__isnull=True, heures__isnull=False)
                    | Q(contrat__isnull=True, sous_traitant__isnull=False, montant_ht__isnull=False, lot__isnull=False)
                ),
                name="ligne_personne_ou_sous_traitance",
                violation_error_message=(
                    "Une ligne porte soit un contrat et des heures, soit une structure sous-traitante, un montant "
                    "et un lot."
                ),
            ),
            models.CheckConstraint(
                condition=Q(date_fin__gte=models.F("date_debut")),
                name="ligne_dates_ordonnees",
                violation_error_message="La date de fin ne peut pas précéder la date de début.",
            ),
            models.CheckConstraint(
                condition=Q(heures__isnull=True) | Q(heures__gte=0),
                name="ligne_heures_positives",
                violation_error_message="Les heures ne peuvent pas être négatives.",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutLigne.REJETE) | ~Q(motif_rejet=""),
                name="ligne_rejet_motive",
                violation_error_message="Indiquez le motif du rejet.",
            ),
        ]
        indexes = [models.Index(fields=["guichet", "statut"])]

    def __str__(self):
        return f"Ligne {self.date_debut:%d/%m/%Y}–{self.date_fin:%d/%m/%Y}"

    @property
    def est_sous_traitance(self):
        return self.sous_traitant_id is not None


class PieceJustificative(TenantModel):
    """Evidence attached to a statement (payslip, attestation of the structure, invoice): stored privately and
    served only to the company, admins and facilitators."""

    releve = models.ForeignKey(Releve, on_delete=models.CASCADE, related_name="pieces", verbose_name="relevé")
    ligne = models.ForeignKey(
        LigneReleve, on_delete=models.SET_NULL, null=True, blank=True, related_name="pieces", verbose_name="ligne"
    )
    type = models.CharField("type de pièce", max_length=30, choices=TypePiece, default=TypePiece.AUTRE)
    fichier = models.FileField("fichier", upload_to=chemin_prive, max_length=255, validators=[valider_document])
    depose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    depose_le = models.DateTimeField("déposée le", auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "pièce justificative"
        verbose_name_plural = "pièces justificatives"
        ordering = ["releve_id", "id"]


class CommentaireReleve(TenantModel):
    """A message between the facilitator and the company about a statement, kept with it."""

    releve = models.ForeignKey(Releve, on_delete=models.CASCADE, related_name="commentaires", verbose_name="relevé")
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    texte = models.TextField("commentaire")
    cree_le = models.DateTimeField("écrit le", auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "commentaire de relevé"
        ordering = ["releve_id", "cree_le", "id"]


class RelanceReleve(TenantModel):
    """A reminder emailed to a company whose relevé of a month had not been submitted by the guichet's deadline
    day (``jour_limite_releve``): one per company and month, however often the daily job runs."""

    entreprise = models.ForeignKey(Entreprise, on_delete=models.CASCADE, related_name="relances")
    periode = models.DateField("mois")
    destinataires = models.PositiveSmallIntegerField("destinataires", default=0)
    envoyee_le = models.DateTimeField("envoyée le", auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "relance de relevé"
        ordering = ["-periode", "entreprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["guichet", "entreprise", "periode"], name="relance_unique_par_mois")
        ]


# --------------------------------------------------------------------------------------------------------
# The hours engine's results (domain.md §4–5): rewritten as a whole, one company at a time, by the recompute.
# --------------------------------------------------------------------------------------------------------


def _lien(model, **options):
    """A link of the ledger. Its rows are derived data, rewritten from the rows they point to, under a lock, by
    ``entreprises.decompte`` (tens of thousands at once for a guichet): they have no database foreign key, whose
    deferred checks would double the time of a recompute; Django's ``on_delete`` still deletes them with the row
    they point to."""
    return models.ForeignKey(model, db_constraint=False, **options)


class _GrandLivre(TenantModel):
    # Its lookups start with the composite indexes (guichet, lot) and (guichet, entreprise): no index of its own.
    guichet = _lien("guichet.Guichet", on_delete=models.CASCADE, related_name="+", editable=False, db_index=False)

    class Meta:
        abstract = True


class Allocation(_GrandLivre):
    """One row of the ventilation ledger (api.md ``allocations/``, domain.md §5.4): hours of a line (or of a
    CDI's valuation, with no line) carried to a lot by a rule, for the days ``debut``–``fin``."""

    entreprise = _lien(Entreprise, on_delete=models.CASCADE, related_name="allocations")
    ligne = _lien(LigneReleve, on_delete=models.CASCADE, null=True, blank=True, related_name="allocations")
    contrat = _lien("publics.Contrat", on_delete=models.CASCADE, null=True, blank=True, related_name="allocations")
    # Its lookups go through the index (guichet, lot): no index of its own (one fewer to write for each row).
    lot = _lien("marches.Lot", on_delete=models.CASCADE, related_name="allocations", db_index=False)
    debut = models.DateField("du")
    fin = models.DateField("au")
    heures = _heures("heures")
    regle = models.CharField("règle", max_length=12, choices=RegleAllocation)
    modalite = models.CharField("modalité", max_length=20, choices=ModaliteDecompte)
    calcule_le = models.DateTimeField("calculé le")

    objects = scoped_manager()

    class Meta:
        verbose_name = "allocation d'heures"
        verbose_name_plural = "grand livre des heures"
        ordering = ["entreprise_id", "id"]
        # (guichet, debut): the indicators read one year of the ledger (reporting.indicateurs).
        indexes = [models.Index(fields=["guichet", "lot"]), models.Index(fields=["guichet", "debut"])]


class Exclusion(_GrandLivre):
    """Hours that do not count, with their reason (domain.md §4), so the facilitator can fix the cause."""

    # Its lookups go through the index (guichet, entreprise).
    entreprise = _lien(Entreprise, on_delete=models.CASCADE, related_name="exclusions", db_index=False)
    ligne = _lien(LigneReleve, on_delete=models.CASCADE, null=True, blank=True, related_name="exclusions")
    contrat = _lien("publics.Contrat", on_delete=models.CASCADE, null=True, blank=True, related_name="exclusions")
    lot = _lien("marches.Lot", on_delete=models.CASCADE, null=True, blank=True, related_name="exclusions")
    debut = models.DateField("du")
    fin = models.DateField("au")
    heures = _heures("heures")
    motif = models.CharField("motif", max_length=40, choices=[(m.value, m.libelle) for m in Motif])
    modalite = models.CharField("modalité", max_length=20, choices=ModaliteDecompte)
    detail = models.CharField("détail", max_length=255, blank=True)
    calcule_le = models.DateTimeField("calculé le")

    objects = scoped_manager()

    class Meta:
        verbose_name = "heures exclues"
        verbose_name_plural = "heures exclues"
        ordering = ["entreprise_id", "id"]
        indexes = [models.Index(fields=["guichet", "entreprise"])]


class SuiviLot(TenantModel):
    """A lot's progress (api.md ``lots/<id>/suivi/``), summed over the ledger of every company of the lot."""

    lot = models.OneToOneField("marches.Lot", on_delete=models.CASCADE, related_name="suivi")
    heures_dues = _heures("heures dues")
    heures_realisees = _heures("heures réalisées")
    taux_realisation = models.DecimalField("taux de réalisation", max_digits=9, decimal_places=4, null=True)
    reste_a_realiser = _heures("reste à réaliser")
    depassement = _heures("dépassement")
    projection_fin = _heures("projection à la fin", null=True)
    statut_risque = models.CharField("statut", max_length=12, choices=StatutRisque)
    penalites_estimees = models.DecimalField("pénalités estimées (€)", max_digits=14, decimal_places=2, null=True)
    calcule_le = models.DateTimeField("calculé le")

    objects = scoped_manager()

    class Meta:
        verbose_name = "suivi d'un lot"
        verbose_name_plural = "suivis des lots"
        # (guichet, calcule_le): the latest change of a guichet's figures, read by each dashboard (its cache key).
        indexes = [models.Index(fields=["guichet", "statut_risque"]), models.Index(fields=["guichet", "-calcule_le"])]


class EmpreinteDecompte(TenantModel):
    """What a company's ledger was computed from: a digest of the engine's inputs (its lines, contracts, lots,
    the guichet's settings and the engine's code) and the size of the ledger written. The nightly recompute
    rewrites only the companies whose digest or ledger differs: the engine is deterministic (domain.md §5.5), so
    the same inputs would give the same ledger."""

    entreprise = _lien(Entreprise, on_delete=models.CASCADE, related_name="+")
    empreinte = models.CharField("empreinte des entrées", max_length=32)
    lignes_grand_livre = models.PositiveIntegerField("lignes du grand livre")
    heures_grand_livre = _heures("heures du grand livre")
    calcule_le = models.DateTimeField("calculé le")

    objects = scoped_manager()

    class Meta:
        verbose_name = "empreinte d'un décompte"
        constraints = [models.UniqueConstraint(fields=["guichet", "entreprise"], name="une_empreinte_par_entreprise")]


CHAMPS_ENTREPRISE = champs_modifiables(Entreprise)
CHAMPS_CONTACT_ENTREPRISE = champs_modifiables(ContactEntreprise)
