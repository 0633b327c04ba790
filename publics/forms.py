from django import forms

from entreprises.models import Entreprise
from guichet.forms import ContactBaseForm, ServiceModelForm
from marches.models import Lot

from .enums import Critere
from .models import (
    CHAMPS_BENEFICIAIRE,
    CHAMPS_CONTACT_PRESCRIPTEUR,
    CHAMPS_CONTRAT,
    CHAMPS_POSITIONNEMENT,
    CHAMPS_PRESCRIPTEUR,
    CHAMPS_SORTIE,
    Beneficiaire,
    ContactPrescripteur,
    Contrat,
    CritereEligibilite,
    Eligibilite,
    Positionnement,
    Prescripteur,
    Sortie,
)

# Choice lists read the guichet's rows through the scoped managers: the request's scope keeps them to its guichet.


class PrescripteurForm(ServiceModelForm):
    class Meta:
        model = Prescripteur
        fields = CHAMPS_PRESCRIPTEUR
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ContactPrescripteurForm(ContactBaseForm):
    class Meta:
        model = ContactPrescripteur
        fields = [name for name in CHAMPS_CONTACT_PRESCRIPTEUR if name != "prescripteur"]


def _choix(model, label, *, required=True, help_text=""):
    """A foreign key's choice list, empty at import (no guichet scope then); filled by the form from the request's
    scope."""
    return forms.ModelChoiceField(
        label=label, queryset=model._base_manager.none(), required=required, help_text=help_text
    )


class BeneficiaireForm(ServiceModelForm):
    prescripteur_organisme = _choix(Prescripteur, "Prescripteur du référentiel", required=False)
    groupes = [
        ("Identité", ["nom", "prenom", "date_naissance", "sexe"]),
        ("Situation", ["commune", "code_postal", "qpv", "niveau_qualification"]),
        ("Orientation", ["prescripteur_organisme", "prescripteur", "date_entree"]),
        ("Notes", ["notes"]),
    ]

    class Meta:
        model = Beneficiaire
        fields = CHAMPS_BENEFICIAIRE
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"prescripteur": "Laissé vide, le nom du prescripteur du référentiel est repris."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prescripteur_organisme"].queryset = Prescripteur.objects.order_by("nom")


class EligibiliteForm(ServiceModelForm):
    criteres = forms.MultipleChoiceField(
        label="Critères remplis", required=False, widget=forms.CheckboxSelectMultiple, choices=Critere.choices
    )

    class Meta:
        model = Eligibilite
        fields = [
            "criteres",
            "base",
            "date_validation",
            "valide_jusqu_au",
            "justificatif_type",
            "justificatif_date",
            "justificatif",
            "commentaire",
        ]
        widgets = {"commentaire": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "date_validation": "Vide : la décision attend sa validation.",
            "valide_jusqu_au": "Vide : la durée de validité du guichet s'applique.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The guichet's list, in its own words (domain.md §6).
        self.fields["criteres"].choices = list(
            CritereEligibilite.objects.filter(actif=True).order_by("ordre", "code").values_list("code", "libelle")
        )


class PositionnementForm(ServiceModelForm):
    entreprise = _choix(Entreprise, "Entreprise")
    lot = _choix(Lot, "Lot", required=False, help_text="Le lot clausé sur lequel la personne est proposée.")

    class Meta:
        model = Positionnement
        fields = [c for c in CHAMPS_POSITIONNEMENT if c != "beneficiaire"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entreprise"].queryset = Entreprise.objects.order_by("raison_sociale")
        self.fields["lot"].queryset = Lot.objects.select_related("marche").order_by("marche__reference", "numero")


class ContratForm(ServiceModelForm):
    entreprise = _choix(Entreprise, "Entreprise", help_text="L'entreprise qui doit les heures.")
    structure = _choix(
        Entreprise, "Structure", required=False, help_text="L'ETTI, l'AI ou le GEIQ, pour une mise à disposition."
    )
    lot = _choix(Lot, "Lot", required=False, help_text="Affectation explicite des heures du contrat à un lot.")

    class Meta:
        model = Contrat
        fields = [c for c in CHAMPS_CONTRAT if c != "beneficiaire"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for champ in ("entreprise", "structure"):
            if champ in self.fields:
                self.fields[champ].queryset = Entreprise.objects.order_by("raison_sociale")
        self.fields["lot"].queryset = Lot.objects.select_related("marche").order_by("marche__reference", "numero")


class EmbaucheForm(ContratForm):
    """The contract of a hire: the person and the company come from the positioning."""

    entreprise = None

    class Meta(ContratForm.Meta):
        fields = [c for c in CHAMPS_CONTRAT if c not in {"beneficiaire", "entreprise"}]


class SortieForm(ServiceModelForm):
    class Meta:
        model = Sortie
        fields = [c for c in CHAMPS_SORTIE if c != "contrat"]


class CritereForm(ServiceModelForm):
    class Meta:
        model = CritereEligibilite
        fields = ["libelle", "actif", "ordre"]


class FusionForm(forms.Form):
    doublon = forms.ModelChoiceField(
        label="Personne à fusionner dans celle-ci",
        queryset=Beneficiaire._base_manager.none(),
        help_text="Ses éligibilités, positionnements, contrats et accès passent sur la fiche gardée ; elle disparaît.",
    )

    def __init__(self, *args, doublons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doublon"].queryset = doublons
        self.fields["doublon"].label_from_instance = lambda b: (
            f"{b.prenom} {b.nom}, né(e) le {b.date_naissance:%d/%m/%Y}, entré(e) le {b.date_entree:%d/%m/%Y} (n°{b.pk})"
        )


class ConservationForm(forms.Form):
    confirmer = forms.BooleanField(label="J'ai lu le rapport : anonymiser ces personnes maintenant", required=True)
