from django import forms

from guichet.forms import ContactBaseForm, ServiceModelForm

from .models import CHAMPS_CONTACT_ENTREPRISE, CHAMPS_ENTREPRISE, ContactEntreprise, Entreprise


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
