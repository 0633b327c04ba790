from datetime import date

from django import forms

from guichet.dates import lire_mois
from guichet.enums import Role
from guichet.forms import ContactBaseForm, ServiceModelForm
from marches.models import Lot
from publics.models import Contrat

from .controles import CHAMPS_LIGNE
from .enums import TypePiece
from .models import CHAMPS_CONTACT_ENTREPRISE, CHAMPS_ENTREPRISE, ContactEntreprise, Entreprise, LigneReleve


class EntrepriseForm(ServiceModelForm):
    groupes = [
        ("L'entreprise", ["raison_sociale", "siret", "type_structure", "code_naf"]),
        ("Adresse", ["adresse", "code_postal", "commune"]),
        ("Notes", ["notes"]),
    ]

    class Meta:
        model = Entreprise
        fields = CHAMPS_ENTREPRISE
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ContactEntrepriseForm(ContactBaseForm):
    class Meta:
        model = ContactEntreprise
        fields = [name for name in CHAMPS_CONTACT_ENTREPRISE if name != "entreprise"]


class MoisField(forms.Field):
    """A month, typed ``AAAA-MM`` (the browser's month picker sends that), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"})
    default_error_messages = {"invalid": "Indiquez le mois au format AAAA-MM (par exemple 2026-03)."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value.replace(day=1)
        mois = lire_mois(value)
        if mois is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return mois

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, date) else value


# --- Relevés ---------------------------------------------------------------------------------------------


def entreprises_declarantes(membre):
    """The companies a member may report for (and filter relevés on): a company member, its own."""
    entreprises = Entreprise.objects.order_by("raison_sociale")
    if membre is not None and membre.role == Role.ENTREPRISE:
        return entreprises.filter(pk=membre.entreprise_id)
    return entreprises


class ReleveForm(forms.Form):
    """A new relevé: the company (a company member's own) and the month."""

    entreprise = forms.ModelChoiceField(label="Entreprise", queryset=Entreprise.objects.none())
    periode = MoisField(label="Mois du relevé", help_text="AAAA-MM, par exemple 2026-03.")

    def __init__(self, *args, membre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entreprise"].queryset = entreprises_declarantes(membre)
        if membre.role == Role.ENTREPRISE:
            self.fields["entreprise"].initial = membre.entreprise_id
            self.fields["entreprise"].widget = forms.HiddenInput()


class ImportReleveForm(ReleveForm):
    fichier = forms.FileField(
        label="Fichier du relevé",
        help_text="Classeur .xlsx ou fichier .csv (séparateur point-virgule), avec les colonnes du modèle.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class LigneReleveForm(ServiceModelForm):
    """A line typed on the relevé's page: a person (one of the company's contracts) or a sous-traitance (a
    structure inclusive, an amount, a lot); the service checks which kind it is."""

    contrat = forms.ModelChoiceField(label="Personne", queryset=Contrat.objects.none(), required=False)
    sous_traitant = forms.ModelChoiceField(
        label="Structure sous-traitante", queryset=Entreprise.objects.none(), required=False
    )
    lot = forms.ModelChoiceField(label="Lot", queryset=Lot.objects.none(), required=False)

    class Meta:
        model = LigneReleve
        fields = CHAMPS_LIGNE

    def __init__(self, *args, releve, **kwargs):
        super().__init__(*args, **kwargs)
        entreprise = releve.entreprise
        contrats = Contrat.objects.filter(entreprise=entreprise).select_related("beneficiaire")
        self.fields["contrat"].queryset = contrats.order_by("beneficiaire__nom", "beneficiaire__prenom", "-date_debut")
        self.fields["contrat"].label_from_instance = _personne_du_contrat
        inclusives = Entreprise.objects.structures_inclusives().exclude(pk=entreprise.pk)
        self.fields["sous_traitant"].queryset = inclusives.order_by("raison_sociale")
        lots = Lot.objects.tenus_par(entreprise.pk).select_related("marche").order_by("marche__reference", "numero")
        self.fields["lot"].queryset = lots
        self.fields["lot"].label_from_instance = lambda lot: f"{lot.marche.reference}/{lot.numero} – {lot.intitule}"
        for nom in ("heures", "montant_ht"):
            # A decimal comma or point (payroll clerks type « 35,5 »): a localized text input.
            self.fields[nom].localize = True
            self.fields[nom].widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
            self.fields[nom].widget.is_localized = True


def _personne_du_contrat(contrat):
    fin = f"au {contrat.date_fin:%d/%m/%Y}" if contrat.date_fin else "sans fin"
    return f"{contrat.beneficiaire} – {contrat.get_type_contrat_display()} du {contrat.date_debut:%d/%m/%Y} {fin}"


class DecisionLigneForm(forms.Form):
    rejet = forms.BooleanField(required=False)
    motif = forms.CharField(label="Motif du rejet", required=False, max_length=500)


class CommentaireReleveForm(forms.Form):
    texte = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class PieceJustificativeForm(forms.Form):
    type = forms.ChoiceField(label="Type de pièce", choices=TypePiece.choices)
    fichier = forms.FileField(label="Fichier", help_text="PDF, image ou document bureautique.")
