import uuid
from datetime import date
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from .enums import (
    Arrondi,
    BonusCdi,
    ConversionSousTraitance,
    EtatTache,
    ModeAcces,
    RegleVentilation,
    Role,
    Secteur,
)
from .fichiers import chemin_prive
from .fields import valider_telephone
from .permissions import role_has_perm
from .tenancy import TenantModel, champs_modifiables, scoped_manager

# Slugs that would shadow a top-level URL of the site (guichet pages live at /<slug>/…).
SLUGS_RESERVES = {"api", "comptes", "guichets", "static", "media", "admin", "sante"}


class UtilisateurManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class Utilisateur(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email. What they may do depends on their Membre in each guichet."""

    email = models.EmailField("adresse électronique", unique=True)
    prenom = models.CharField("prénom", max_length=150, blank=True)
    nom = models.CharField("nom", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("équipe technique", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UtilisateurManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return f"{self.prenom} {self.nom}".strip()

    def get_short_name(self):
        return self.prenom or self.email


class DeuxFacteurs(models.Model):
    """The account's authenticator app (TOTP, RFC 6238): required for admins and facilitators, who see personal data.

    Belongs to the person, not to a guichet: one second factor for every guichet they are a member of. The shared
    secret is stored encrypted (``guichet.deux_facteurs``), so a copy of the database or a backup does not give it.
    """

    utilisateur = models.OneToOneField(Utilisateur, on_delete=models.CASCADE, related_name="deux_facteurs")
    secret_chiffre = models.TextField("secret chiffré", editable=False)
    # None while enrolment waits for its first code: the device does not count until then.
    confirme_le = models.DateTimeField("activée le", null=True, blank=True)
    # The last time step accepted: a code is never accepted twice (RFC 6238 §5.2).
    dernier_pas = models.BigIntegerField("dernier pas accepté", null=True, blank=True, editable=False)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "double authentification"
        verbose_name_plural = "doubles authentifications"

    def __str__(self):
        return f"Double authentification de {self.utilisateur}"


class CodeSecours(models.Model):
    """A single-use recovery code, for when the phone is lost; only its SHA-256 is kept (``guichet.totp``)."""

    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="codes_secours")
    empreinte = models.CharField("empreinte", max_length=64, editable=False)
    utilise_le = models.DateTimeField("utilisé le", null=True, blank=True)

    class Meta:
        verbose_name = "code de secours"
        verbose_name_plural = "codes de secours"
        constraints = [models.UniqueConstraint(fields=["utilisateur", "empreinte"], name="code_secours_unique")]

    def __str__(self):
        return f"Code de secours de {self.utilisateur}"


class Guichet(models.Model):
    """The tenant: one territorial guichet unique de la clause sociale."""

    slug = models.SlugField("identifiant d'adresse", max_length=60, unique=True)
    nom = models.CharField("nom", max_length=200)
    actif = models.BooleanField("actif", default=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "guichet"
        ordering = ["nom"]

    def __str__(self):
        return self.nom

    def clean(self):
        if self.slug in SLUGS_RESERVES:
            raise ValidationError({"slug": f"L'identifiant « {self.slug} » est réservé, choisissez-en un autre."})


def taux_main_oeuvre_defaut():
    """Sector table of labour shares (domain.md §3)."""
    return {
        Secteur.BTP_GROS_OEUVRE: "0.50",
        Secteur.BTP_SECOND_OEUVRE: "0.60",
        Secteur.BTP_TRAVAUX_PUBLICS: "0.30",
        Secteur.BTP_CHARPENTE_METALLIQUE: "0.20",
        Secteur.ESPACES_VERTS: "0.60",
        Secteur.PROPRETE: "0.80",
        Secteur.COLLECTE_DECHETS: "0.55",
        Secteur.SERVICES: "0.70",
        Secteur.PRESTATIONS_INTELLECTUELLES: "0.80",
        Secteur.FOURNITURES: "0.10",
        Secteur.AUTRE: "0.50",
    }


# Loi Climat (CCP L2112-2-1): the EU thresholds in force since 1 January 2026, in euros HT. They are revised every
# two years: a new set is added with its date of effect, the former ones stay for the marchés launched before.
SEUILS_EUROPEENS_2026 = {
    "date_effet": "2026-01-01",
    "fournitures_services_etat": "140000",
    "fournitures_services": "216000",
    "travaux": "5404000",
}
CHAMPS_SEUILS = ("fournitures_services_etat", "fournitures_services", "travaux")


def seuils_europeens_defaut():
    return [dict(SEUILS_EUROPEENS_2026)]


def _fraction(**kwargs):
    return models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        **kwargs,
    )


class Parametres(models.Model):
    """The guichet's settings (domain.md): every rule marked *setting* reads its value here."""

    guichet = models.OneToOneField(Guichet, on_delete=models.CASCADE, related_name="parametres", editable=False)
    # Calibration (domain.md §3)
    cout_horaire = models.DecimalField(
        "coût horaire (€/h)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("25"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    taux_insertion = _fraction(verbose_name="taux d'insertion", default=Decimal("0.05"))
    taux_main_oeuvre = models.JSONField("taux de main-d'œuvre par secteur", default=taux_main_oeuvre_defaut)
    arrondi = models.CharField("arrondi des heures", max_length=10, choices=Arrondi, default=Arrondi.NEAREST)
    seuil_minimum_heures = models.DecimalField(
        "seuil minimum (heures)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("35"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    recalcul_sur_montant_attribue = models.BooleanField("recalcul sur le montant attribué", default=True)
    # Counting (domain.md §4)
    conversion_sous_traitance = models.CharField(
        "conversion de la sous-traitance en heures",
        max_length=20,
        choices=ConversionSousTraitance,
        default=ConversionSousTraitance.MONTANT_MO,
    )
    taux_horaire_forfaitaire = models.DecimalField(
        "taux horaire forfaitaire (€/h)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Utilisé quand la conversion est « taux forfaitaire ».",
    )
    formation_comptee = models.BooleanField("heures de formation comptées", default=True)
    plafond_formation_pct = _fraction(
        verbose_name="plafond des heures de formation",
        null=True,
        blank=True,
        help_text="Part des heures dues ; vide : pas de plafond.",
    )
    # The bounds of the delays below keep date arithmetic inside the calendar (a delay of 32 767 months back from
    # today is year −704: every dashboard failed).
    delai_grace_jours = models.PositiveIntegerField(
        "délai de grâce (jours)", default=0, validators=[MaxValueValidator(3650)]
    )
    bonus_cdi = models.CharField("valorisation des CDI", max_length=20, choices=BonusCdi, default=BonusCdi.AUCUN)
    bonus_cdi_heures = models.DecimalField(
        "forfait d'heures par CDI",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    bonus_cdi_annees_max = models.PositiveSmallIntegerField(
        "durée restante valorisée au plus (années)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    regle_ventilation = models.CharField(
        "règle de ventilation", max_length=10, choices=RegleVentilation, default=RegleVentilation.ECHEANCE
    )
    # Eligibility, outcomes, personal data (domain.md §6, §7, §10)
    validite_eligibilite_mois = models.PositiveSmallIntegerField(
        "validité d'une éligibilité (mois)", default=24, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    delai_sortie_mois = models.PositiveSmallIntegerField(
        "sortie à mesurer après (mois)", default=6, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    conservation_mois = models.PositiveSmallIntegerField(
        "conservation des données personnelles (mois)",
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    supprimer_justificatif_valide = models.BooleanField(
        "supprimer la pièce numérisée une fois l'éligibilité validée",
        default=True,
        help_text="Seules restent les métadonnées de la pièce (type, date) : la donnée minimale (RGPD, art. 5).",
    )
    # Reporting (domain.md §9)
    seuil_petits_effectifs = models.PositiveSmallIntegerField("seuil des petits effectifs", default=5)
    heures_etp = models.DecimalField(
        "heures par ETP",
        max_digits=8,
        decimal_places=2,
        default=Decimal("1607"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    # The cover of the PDF bilans: PNG or JPEG, set on its own page (``reporting.services.logo_modifier``), so it is
    # not among the settings of the API and of the settings form (not ``editable``).
    logo = models.FileField("logo du guichet", upload_to=chemin_prive, max_length=255, blank=True, editable=False)
    # Hour statements (domain.md §4): companies report each month; reminders go out after this day.
    jour_limite_releve = models.PositiveSmallIntegerField(
        "jour limite du relevé mensuel",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="Le relevé du mois M est attendu au plus tard ce jour du mois M+1 ; passé ce jour, relance.",
    )
    # Risk status of a lot's progress: share of the hours due that the linear projection reaches at the end.
    seuil_risque_vert = models.DecimalField(
        "seuil du statut vert (part des heures dues projetée)",
        max_digits=5,
        decimal_places=4,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    seuil_risque_orange = models.DecimalField(
        "seuil du statut orange (part des heures dues projetée)",
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.8"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    # Partnership with buyers (domain.md §8)
    alerte_fin_convention_jours = models.PositiveSmallIntegerField(
        "alerte avant la fin d'une convention (jours)",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="Les facilitateurs sont prévenus ce nombre de jours avant la fin d'une convention signée.",
    )

    # Loi Climat et résilience (CCP L2112-2-1): a social consideration in every marché at or above the EU
    # thresholds launched from this date, unless a motive is recorded.
    date_obligation_climat = models.DateField(
        "obligation de considération sociale (loi Climat) à partir du",
        default=date(2026, 8, 21),
        help_text="Les marchés lancés à partir de cette date et au-dessus des seuils européens doivent porter une "
        "considération sociale ou un motif de dérogation.",
    )
    seuils_europeens = models.JSONField(
        "seuils européens (€ HT) et leur date d'effet",
        default=seuils_europeens_defaut,
        help_text="Fournitures et services des acheteurs de l'État, des autres acheteurs, travaux.",
    )

    objects = scoped_manager()

    class Meta:
        verbose_name = "paramètres"
        verbose_name_plural = "paramètres"

    def __str__(self):
        return f"Paramètres de {self.guichet_id}"

    def clean(self):
        errors = {}
        table = self.taux_main_oeuvre
        if not isinstance(table, dict):
            errors["taux_main_oeuvre"] = "La table des taux de main-d'œuvre doit associer un taux à chaque secteur."
        else:
            unknown = sorted(set(table) - set(Secteur.values))
            missing = [s for s in Secteur.values if s not in table]
            if unknown:
                errors["taux_main_oeuvre"] = f"Secteur inconnu : {', '.join(unknown)}."
            elif missing:
                errors["taux_main_oeuvre"] = f"Taux manquant pour le secteur : {', '.join(missing)}."
            else:
                cleaned = {}
                for secteur, value in table.items():
                    try:
                        rate = Decimal(str(value))
                    except ArithmeticError:
                        rate = None
                    if rate is None or not rate.is_finite() or not Decimal("0") <= rate <= Decimal("1"):
                        errors["taux_main_oeuvre"] = (
                            f"Le taux du secteur « {Secteur(secteur).label} » doit être compris entre 0 et 1."
                        )
                        break
                    cleaned[secteur] = str(rate.normalize() if rate else Decimal("0"))
                else:
                    self.taux_main_oeuvre = cleaned
        if (
            self.seuil_risque_orange is not None
            and self.seuil_risque_vert is not None
            and self.seuil_risque_orange > self.seuil_risque_vert
        ):
            errors["seuil_risque_orange"] = "Le seuil orange ne peut pas dépasser le seuil vert."
        try:
            self.seuils_europeens = normaliser_seuils(self.seuils_europeens)
        except ValidationError as error:
            errors["seuils_europeens"] = error.messages
        if (
            self.conversion_sous_traitance == ConversionSousTraitance.TAUX_FORFAITAIRE
            and not self.taux_horaire_forfaitaire
        ):
            errors["taux_horaire_forfaitaire"] = "Indiquez le taux horaire forfaitaire utilisé pour la conversion."
        if self.bonus_cdi == BonusCdi.HEURES_FORFAITAIRES and self.bonus_cdi_heures is None:
            errors["bonus_cdi_heures"] = "Indiquez le forfait d'heures accordé par CDI."
        if self.bonus_cdi == BonusCdi.DUREE_RESTANTE and self.bonus_cdi_annees_max is None:
            errors["bonus_cdi_annees_max"] = "Indiquez le nombre d'années au plus valorisées pour un CDI."
        if errors:
            raise ValidationError(errors)

    def seuils_au(self, jour):
        """The EU thresholds in force on ``jour`` (the earliest set before any date of effect), as Decimals."""
        return seuils_au(self.seuils_europeens, jour)


def normaliser_seuils(seuils):
    """The dated sets of EU thresholds, checked and sorted by date of effect (one set per date); amounts are
    stored as decimal strings (JSON), never floats."""
    if not isinstance(seuils, list) or not seuils:
        raise ValidationError("Indiquez au moins un jeu de seuils européens avec sa date d'effet.")
    par_date = {}
    for entree in seuils:
        if not isinstance(entree, dict):
            raise ValidationError("Chaque jeu de seuils associe une date d'effet et trois montants.")
        try:
            jour = date.fromisoformat(str(entree.get("date_effet")))
        except ValueError:
            raise ValidationError("La date d'effet d'un jeu de seuils s'écrit AAAA-MM-JJ.") from None
        propre = {"date_effet": jour.isoformat()}
        for champ in CHAMPS_SEUILS:
            try:
                montant = Decimal(str(entree.get(champ)))
            except ArithmeticError:
                montant = None
            if montant is None or not montant.is_finite() or montant <= 0:
                raise ValidationError(f"Le seuil « {champ} » du {jour:%d/%m/%Y} doit être un montant positif.")
            propre[champ] = (
                str(int(montant)) if montant == montant.to_integral() else str(montant.quantize(Decimal("0.01")))
            )
        if jour in par_date:
            raise ValidationError(f"Deux jeux de seuils prennent effet le {jour:%d/%m/%Y}.")
        par_date[jour] = propre
    return [par_date[jour] for jour in sorted(par_date)]


def seuils_au(seuils, jour):
    en_vigueur = seuils[0]
    for entree in seuils:
        if date.fromisoformat(entree["date_effet"]) <= jour:
            en_vigueur = entree
    return {champ: Decimal(en_vigueur[champ]) for champ in CHAMPS_SEUILS}


# Every setting an admin may change (the page, the API and the service share this list).
PARAMETRES_MODIFIABLES = champs_modifiables(Parametres)


class MembreQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(actif=True)


class Membre(TenantModel):
    """A user's place in one guichet: a role, and for buyers and companies the record they act for."""

    guichet = models.ForeignKey(Guichet, on_delete=models.CASCADE, related_name="membres", editable=False)
    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="membres")
    role = models.CharField("rôle", max_length=20, choices=Role)
    acheteur = models.ForeignKey(
        "acheteurs.Acheteur", on_delete=models.PROTECT, null=True, blank=True, related_name="membres"
    )
    entreprise = models.ForeignKey(
        "entreprises.Entreprise", on_delete=models.PROTECT, null=True, blank=True, related_name="membres"
    )
    actif = models.BooleanField("actif", default=True)
    cree_le = models.DateTimeField("ajouté le", auto_now_add=True)

    objects = scoped_manager(MembreQuerySet)

    class Meta:
        verbose_name = "membre"
        ordering = ["utilisateur__email"]
        constraints = [
            models.UniqueConstraint(fields=["guichet", "utilisateur"], name="membre_unique_par_guichet"),
            models.CheckConstraint(
                condition=(Q(role=Role.ACHETEUR) & Q(acheteur__isnull=False))
                | (~Q(role=Role.ACHETEUR) & Q(acheteur__isnull=True)),
                name="membre_acheteur_si_role_acheteur",
            ),
            models.CheckConstraint(
                condition=(Q(role=Role.ENTREPRISE) & Q(entreprise__isnull=False))
                | (~Q(role=Role.ENTREPRISE) & Q(entreprise__isnull=True)),
                name="membre_entreprise_si_role_entreprise",
            ),
        ]

    def __str__(self):
        return f"{self.utilisateur} ({self.get_role_display()})"

    def clean(self):
        if self.role == Role.ACHETEUR and not self.acheteur_id:
            raise ValidationError({"acheteur": "Un membre acheteur doit être rattaché à un acheteur du guichet."})
        if self.role == Role.ENTREPRISE and not self.entreprise_id:
            raise ValidationError(
                {"entreprise": "Un membre entreprise doit être rattaché à une entreprise du guichet."}
            )
        if self.role != Role.ACHETEUR:
            self.acheteur = None
        if self.role != Role.ENTREPRISE:
            self.entreprise = None

    def has_perm(self, code):
        return self.actif and role_has_perm(self.role, code)


class JournalAudit(TenantModel):
    """Who changed what, written by services in the same transaction as the change."""

    guichet = models.ForeignKey(Guichet, on_delete=models.CASCADE, related_name="+", editable=False)
    acteur = models.ForeignKey(Utilisateur, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField("action", max_length=80)
    cible_type = models.CharField("type d'objet", max_length=80)
    cible_id = models.CharField("identifiant de l'objet", max_length=64)
    cible_libelle = models.CharField("objet", max_length=255, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)
    cree_le = models.DateTimeField("date", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal d'audit"
        ordering = ["-cree_le", "-id"]
        indexes = [models.Index(fields=["guichet", "-cree_le"], name="journal_guichet_date")]


class Tache(TenantModel):
    """A long task (import, recompute, PDF, export): state and progress kept so the API can answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    guichet = models.ForeignKey(Guichet, on_delete=models.CASCADE, related_name="+", editable=False)
    type = models.CharField("type", max_length=60)
    libelle = models.CharField("libellé", max_length=200)
    etat = models.CharField("état", max_length=12, choices=EtatTache, default=EtatTache.EN_ATTENTE)
    progression = models.PositiveSmallIntegerField("progression (%)", default=0, validators=[MaxValueValidator(100)])
    resultat = models.JSONField("résultat", null=True, blank=True)
    erreur = models.TextField("erreur", null=True, blank=True)  # noqa: DJ001 (the API answers null, not "")
    fichier = models.FileField("fichier produit", upload_to="taches/", blank=True)
    # What to send to the workers while it could not be sent (broker down): ``{"tache", "args", "kwargs"}``, the
    # task's name and arguments; ``guichet.services.taches_relancer`` sends it and empties it.
    envoi = models.JSONField("envoi en attente", null=True, blank=True, editable=False)
    cree_par = models.ForeignKey(Utilisateur, on_delete=models.SET_NULL, null=True, related_name="+")
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    maj_le = models.DateTimeField("mise à jour le", auto_now=True)

    class Meta:
        verbose_name = "tâche"
        ordering = ["-cree_le"]

    def __str__(self):
        return self.libelle

    @property
    def finie(self):
        return self.etat in {EtatTache.TERMINE, EtatTache.ECHEC}


class AccesTousGuichets(models.Model):
    """The journal of the accesses across guichets (``tenancy.pour_chaque_guichet``, ``tenancy.tous_guichets``):
    the guichets' own journals cannot hold them, and a job that reads every guichet must leave a trace somewhere.
    Not a tenant table: it names no guichet's data, only who reached them, why and how."""

    motif = models.CharField("motif", max_length=200)
    mode = models.CharField("mode", max_length=20, choices=ModeAcces)
    acteur = models.ForeignKey(Utilisateur, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    details = models.JSONField("détails", default=dict, blank=True)
    cree_le = models.DateTimeField("date", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "accès à plusieurs guichets"
        verbose_name_plural = "accès à plusieurs guichets"
        ordering = ["-cree_le", "-id"]

    def __str__(self):
        return f"{self.get_mode_display()} : {self.motif}"


class Ecriture(models.Model):
    """One statement that wrote a guichet's data (``guichet_id``; NULL: it may concern every guichet), noted by the
    database's own triggers on every table that holds a guichet's rows (``guichet.versions``): the data's version,
    which keys what is kept in the cache. Written and read only through the database functions of migration 0012
    (the application role never names this table); compacted each night to the latest row of each guichet."""

    guichet_id = models.BigIntegerField(null=True, editable=False)  # no foreign key: noting takes no lock
    le = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = "écriture"
        # The version is read from this index alone (count, sum and latest date of one guichet's rows).
        indexes = [models.Index(fields=["guichet_id", "id"], include=["le"], name="ecriture_guichet")]

    def __str__(self):
        return f"Écriture {self.pk} du guichet {self.guichet_id or 'tous'}"


class ContactBase(TenantModel):
    """A person the guichet works with at an organisation: a buyer (``acheteurs.Contact``), a company
    (``entreprises.ContactEntreprise``). The concrete model adds the foreign key to its organisation, named by
    ``ORGANISATION``, the person's ``role`` there (each kind of organisation has its own list), and the constraint
    of one principal contact per organisation (``un_seul_contact_principal``); ``guichet.services.contact_creer``
    and ``contact_modifier`` keep it (a new principal contact replaces the former one)."""

    ORGANISATION = ""

    prenom = models.CharField("prénom", max_length=150, blank=True)
    nom = models.CharField("nom", max_length=150)
    fonction = models.CharField("fonction", max_length=200, blank=True, help_text="Son intitulé de poste.")
    email = models.EmailField("adresse électronique", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True, validators=[valider_telephone])
    principal = models.BooleanField("contact principal", default=False)

    class Meta:
        abstract = True
        verbose_name = "contact"
        ordering = ["-principal", "nom", "prenom"]

    def __str__(self):
        return f"{self.prenom} {self.nom}".strip()


def un_seul_contact_principal(organisation, message):
    """The constraint of a ``ContactBase``: at most one principal contact per ``organisation`` (its foreign key)."""
    return models.UniqueConstraint(
        fields=[organisation],
        condition=Q(principal=True),
        name=f"contact_un_principal_par_{organisation}",
        violation_error_message=message,
    )
