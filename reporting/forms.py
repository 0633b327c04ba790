"""The filters of the indicators (year, buyer), shared by the dashboards and the API ``indicateurs/``."""

from django import forms
from django.utils import timezone

from acheteurs.selectors import acheteurs_visibles


class FiltresIndicateursForm(forms.Form):
    """``annee`` (the current year when absent) and ``acheteur`` (among the buyers the member sees: a buyer
    member names only its own, and is held to it anyway by ``indicateurs.portee_du_membre``)."""

    annee = forms.IntegerField(
        label="Année",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "Indiquez une année sur quatre chiffres, par exemple 2026.",
            "min_value": "Indiquez une année à partir de 2000.",
            "max_value": "Indiquez une année jusqu'à 2100.",
        },
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
