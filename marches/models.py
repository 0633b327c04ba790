"""Operations, marchés, lots, social considerations (with the calibration of an hours clause and its avenants)
and attributions (domain.md §2–3, api.md)."""

from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from acheteurs.enums import TypeAcheteur
from acheteurs.models import AchatPrevu, Acheteur
from entreprises.enums import TypeStructure
from entreprises.models import Entreprise
from guichet.enums import Secteur, TypeConsideration
from guichet.models import CHAMPS_SEUILS
from guichet.tenancy import TenantModel, champs_modifiables, scoped_manager

from .enums import (
    FICHES,
    TYPES_RESERVES,
    ModeCalcul,
    NatureMarche,
    RoleAttribution,
    StatutClimat,
    StatutMarche,
    TypeContrat,
)

POSITIF = [MinValueValidator(0)]


def _montant(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, validators=POSITIF, **kwargs)


def _taux(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        **kwargs,
    )


def _heures(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, validators=POSITIF, **kwargs)


def verifier_periode(debut, fin):
    if debut and fin and fin < debut:
        raise ValidationError({"date_fin_execution": "La fin d'exécution doit suivre son début."})


def _compte(queryset):
    """A correlated count (``Subquery``): no join, so the other annotations of the row are not multiplied."""
    return Coalesce(
        Subquery(queryset.order_by().values("guichet").annotate(n=Count("pk")).values("n")[:1]),
        0,
        output_field=models.IntegerField(),
    )


class Operation(TenantModel):
    """An optional grouping of marchés: an urban renewal project, a large facility built in several marchés."""

    nom = models.CharField("nom", max_length=200)
    description = models.TextField("description", blank=True)
    commune = models.CharField("commune ou quartier", max_length=200, blank=True)
    date_debut = models.DateField("début", null=True, blank=True)
    date_fin = models.DateField("fin prévue", null=True, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "opération"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["guichet", "nom"],
                name="operation_nom_unique_par_guichet",
                violation_error_message="Une opération du guichet porte déjà ce nom.",
            )
        ]

    def __str__(self):
        return self.nom

    def clean(self):
        if self.date_debut and self.date_fin and self.date_fin < self.date_debut:
            raise ValidationError({"date_fin": "La fin doit suivre le début."})


class MarcheQuerySet(models.QuerySet):
    def avec_annee(self):
        """``annee``: the year of the marché, that of its notification (or, before it, of its launch or start)."""
        return self.annotate(annee=ExtractYear(Coalesce("date_notification", "date_lancement", "date_debut_execution")))

    def avec_resume(self):
        """Counts and totals of the list and of the API, each a correlated subquery (constant query count)."""
        lots = Lot.objects.filter(marche=OuterRef("pk"))
        considerations = Consideration.objects.filter(lot__marche=OuterRef("pk"))
        return self.annotate(
            nombre_lots=_compte(lots),
            nombre_considerations=_compte(considerations),
            heures_dues=Subquery(
                considerations.filter(type=TypeConsideration.CLAUSE_HEURES)
                .order_by()
                .values("guichet")
                .annotate(total=Sum("heures_dues"))
                .values("total")[:1]
            ),
            types_considerations=ArraySubquery(considerations.order_by("type").values("type").distinct()),
            achat_prevu_pk=Subquery(AchatPrevu.objects.filter(marche=OuterRef("pk")).values("pk")[:1]),
        )

    def avec_consideration(self):
        return self.annotate(
            a_consideration=Exists(Consideration.objects.filter(lot__marche=OuterRef("pk"))),
        )

    def avec_climat(self, parametres):
        """``statut_climat`` (Loi Climat, CCP L2112-2-1), computed in SQL from the guichet's settings.

        A marché is concerned when it was launched (or, launch date unknown, notified) on or after the date the
        obligation applies and its estimated amount (or, missing, the sum of its lots) reaches the EU threshold in
        force on that date for its nature and its buyer: fournitures and services of a State buyer, of the other
        buyers, works. A marché whose nature is not filled in is held to the fournitures and services threshold,
        the lowest: it is better to ask for a motive than to miss an obligation. A private order (commande
        privée) is not public procurement. A concerned marché is ``conforme`` with at least one social
        consideration, ``derogation`` with a recorded motive, otherwise ``non_conforme``.
        """
        lots = Lot.objects.filter(marche=OuterRef("pk")).order_by().values("marche")
        date_ref = Coalesce("date_lancement", "date_notification")
        montant = Coalesce("montant_estime_ht", Subquery(lots.annotate(total=Sum("montant_ht")).values("total")[:1]))
        seuils = sorted(parametres.seuils_europeens, key=lambda s: s["date_effet"], reverse=True)
        travaux = Q(nature=NatureMarche.TRAVAUX)
        # The buyer's type by a correlated EXISTS rather than a join: only the rows whose threshold is read ask for
        # it, and a count of the list (the paginator's, the dashboard's by status) does not join every buyer.
        acheteur_etat = Acheteur.objects.filter(pk=OuterRef("acheteur"), type=TypeAcheteur.ETAT)
        etat = ~travaux & Exists(acheteur_etat)

        def cas(entree, **depuis):
            valeurs = {champ: Value(entree[champ], output_field=models.DecimalField()) for champ in CHAMPS_SEUILS}
            return [
                When(travaux, **depuis, then=valeurs["travaux"]),
                When(etat, **depuis, then=valeurs["fournitures_services_etat"]),
                When(~travaux, **depuis, then=valeurs["fournitures_services"]),
            ]

        whens = [w for entree in seuils for w in cas(entree, date_ref_climat__gte=entree["date_effet"])]
        whens += cas(seuils[-1])  # launched before every date of effect: the earliest set
        return self.annotate(
            date_ref_climat=date_ref,
            montant_climat=montant,
            seuil_climat=Case(*whens, output_field=models.DecimalField()),
            considerations_climat=_compte(Consideration.objects.filter(lot__marche=OuterRef("pk"))),
        ).annotate(
            statut_climat=Case(
                When(type_contrat=TypeContrat.COMMANDE_PRIVEE, then=Value(StatutClimat.NON_CONCERNE)),
                When(date_ref_climat__isnull=True, then=Value(StatutClimat.NON_CONCERNE)),
                When(date_ref_climat__lt=parametres.date_obligation_climat, then=Value(StatutClimat.NON_CONCERNE)),
                When(montant_climat__isnull=True, then=Value(StatutClimat.NON_CONCERNE)),
                When(montant_climat__lt=F("seuil_climat"), then=Value(StatutClimat.NON_CONCERNE)),
                When(considerations_climat__gt=0, then=Value(StatutClimat.CONFORME)),
                When(~Q(motif_derogation_climat=""), then=Value(StatutClimat.DEROGATION)),
                default=Value(StatutClimat.NON_CONFORME),
                output_field=models.CharField(),
            )
        )


class Marche(TenantModel):
    """A contract of a buyer (api.md ``marches/``): its lots carry the social considerations."""

    acheteur = models.ForeignKey(Acheteur, on_delete=models.PROTECT, related_name="marches")
    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="marches", verbose_name="opération"
    )
    reference = models.CharField("référence", max_length=60)
    objet = models.CharField("objet", max_length=255)
    type_contrat = models.CharField("type de contrat", max_length=20, choices=TypeContrat, default=TypeContrat.MARCHE)
    nature = models.CharField(
        "nature", max_length=12, choices=NatureMarche, blank=True, help_text="Décide du seuil européen applicable."
    )
    montant_estime_ht = _montant("montant estimé HT (€)", null=True, blank=True)
    date_lancement = models.DateField(
        "date de lancement de la consultation",
        null=True,
        blank=True,
        help_text="Envoi de l'avis d'appel public à la concurrence (obligation de la loi Climat).",
    )
    date_notification = models.DateField("date de notification", null=True, blank=True)
    date_debut_execution = models.DateField("début d'exécution", null=True, blank=True)
    date_fin_execution = models.DateField("fin d'exécution", null=True, blank=True)
    statut = models.CharField(
        "statut",
        max_length=12,
        choices=StatutMarche,
        default=StatutMarche.PROGRAMME,
        help_text="Il ne fait qu'avancer, des étapes pouvant être sautées ; seul un administrateur le fait revenir en "
        "arrière. Un titulaire sur un lot fait passer le marché à « Attribué ».",
    )
    motif_derogation_climat = models.TextField(
        "motif de l'absence de considération sociale",
        blank=True,
        help_text="Exigé au-dessus des seuils européens sans considération sociale (CCP L2112-2-1).",
    )
    commentaire = models.TextField("commentaire", blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    maj_le = models.DateTimeField("mis à jour le", auto_now=True)

    objects = scoped_manager(MarcheQuerySet)

    class Meta:
        verbose_name = "marché"
        ordering = ["-date_notification", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["guichet", "reference"],
                name="marche_reference_unique_par_guichet",
                violation_error_message="Un marché du guichet porte déjà cette référence.",
            ),
        ]
        indexes = [
            models.Index(fields=["guichet", "acheteur"], name="marche_guichet_acheteur"),
            # The list's order (``marches_visibles``): its first page is read off the index, so the joins and the
            # correlated counts are computed for its rows only, not for every marché before a sort.
            models.Index(fields=["guichet", "-date_notification", "-id"], name="marche_liste"),
        ]

    def __str__(self):
        return f"{self.reference} – {self.objet}"

    def clean(self):
        verifier_periode(self.date_debut_execution, self.date_fin_execution)

    def get_statut_climat_display(self):
        return StatutClimat(self.statut_climat).label


class LotQuerySet(models.QuerySet):
    def avec_dates(self):
        """``debut`` and ``fin``: the lot's execution dates, or the marché's when it has none (api.md)."""
        return self.annotate(
            debut=Coalesce("date_debut_execution", "marche__date_debut_execution"),
            fin=Coalesce("date_fin_execution", "marche__date_fin_execution"),
        )

    def avec_resume(self):
        """The list's and the API's columns. ``debut`` and ``fin`` as ``avec_dates``, but the marché's dates read by
        correlated subqueries rather than through a join: a join made by an annotation stays in the paginator's
        ``COUNT(*)`` once the annotation is left out of it, and there costs a probe of the marché for every lot of
        the guichet, when the page's rows pay two index probes each."""
        clauses = Consideration.objects.filter(lot=OuterRef("pk"), type=TypeConsideration.CLAUSE_HEURES)
        titulaire = Attribution.objects.filter(lot=OuterRef("pk"), role=RoleAttribution.TITULAIRE)
        marche = Marche.objects.filter(pk=OuterRef("marche")).order_by()
        return self.annotate(
            debut=Coalesce("date_debut_execution", Subquery(marche.values("date_debut_execution")[:1])),
            fin=Coalesce("date_fin_execution", Subquery(marche.values("date_fin_execution")[:1])),
            heures_dues=Subquery(clauses.values("heures_dues")[:1]),
            types_considerations=ArraySubquery(
                Consideration.objects.filter(lot=OuterRef("pk")).order_by("type").values("type")
            ),
            titulaire_id=Subquery(titulaire.values("entreprise_id")[:1]),
            titulaire_nom=Subquery(titulaire.values("entreprise__raison_sociale")[:1]),
        )

    def avec_heures_du_jour(self, jour):
        """``heures_dues``: the hours due in force on ``jour`` of the lot's hours clause (its latest avenant in effect,
        domain.md §3), the figure the progress compares with; ``None`` without a clause."""
        clause = Consideration.objects.filter(lot=OuterRef("pk"), type=TypeConsideration.CLAUSE_HEURES)
        return self.annotate(heures_dues=Subquery(clause.avec_heures_en_vigueur(jour).values("heures_en_vigueur")[:1]))

    def tenus_par(self, entreprise_id):
        """The lots a company holds: titulaire, co-traitant or sous-traitant."""
        return self.filter(Exists(Attribution.objects.filter(lot=OuterRef("pk"), entreprise_id=entreprise_id)))


class Lot(TenantModel):
    """A lot of a marché (api.md ``lots/``); a marché with no allotment has one lot."""

    marche = models.ForeignKey(Marche, on_delete=models.CASCADE, related_name="lots", verbose_name="marché")
    numero = models.PositiveSmallIntegerField("numéro", validators=[MinValueValidator(1)])
    intitule = models.CharField("intitulé", max_length=255)
    secteur = models.CharField(
        "secteur", max_length=40, choices=Secteur, blank=True, help_text="Donne le taux de main-d'œuvre du calibrage."
    )
    montant_ht = _montant("montant HT (€)", null=True, blank=True)
    date_debut_execution = models.DateField(
        "début d'exécution", null=True, blank=True, help_text="Vide : celui du marché."
    )
    date_fin_execution = models.DateField("fin d'exécution", null=True, blank=True, help_text="Vide : celle du marché.")

    objects = scoped_manager(LotQuerySet)

    class Meta:
        verbose_name = "lot"
        ordering = ["marche_id", "numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["guichet", "marche", "numero"],
                name="lot_numero_unique_par_marche",
                violation_error_message="Ce marché a déjà un lot de ce numéro.",
            )
        ]

    def __str__(self):
        return f"Lot {self.numero} – {self.intitule}"

    def clean(self):
        verifier_periode(self.date_debut_execution, self.date_fin_execution)

    @property
    def debut_effectif(self):
        return self.date_debut_execution or self.marche.date_debut_execution

    @property
    def fin_effective(self):
        return self.date_fin_execution or self.marche.date_fin_execution


def normaliser_indicateurs(indicateurs):
    """Generic indicators of a consideration: ``[{"nom", "unite", "cible", "realise"}]``, the name required, the
    target and the realised value decimal numbers (stored as decimal strings, JSON has no decimals) or null."""
    if not isinstance(indicateurs, list):
        raise ValidationError("Les indicateurs sont une liste de {nom, unite, cible, realise}.")
    propres = []
    for rang, indicateur in enumerate(indicateurs, start=1):
        if not isinstance(indicateur, dict):
            raise ValidationError(f"Indicateur n°{rang} : attendu {{nom, unite, cible, realise}}.")
        nom = str(indicateur.get("nom") or "").strip()
        if not nom:
            raise ValidationError(f"Indicateur n°{rang} : indiquez son nom.")
        propre = {"nom": nom[:200], "unite": str(indicateur.get("unite") or "").strip()[:50]}
        for champ, libelle in (("cible", "la cible"), ("realise", "le réalisé")):
            valeur = indicateur.get(champ)
            if valeur in (None, ""):
                propre[champ] = None
                continue
            try:
                nombre = Decimal(str(valeur).replace(",", "."))
            except ArithmeticError:
                nombre = None
            if nombre is None or not nombre.is_finite() or nombre < 0:
                raise ValidationError(f"Indicateur « {nom} » : {libelle} doit être un nombre positif.")
            propre[champ] = str(nombre)
        propres.append(propre)
    return propres


class ConsiderationQuerySet(models.QuerySet):
    def clauses_heures(self):
        return self.filter(type=TypeConsideration.CLAUSE_HEURES)

    def avec_heures_en_vigueur(self, jour):
        """``heures_en_vigueur``: the hours due in force on ``jour``, those of the latest avenant in effect that
        day, else the calibrated hours (domain.md §3: an avenant changes the hours due from a date)."""
        avenant = AvenantHeures.objects.filter(consideration=OuterRef("pk"), date_effet__lte=jour).order_by(
            "-date_effet"
        )
        return self.annotate(heures_en_vigueur=Coalesce(Subquery(avenant.values("heures_dues")[:1]), "heures_dues"))


# The inputs of an hours clause (domain.md §3): without object on the other types.
CHAMPS_CLAUSE_HEURES = [
    "mode_calcul",
    "montant_ht",
    "taux_main_oeuvre",
    "taux_insertion",
    "cout_horaire",
    "heures_forfait",
    "pact_montant_periode",
    "pact_duree_mois",
    "pact_heures_reprises_mois",
    "pact_taux_insertion",
    "tranche_montant",
    "tranche_seuil",
    "tranche_montant_facture",
]


class Consideration(TenantModel):
    """A social consideration of a lot (domain.md §2): its type, the fields of that type, generic indicators.

    For an hours clause (``clause_heures``) the calibration inputs are kept as typed (``None``: the lot's
    amount, the sector table, the guichet's defaults) and the outputs of ``marches.calibrage`` are stored
    beside them, recomputed by the services whenever an input changes (see ``services.clause_recalculer``).
    """

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="considerations")
    type = models.CharField("type", max_length=30, choices=TypeConsideration)
    description = models.TextField("description", blank=True)
    indicateurs = models.JSONField("indicateurs", default=list, blank=True)
    # Hours clause: inputs (domain.md §3)
    mode_calcul = models.CharField("mode de calcul", max_length=20, choices=ModeCalcul, blank=True)
    montant_ht = _montant("montant HT retenu (€)", null=True, blank=True, help_text="Vide : le montant du lot.")
    taux_main_oeuvre = _taux("taux de main-d'œuvre", null=True, blank=True, help_text="Vide : la table des secteurs.")
    taux_insertion = _taux("taux d'insertion", null=True, blank=True, help_text="Vide : celui du guichet.")
    cout_horaire = models.DecimalField(
        "coût horaire (€/h)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Vide : celui du guichet.",
    )
    heures_forfait = _heures("heures du forfait", null=True, blank=True)
    pact_montant_periode = _montant("montant sur la période (€)", null=True, blank=True)
    pact_duree_mois = models.PositiveSmallIntegerField(
        "durée de la période (mois)", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    pact_heures_reprises_mois = _heures("heures reprises par mois", null=True, blank=True)
    pact_taux_insertion = _taux("taux d'insertion du PACT", null=True, blank=True)
    tranche_montant = _montant("montant d'une tranche (€)", null=True, blank=True)
    tranche_seuil = _montant("seuil de déclenchement (€)", null=True, blank=True)
    tranche_montant_facture = _montant("montant facturé à ce jour (€)", null=True, blank=True)
    penalite_par_heure = _montant("pénalité par heure manquante (€)", null=True, blank=True)
    penalite_par_jour_retard = _montant("pénalité par jour de retard de reporting (€)", null=True, blank=True)
    penalite_plafond = _montant("plafond des pénalités (€)", null=True, blank=True)
    # Pooling (domain.md §5.1): the buyer's choice, unless this clause says otherwise.
    mutualisation_autorisee = models.BooleanField(
        "mutualisation des heures",
        null=True,
        blank=True,
        help_text="Vide : le choix de l'acheteur. Les heures d'une entreprise peuvent-elles venir de ses autres lots ?",
    )
    # Hours clause: outputs of the calibration
    heures_dues = models.DecimalField("heures dues", max_digits=10, decimal_places=0, null=True, editable=False)
    heures_dues_brutes = models.DecimalField(
        "heures dues avant arrondi", max_digits=12, decimal_places=2, null=True, editable=False
    )
    sous_seuil = models.BooleanField("sous le seuil minimum", default=False, editable=False)
    pas_de_clause = models.BooleanField("pas de clause (PACT)", default=False, editable=False)
    explication = models.TextField("calcul", blank=True, editable=False)
    montant_retenu = models.DecimalField("montant retenu", max_digits=14, decimal_places=2, null=True, editable=False)
    taux_main_oeuvre_retenu = models.DecimalField(
        "taux de main-d'œuvre retenu", max_digits=5, decimal_places=4, null=True, editable=False
    )
    cout_horaire_retenu = models.DecimalField(
        "coût horaire retenu", max_digits=8, decimal_places=2, null=True, editable=False
    )
    calcule_le = models.DateTimeField("calculé le", null=True, editable=False)
    # Award criterion (R2152-7)
    ponderation = _taux("pondération", null=True, blank=True, help_text="Part de la note (0,15 = 15 %).")
    # Reserved marchés: the structures the reservation is open to
    structures_visees = ArrayField(
        models.CharField(max_length=20, choices=TypeStructure),
        verbose_name="structures visées",
        default=list,
        blank=True,
    )
    # Plan de progrès: its axes
    axes = ArrayField(models.CharField(max_length=255), verbose_name="axes de progrès", default=list, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    maj_le = models.DateTimeField("mise à jour le", auto_now=True)

    objects = scoped_manager(ConsiderationQuerySet)

    class Meta:
        verbose_name = "considération sociale"
        verbose_name_plural = "considérations sociales"
        ordering = ["lot_id", "type"]
        constraints = [
            models.UniqueConstraint(
                fields=["guichet", "lot", "type"],
                name="consideration_type_unique_par_lot",
                violation_error_message="Ce lot porte déjà une considération de ce type.",
            )
        ]

    def __str__(self):
        return f"{self.get_type_display()} ({self.lot})"

    def clean(self):
        errors = {}
        propres = {
            "ponderation": self.type == TypeConsideration.CRITERE_ATTRIBUTION,
            "structures_visees": self.type in TYPES_RESERVES,
            "axes": self.type == TypeConsideration.PLAN_PROGRES,
            "mutualisation_autorisee": self.type == TypeConsideration.CLAUSE_HEURES,
        }
        for champ in CHAMPS_CLAUSE_HEURES:
            propres[champ] = self.type == TypeConsideration.CLAUSE_HEURES
        for champ, permis in propres.items():
            if not permis and getattr(self, champ) not in (None, "", []):
                errors[champ] = "Sans objet pour une considération de ce type."
        try:
            self.indicateurs = normaliser_indicateurs(self.indicateurs)
        except ValidationError as error:
            errors["indicateurs"] = error.messages
        self.axes = [axe.strip() for axe in self.axes or [] if axe and axe.strip()]
        if errors:
            raise ValidationError(errors)

    @property
    def fiche(self):
        return FICHES[self.type]

    def get_structures_visees_display(self):
        return [TypeStructure(code).label for code in self.structures_visees]

    @property
    def est_clause_heures(self):
        return self.type == TypeConsideration.CLAUSE_HEURES


class AvenantHeures(TenantModel):
    """An avenant changing the hours due of an hours clause from a date (domain.md §3: keep the history)."""

    consideration = models.ForeignKey(
        Consideration, on_delete=models.CASCADE, related_name="avenants", verbose_name="clause"
    )
    reference = models.CharField("référence de l'avenant", max_length=60, blank=True)
    date_effet = models.DateField("date d'effet")
    heures_dues = models.DecimalField(
        "heures dues à partir de cette date", max_digits=10, decimal_places=0, validators=POSITIF
    )
    motif = models.CharField("motif", max_length=255, blank=True)
    cree_le = models.DateTimeField("enregistré le", auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "avenant"
        ordering = ["consideration_id", "date_effet"]
        constraints = [
            models.UniqueConstraint(
                fields=["guichet", "consideration", "date_effet"],
                name="avenant_date_unique_par_clause",
                violation_error_message="Un avenant de cette clause prend déjà effet ce jour-là.",
            )
        ]

    def __str__(self):
        return self.reference or f"Avenant du {self.date_effet:%d/%m/%Y}"


class Attribution(TenantModel):
    """A company on a lot (api.md ``attributions/``): the titulaire (one per lot), co-traitants of its groupement,
    sous-traitants; the awarded amount and the notification date."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="attributions")
    entreprise = models.ForeignKey(Entreprise, on_delete=models.PROTECT, related_name="attributions")
    role = models.CharField("rôle", max_length=15, choices=RoleAttribution, default=RoleAttribution.TITULAIRE)
    montant_ht = _montant("montant attribué HT (€)", null=True, blank=True)
    date_notification = models.DateField("date de notification", null=True, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "attribution"
        ordering = ["lot_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["guichet", "lot"],
                condition=Q(role=RoleAttribution.TITULAIRE),
                name="attribution_un_titulaire_par_lot",
                violation_error_message="Ce lot a déjà un titulaire.",
            ),
            models.UniqueConstraint(
                fields=["guichet", "lot", "entreprise"],
                name="attribution_entreprise_unique_par_lot",
                violation_error_message="Cette entreprise est déjà attributaire de ce lot.",
            ),
        ]

    def __str__(self):
        return f"{self.entreprise} ({self.get_role_display().lower()}, {self.lot})"


CHAMPS_OPERATION = champs_modifiables(Operation)
CHAMPS_MARCHE = champs_modifiables(Marche)
CHAMPS_LOT = champs_modifiables(Lot)
CHAMPS_CONSIDERATION = champs_modifiables(Consideration)
CHAMPS_AVENANT = champs_modifiables(AvenantHeures)
CHAMPS_ATTRIBUTION = champs_modifiables(Attribution)
