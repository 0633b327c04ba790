"""Beneficiaries, their eligibility, positionings, work contracts (the parcours) and outcomes (domain.md §1, §6,
§7, §10). Personal data: no social security number (NIR), ever; criteria are stored as codes (that a criterion is
met), never their medical or judicial content; the proof scanned, if any, is a private file."""

from datetime import date

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, Greatest, Lower
from django.utils import timezone

from guichet.fichiers import chemin_prive, valider_document
from guichet.fields import valider_code_postal
from guichet.models import ContactBase, Utilisateur, un_seul_contact_principal
from guichet.tenancy import TenantModel, champs_modifiables, scoped_manager

from .enums import (
    BaseEligibilite,
    Critere,
    Modalite,
    MomentSortie,
    NiveauQualification,
    ObjetAcces,
    RoleContactPrescripteur,
    Sexe,
    SituationSortie,
    StatutPositionnement,
    TypeContrat,
    TypeJustificatif,
    TypePrescripteur,
)


class Prescripteur(TenantModel):
    """An organisation that orients people towards the guichet (domain.md §1)."""

    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=20, choices=TypePrescripteur, default=TypePrescripteur.FRANCE_TRAVAIL)
    commune = models.CharField("commune", max_length=120, blank=True)
    notes = models.TextField("notes", blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "prescripteur"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["guichet", "nom"],
                name="prescripteur_nom_unique_par_guichet",
                violation_error_message="Un prescripteur du guichet porte déjà ce nom.",
            )
        ]

    def __str__(self):
        return self.nom


class ContactPrescripteur(ContactBase):
    ORGANISATION = "prescripteur"

    prescripteur = models.ForeignKey(Prescripteur, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(
        "rôle", max_length=20, choices=RoleContactPrescripteur, default=RoleContactPrescripteur.CONSEILLER
    )

    objects = scoped_manager()

    class Meta(ContactBase.Meta):
        verbose_name = "contact de prescripteur"
        verbose_name_plural = "contacts de prescripteurs"
        constraints = [un_seul_contact_principal("prescripteur", "Ce prescripteur a déjà un contact principal.")]


class CritereEligibilite(TenantModel):
    """One criterion of the guichet's list (domain.md §6: each guichet keeps its own list, versioned). The codes are
    the national ones (the API's); the guichet words them its own way and switches them on or off."""

    code = models.CharField("code", max_length=30, choices=Critere)
    libelle = models.CharField("libellé", max_length=255)
    actif = models.BooleanField("retenu par le guichet", default=True)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    objects = scoped_manager()

    class Meta:
        verbose_name = "critère d'éligibilité"
        verbose_name_plural = "critères d'éligibilité"
        ordering = ["ordre", "code"]
        constraints = [models.UniqueConstraint(fields=["guichet", "code"], name="critere_code_unique_par_guichet")]

    def __str__(self):
        return self.libelle


class RevisionCriteres(TenantModel):
    """A dated version of the guichet's criteria list: each change writes a new one (its full list, as it read);
    a decision keeps the version it was taken under."""

    numero = models.PositiveIntegerField("version")
    criteres = models.JSONField("critères", default=list)
    cree_par = models.ForeignKey(Utilisateur, on_delete=models.SET_NULL, null=True, related_name="+")
    cree_le = models.DateTimeField("date", auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "version des critères"
        verbose_name_plural = "versions des critères"
        ordering = ["-numero"]
        constraints = [models.UniqueConstraint(fields=["guichet", "numero"], name="revision_criteres_unique")]

    def __str__(self):
        return f"Version {self.numero}"


class BeneficiaireQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(anonymise_le__isnull=True)

    def meme_identite(self, *, nom, prenom, date_naissance):
        """The people with this name, first name and birth date, compared without case.

        ``lower()`` on both sides rather than ``__iexact`` (``UPPER()``): the comparison is the expression of the
        index ``beneficiaire_guichet_identite``, so the search is one index probe instead of a walk over the
        guichet's people (for each row of the list, in ``avec_doublon``)."""

        def minuscules(valeur):  # a text, or an ``OuterRef`` to the outer row's column
            return Lower(Value(valeur) if isinstance(valeur, str) else valeur)

        return (
            self.alias(nom_minuscules=Lower("nom"), prenom_minuscules=Lower("prenom"))
            .filter(date_naissance=date_naissance)
            .filter(nom_minuscules=minuscules(nom), prenom_minuscules=minuscules(prenom))
        )

    def avec_doublon(self):
        """``doublon``: another (non anonymised) person of the guichet has the same name, first name and birth date
        (compared without case)."""
        autres = (
            Beneficiaire.objects.filter(guichet=OuterRef("guichet"), anonymise_le__isnull=True)
            .meme_identite(nom=OuterRef("nom"), prenom=OuterRef("prenom"), date_naissance=OuterRef("date_naissance"))
            .exclude(pk=OuterRef("pk"))
        )
        return self.annotate(doublon=Exists(autres))

    def avec_eligibilite(self, jour=None):
        """``eligible``: a validated eligibility covers ``jour`` (today by default); ``eligible_jusqu_au``: its end."""
        jour = jour or timezone.localdate()
        valides = Eligibilite.objects.filter(beneficiaire=OuterRef("pk")).valides_au(jour)
        return self.annotate(
            eligible=Exists(valides),
            eligible_jusqu_au=models.Subquery(valides.order_by("-valide_jusqu_au").values("valide_jusqu_au")[:1]),
        )

    def avec_derniere_activite(self):
        """``derniere_activite``: the latest day something happened in the person's parcours (entry, eligibility,
        positioning, contract (running contracts: today), outcome), read by the retention job (domain.md §10)."""
        aujourdhui = timezone.localdate()

        def dernier(rows, expression):
            rows = rows.annotate(_jour=expression).order_by(F("_jour").desc(nulls_last=True))
            return Coalesce(models.Subquery(rows.values("_jour")[:1]), F("date_entree"))

        par_personne = {"beneficiaire": OuterRef("pk")}
        return self.annotate(
            derniere_activite=Greatest(
                F("date_entree"),
                dernier(Eligibilite.objects.filter(**par_personne), F("date_validation")),
                dernier(Positionnement.objects.filter(**par_personne), F("date")),
                dernier(Contrat.objects.filter(**par_personne), Coalesce(F("date_fin"), Value(aujourdhui))),
                dernier(Sortie.objects.filter(contrat__beneficiaire=OuterRef("pk")), F("date")),
            )
        )


class Beneficiaire(TenantModel):
    """A person far from employment followed by the guichet (domain.md §1). Never a social security number."""

    nom = models.CharField("nom", max_length=150)
    prenom = models.CharField("prénom", max_length=150)
    date_naissance = models.DateField("date de naissance")
    sexe = models.CharField("sexe", max_length=1, choices=Sexe)
    commune = models.CharField("commune", max_length=120, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True, validators=[valider_code_postal])
    qpv = models.BooleanField("habite un quartier prioritaire (QPV)", default=False)
    niveau_qualification = models.CharField(
        "niveau de qualification", max_length=10, choices=NiveauQualification, default=NiveauQualification.INFRA_3
    )
    # The API's ``prescripteur`` is a text (api.md); the organisation of the guichet's referential, when known,
    # is linked beside it (its name fills the text when the text is left empty).
    prescripteur = models.CharField("prescripteur (nom)", max_length=200, blank=True)
    prescripteur_organisme = models.ForeignKey(
        Prescripteur,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="beneficiaires",
        verbose_name="prescripteur du référentiel",
    )
    date_entree = models.DateField("date d'entrée", default=timezone.localdate)
    notes = models.TextField("notes", blank=True, help_text="Jamais de donnée de santé ni de situation judiciaire.")
    anonymise_le = models.DateTimeField("anonymisé le", null=True, blank=True, editable=False)

    objects = scoped_manager(BeneficiaireQuerySet)

    class Meta:
        verbose_name = "bénéficiaire"
        ordering = ["nom", "prenom", "pk"]
        indexes = [
            # The duplicates' search (``meme_identite``), always within one guichet.
            models.Index(
                "guichet", Lower("nom"), Lower("prenom"), "date_naissance", name="beneficiaire_guichet_identite"
            ),
            # The list's order: the first page is read off the index, the annotations computed for its rows only.
            models.Index(fields=["guichet", "nom", "prenom", "id"], name="beneficiaire_liste"),
        ]

    def __str__(self):
        if self.anonymise_le:
            return f"Personne anonymisée n°{self.pk}"
        return f"{self.prenom} {self.nom}".strip()

    def clean(self):
        if self.date_naissance and self.date_naissance > timezone.localdate():
            raise ValidationError({"date_naissance": "La date de naissance est dans le futur."})
        if self.date_naissance and self.date_naissance < date(1900, 1, 1):
            raise ValidationError({"date_naissance": "Vérifiez la date de naissance."})
        if self.prescripteur_organisme_id and not self.prescripteur:
            self.prescripteur = self.prescripteur_organisme.nom


class EligibiliteQuerySet(models.QuerySet):
    def valides_au(self, jour):
        return self.filter(date_validation__isnull=False, date_validation__lte=jour, valide_jusqu_au__gte=jour)

    def avec_valide(self, jour=None):
        jour = jour or timezone.localdate()
        return self.annotate(
            valide=Case(
                When(date_validation__isnull=False, date_validation__lte=jour, valide_jusqu_au__gte=jour, then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        )


class Eligibilite(TenantModel):
    """A decision of the guichet on a person's eligibility (domain.md §6): the facilitator is its guarantor. A
    decision without ``date_validation`` awaits validation (its proof attached)."""

    beneficiaire = models.ForeignKey(Beneficiaire, on_delete=models.CASCADE, related_name="eligibilites")
    criteres = ArrayField(models.CharField(max_length=30, choices=Critere), verbose_name="critères", default=list)
    base = models.CharField("base", max_length=20, choices=BaseEligibilite, default=BaseEligibilite.CRITERES)
    date_validation = models.DateField("date de validation", null=True, blank=True)
    valide_jusqu_au = models.DateField("valide jusqu'au", null=True, blank=True)
    justificatif_type = models.CharField("type de pièce", max_length=30, choices=TypeJustificatif, blank=True)
    justificatif_date = models.DateField("date de la pièce", null=True, blank=True)
    justificatif = models.FileField(
        "pièce numérisée", upload_to=chemin_prive, blank=True, max_length=255, validators=[valider_document]
    )
    justificatif_supprime_le = models.DateTimeField("pièce supprimée le", null=True, blank=True, editable=False)
    commentaire = models.TextField(
        "commentaire", blank=True, help_text="Le motif de l'avis, sans donnée de santé ni de situation judiciaire."
    )
    valide_par = models.ForeignKey(
        Utilisateur, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    revision_criteres = models.ForeignKey(
        RevisionCriteres, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    objects = scoped_manager(EligibiliteQuerySet)

    class Meta:
        verbose_name = "éligibilité"
        ordering = ["-date_validation", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valide_jusqu_au__isnull=True)
                | Q(date_validation__isnull=True)
                | Q(valide_jusqu_au__gte=F("date_validation")),
                name="eligibilite_fin_apres_validation",
                violation_error_message="La fin de validité précède la date de validation.",
            )
        ]

    def __str__(self):
        return f"Éligibilité de {self.beneficiaire}"

    def clean(self):
        inconnus = sorted(set(self.criteres) - set(Critere.values))
        if inconnus:
            raise ValidationError({"criteres": f"Critère inconnu : {', '.join(inconnus)}."})
        if len(set(self.criteres)) != len(self.criteres):
            self.criteres = list(dict.fromkeys(self.criteres))
        if self.base == BaseEligibilite.CRITERES and not self.criteres:
            raise ValidationError({"criteres": "Cochez au moins un critère."})
        if self.base == BaseEligibilite.AVIS_MOTIVE and not self.commentaire and not self.criteres:
            raise ValidationError({"commentaire": "Résumez l'avis motivé du prescripteur."})

    @property
    def libelles_criteres(self):
        return [Critere(code).label if code in Critere.values else code for code in self.criteres]

    @property
    def est_validee(self):
        return self.date_validation is not None


class Positionnement(TenantModel):
    """The facilitator proposes an eligible person to a company, for a lot (seed 003: « le facilitateur propose des
    publics éligibles à l'entreprise »). Hiring creates the work contract."""

    beneficiaire = models.ForeignKey(Beneficiaire, on_delete=models.CASCADE, related_name="positionnements")
    entreprise = models.ForeignKey("entreprises.Entreprise", on_delete=models.PROTECT, related_name="positionnements")
    lot = models.ForeignKey("marches.Lot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    date = models.DateField("date", default=timezone.localdate)
    poste = models.CharField("poste", max_length=200, blank=True)
    statut = models.CharField(
        "statut", max_length=12, choices=StatutPositionnement, default=StatutPositionnement.PROPOSE
    )
    motif_non_retenu = models.CharField("motif (non retenu)", max_length=255, blank=True)
    contrat = models.OneToOneField(
        "Contrat", on_delete=models.SET_NULL, null=True, blank=True, related_name="positionnement", editable=False
    )

    objects = scoped_manager()

    class Meta:
        verbose_name = "positionnement"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.beneficiaire} chez {self.entreprise}"

    def clean(self):
        if self.statut == StatutPositionnement.NON_RETENU and not self.motif_non_retenu:
            raise ValidationError({"motif_non_retenu": "Indiquez pourquoi la personne n'a pas été retenue."})
        if self.statut != StatutPositionnement.NON_RETENU:
            self.motif_non_retenu = ""


MOTIF_AUCUNE = "Aucune éligibilité validée pour cette personne."
MOTIF_APRES = "L'éligibilité a été validée après le début du contrat."
MOTIF_EXPIREE = "Aucune éligibilité n'était valide au début du contrat (expirée)."


class ContratQuerySet(models.QuerySet):
    def avec_eligibilite(self):
        """``eligible`` (a validated eligibility covers ``date_debut``, domain.md §4) and ``motif_ineligibilite``,
        in SQL: what the hours engine's ``ContratEntree`` reads."""
        personne = Eligibilite.objects.filter(beneficiaire=OuterRef("beneficiaire"), date_validation__isnull=False)
        debut = OuterRef("date_debut")
        valide = personne.filter(date_validation__lte=debut, valide_jusqu_au__gte=debut)
        return self.annotate(
            eligible=Exists(valide),
            motif_ineligibilite=Case(
                When(Exists(valide), then=Value("")),
                When(~Exists(personne), then=Value(MOTIF_AUCUNE)),
                When(
                    ~Exists(personne.filter(date_validation__lte=OuterRef("date_debut"))),
                    then=Value(MOTIF_APRES),
                ),
                default=Value(MOTIF_EXPIREE),
                output_field=models.CharField(),
            ),
        )

    def entrees_moteur(self):
        """The company's contracts as the hours engine's ``ContratEntree`` (one query)."""
        return [contrat for _, contrat in self._entrees_moteur()]

    def entrees_moteur_par_entreprise(self):
        """``{entreprise_id: [ContratEntree]}``: the contracts of several companies, in one query."""
        par_entreprise = {}
        for entreprise_id, contrat in self._entrees_moteur():
            par_entreprise.setdefault(entreprise_id, []).append(contrat)
        return par_entreprise

    def valeurs_moteur(self):
        """The rows the hours engine reads, company first: ``entreprises.decompte`` also fingerprints them in SQL."""
        return self.avec_eligibilite().values_list(
            "entreprise_id",
            "id",
            "modalite",
            "type_contrat",
            "date_debut",
            "date_fin",
            "lot_id",
            "eligible",
            "motif_ineligibilite",
        )

    def _entrees_moteur(self):
        from entreprises.moteur import ContratEntree

        for entreprise_id, pk, modalite, type_contrat, debut, fin, lot_id, eligible, motif in self.valeurs_moteur():
            contrat = ContratEntree(
                id=pk,
                modalite=modalite,
                type_contrat=type_contrat,
                debut=debut,
                fin=fin,
                lot_id=lot_id,
                eligible=eligible,
                motif_ineligibilite=motif or None,
            )
            yield entreprise_id, contrat


class Contrat(TenantModel):
    """A work contract (or a training) of a person through a clause: the parcours (api.md ``contrats/``)."""

    beneficiaire = models.ForeignKey(Beneficiaire, on_delete=models.PROTECT, related_name="contrats")
    entreprise = models.ForeignKey(
        "entreprises.Entreprise",
        on_delete=models.PROTECT,
        related_name="contrats",
        help_text="L'entreprise qui doit les heures.",
    )
    modalite = models.CharField("modalité", max_length=20, choices=Modalite, default=Modalite.EMBAUCHE_DIRECTE)
    type_contrat = models.CharField("type de contrat", max_length=20, choices=TypeContrat, default=TypeContrat.CDD)
    structure = models.ForeignKey(
        "entreprises.Entreprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contrats_mis_a_disposition",
        help_text="L'ETTI, l'AI ou le GEIQ qui met la personne à disposition.",
    )
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    lot = models.ForeignKey(
        "marches.Lot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contrats",
        help_text="Affectation explicite de toutes les heures du contrat à un lot.",
    )
    poste = models.CharField("poste", max_length=200, blank=True)

    objects = scoped_manager(ContratQuerySet)

    class Meta:
        verbose_name = "contrat"
        ordering = ["-date_debut", "-pk"]
        indexes = [
            # The list's order (``contrats_visibles``): the first page is read off the index, so the joins and the
            # eligibility annotations are computed for its rows only, not for every contract before a sort.
            models.Index(fields=["guichet", "-date_debut", "-id"], name="contrat_liste"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_debut")),
                name="contrat_fin_apres_debut",
                violation_error_message="La fin du contrat précède son début.",
            )
        ]

    def __str__(self):
        return f"{self.get_type_contrat_display()} de {self.beneficiaire} chez {self.entreprise}"

    def clean(self):
        if self.modalite == Modalite.MISE_A_DISPOSITION and not self.structure_id:
            raise ValidationError({"structure": "Indiquez la structure qui met la personne à disposition."})
        if self.modalite != Modalite.MISE_A_DISPOSITION:
            self.structure = None


class Sortie(TenantModel):
    """A person's situation at the end of a contract and some months later (domain.md §7)."""

    contrat = models.ForeignKey(Contrat, on_delete=models.CASCADE, related_name="sorties")
    date = models.DateField("date")
    moment = models.CharField("moment", max_length=12, choices=MomentSortie)
    situation = models.CharField("situation", max_length=20, choices=SituationSortie)
    detail = models.CharField("précision", max_length=255, blank=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "sortie"
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contrat", "moment"],
                name="sortie_unique_par_moment",
                violation_error_message="La sortie de ce moment est déjà saisie pour ce contrat.",
            )
        ]

    def __str__(self):
        return f"{self.get_situation_display()} ({self.get_moment_display().lower()})"


class AccesDonnees(TenantModel):
    """The access log of personal data (domain.md §10): every read of a person's eligibility, every export."""

    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.SET_NULL, null=True, related_name="+")
    beneficiaire = models.ForeignKey(
        Beneficiaire, on_delete=models.SET_NULL, null=True, related_name="acces", verbose_name="personne"
    )
    objet = models.CharField("donnée lue", max_length=20, choices=ObjetAcces)
    quand = models.DateTimeField("date", auto_now_add=True, db_index=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = "accès aux données"
        verbose_name_plural = "journal des accès"
        ordering = ["-quand", "-pk"]


CHAMPS_PRESCRIPTEUR = champs_modifiables(Prescripteur)
CHAMPS_CONTACT_PRESCRIPTEUR = champs_modifiables(ContactPrescripteur)
CHAMPS_BENEFICIAIRE = champs_modifiables(Beneficiaire)
CHAMPS_ELIGIBILITE = champs_modifiables(Eligibilite, exclure=["cree_le"])
CHAMPS_POSITIONNEMENT = champs_modifiables(Positionnement)
CHAMPS_CONTRAT = champs_modifiables(Contrat)
CHAMPS_SORTIE = champs_modifiables(Sortie)
