from django import forms

from guichet.forms import ContactBaseForm, ServiceModelForm

from .models import (
    CHAMPS_ACHAT_PREVU,
    CHAMPS_ACHETEUR,
    CHAMPS_CONTACT,
    CHAMPS_PROGRAMMATION,
    AchatPrevu,
    Acheteur,
    Contact,
    Programmation,
)

TEXTE_COURT = forms.Textarea(attrs={"rows": 3})


class AcheteurForm(ServiceModelForm):
    class Meta:
        model = Acheteur
        # Archiving has its own button (and audit entry).
        fields = [name for name in CHAMPS_ACHETEUR if name != "archive"]
        widgets = {"notes": TEXTE_COURT}


class ContactForm(ContactBaseForm):
    class Meta:
        model = Contact
        fields = [name for name in CHAMPS_CONTACT if name != "acheteur"]


class ProgrammationForm(ServiceModelForm):
    class Meta:
        model = Programmation
        fields = [name for name in CHAMPS_PROGRAMMATION if name != "acheteur"]
        widgets = {"commentaire": forms.Textarea(attrs={"rows": 5})}


class AchatPrevuForm(ServiceModelForm):
    class Meta:
        model = AchatPrevu
        fields = [name for name in CHAMPS_ACHAT_PREVU if name != "programmation"]
        widgets = {"commentaire": TEXTE_COURT}
