"""The filters of the indicators (year, buyer), shared by the dashboards and the API ``indicateurs/``; the forms
that ask for a bilan or an export, and the guichet's logo."""

from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from acheteurs.models import Acheteur
from acheteurs.selectors import acheteurs_visibles
from entreprises.models import Entreprise
from guichet.enums import TypeConsideration
from marches.models import Consideration, Lot, Marche

from .enums import FormatExport, TypeBilan, TypeExport

MESSAGES_ANNEE = {
    "invalid": "Indiquez une année sur quatre chiffres, par exemple 2026.",
    "min_value": "Indiquez une année à partir de 2000.",
    "max_value": "Indiquez une année jusqu'à 2100.",
}


class FiltresIndicateursForm(forms.Form):
    """``annee`` (the current year when absent) and ``acheteur`` (among the buyers the member sees: a buyer
    member names only its own, and is held to it anyway by ``indicateurs.portee_du_membre``)."""

    annee = forms.IntegerField(
        label="Année",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages=MESSAGES_ANNEE,
    )
    acheteur = forms.ModelChoiceField(
        label="Acheteur",
        required=False,
        queryset=None,
        empty_label="Tous",
        error_messages={"invalid_choice": "Cet acheteur n'existe pas ou ne vous est pas visible."},
    )

    def __init__(self, data=None, *, membre):
        super().__init__(data)
        self.fields["acheteur"].queryset = acheteurs_visibles(guichet=membre.guichet, membre=membre).order_by("nom")

    def valeurs(self):
        """``(annee, acheteur_id)`` once valid."""
        acheteur = self.cleaned_data.get("acheteur")
        return self.cleaned_data.get("annee") or timezone.localdate().year, acheteur.pk if acheteur else None


ANNEE = {
    "label": "Année",
    "min_value": 2000,
    "max_value": 2100,
    "error_messages": MESSAGES_ANNEE,
}


class LotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, lot):
        return f"{lot.marche.reference} – lot {lot.numero} : {lot.intitule}"


class BilanForm(forms.Form):
    """Ask for a bilan (the page twin of ``POST bilans/``): the objects each type needs are checked by
    ``services.bilan_demander``, whose errors come back on their field."""

    type = forms.ChoiceField(label="Bilan", choices=TypeBilan.choices)
    annee = forms.IntegerField(**ANNEE, help_text="Pour les bilans annuels.")
    acheteur = forms.ModelChoiceField(
        label="Acheteur", required=False, queryset=None, empty_label="—", help_text="Pour le bilan d'un acheteur."
    )
    marche = forms.ModelChoiceField(
        label="Marché", required=False, queryset=None, empty_label="—", help_text="Pour un bilan de fin de marché."
    )
    entreprise = forms.ModelChoiceField(
        label="Entreprise",
        required=False,
        queryset=None,
        empty_label="—",
        help_text="Pour une attestation de réalisation.",
    )
    lot = LotChoiceField(
        label="Lot", required=False, queryset=None, empty_label="—", help_text="Pour une attestation de réalisation."
    )

    def __init__(self, *args, guichet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].initial = timezone.localdate().year
        self.fields["acheteur"].queryset = Acheteur.objects.filter(guichet=guichet).order_by("nom")
        self.fields["marche"].queryset = Marche.objects.filter(guichet=guichet).order_by("reference")
        self.fields["entreprise"].queryset = Entreprise.objects.filter(guichet=guichet).order_by("raison_sociale")
        clause = Consideration.objects.filter(lot=OuterRef("pk"), type=TypeConsideration.CLAUSE_HEURES)
        lots = Lot.objects.filter(guichet=guichet).filter(Exists(clause)).select_related("marche")
        self.fields["lot"].queryset = lots.order_by("marche__reference", "numero")


class ExportForm(forms.Form):
    type = forms.ChoiceField(label="Export", choices=TypeExport.choices)
    annee = forms.IntegerField(**ANNEE)
    format = forms.ChoiceField(label="Format", choices=FormatExport.choices, initial=FormatExport.XLSX)

    def __init__(self, *args, guichet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].initial = timezone.localdate().year


class LogoForm(forms.Form):
    logo = forms.FileField(label="Logo (PNG ou JPEG)", required=False)
    supprimer = forms.BooleanField(label="Retirer le logo", required=False)
