from django import forms

from guichet.forms import ServiceModelForm

from .models import CHAMPS_ENTREPRISE, Entreprise


class EntrepriseForm(ServiceModelForm):
    groupes = [
        ("L'entreprise", ["raison_sociale", "siret", "type_structure", "code_naf"]),
        ("Adresse", ["adresse", "code_postal", "commune"]),
        ("Contact", ["contact_nom", "contact_fonction", "contact_email", "contact_telephone"]),
        ("Notes", ["notes"]),
    ]

    class Meta:
        model = Entreprise
        fields = CHAMPS_ENTREPRISE
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
