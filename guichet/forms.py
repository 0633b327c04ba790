from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from acheteurs.models import Acheteur
from entreprises.models import Entreprise

from .dates import DATE_MAX, DATE_MIN, HORS_PLAGE
from .enums import Role, Secteur
from .models import CHAMPS_SEUILS, PARAMETRES_MODIFIABLES, Parametres
from .throttle import ConnexionBloquee, authentifier


class ConnexionForm(AuthenticationForm):
    """Sign-in by email, refused for a while after repeated failures (see ``guichet.throttle``)."""

    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email and password:
            try:
                self.user_cache = authentifier(self.request, email, password)
            except ConnexionBloquee as blocked:
                raise forms.ValidationError(str(blocked), code="throttled") from blocked
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class CodeForm(forms.Form):
    """The one-time code of the second factor: six digits of the app, or a recovery code."""

    code = forms.CharField(
        label="Code à usage unique",
        max_length=32,
        help_text="Les six chiffres affichés par votre application d'authentification, ou un code de secours.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
        error_messages={"required": "Saisissez le code à usage unique."},
    )


class PourcentageField(forms.DecimalField):
    """Shows and accepts a percentage (5 for 5 %) for a rate stored as a fraction (0.05)."""

    def __init__(self, **kwargs):
        # The model's digits count the stored fraction (0.1500), not the percentage typed (15).
        kwargs.pop("max_digits", None)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", Decimal("100"))
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("step", "0.01")

    def prepare_value(self, value):
        # Stored fractions (Decimal) are shown as percentages; what the user typed is shown back as typed.
        if isinstance(value, Decimal):
            return (value * 100).normalize()
        return value

    def clean(self, value):
        value = super().clean(value)
        return None if value is None else value / 100


class MembreForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)
    acheteur = forms.ModelChoiceField(
        label="Acheteur représenté",
        queryset=Acheteur.objects.none(),
        required=False,
        help_text="Pour le rôle acheteur.",
    )
    entreprise = forms.ModelChoiceField(
        label="Entreprise représentée",
        queryset=Entreprise.objects.none(),
        required=False,
        help_text="Pour le rôle entreprise.",
    )

    def __init__(self, *args, guichet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acheteur"].queryset = Acheteur.objects.filter(guichet=guichet).actifs()
        self.fields["entreprise"].queryset = Entreprise.objects.filter(guichet=guichet)

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.ACHETEUR and not data.get("acheteur"):
            self.add_error("acheteur", "Choisissez l'acheteur que ce membre représente.")
        if data.get("role") == Role.ENTREPRISE and not data.get("entreprise"):
            self.add_error("entreprise", "Choisissez l'entreprise que ce membre représente.")
        return data


class InvitationForm(MembreForm):
    email = forms.EmailField(label="Adresse électronique")
    field_order = ["email", "role", "acheteur", "entreprise"]


class ChampDate(forms.DateInput):
    """The browser's date picker; it sends ISO dates, which Django always accepts beside the French ones."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def valider_date(jour):
    """A date typed on a page: within ``DATE_MIN``–``DATE_MAX``, as the API's."""
    if jour is not None and not DATE_MIN <= jour <= DATE_MAX:
        raise ValidationError(HORS_PLAGE, code="hors_plage")


class ServiceModelForm(forms.ModelForm):
    """A model form that only checks what was typed: the service validates the model (``full_clean`` in its
    transaction) and the view shows its errors on the form (``add_service_errors``).

    ``cleaned_data`` holds the values to hand to the service; the instance (when editing) only gives the
    initial values and is left untouched. Dates use the browser's date picker, from 1900 to 2199. ``groupes``
    (legend, field names) shows a long form in fieldsets.
    """

    groupes = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.validators.append(valider_date)
                if not isinstance(field.widget, forms.HiddenInput):
                    field.widget = ChampDate()

    def _post_clean(self):
        pass

    def fieldsets(self):
        return [(legende, [self[name] for name in noms if name in self.fields]) for legende, noms in self.groupes or []]


class ContactBaseForm(ServiceModelForm):
    """The form of a ``ContactBase`` (a buyer's, a company's contact): its organisation comes from the page. The
    role, declared by the concrete model after the shared fields, is put back beside the name."""

    field_order = ["prenom", "nom", "role", "fonction", "email", "telephone", "principal"]


RATE_FIELDS = {"taux_insertion", "plafond_formation_pct", "seuil_risque_vert", "seuil_risque_orange"}


class ParametresForm(ServiceModelForm):
    """The settings page: rates typed as percentages, one input per sector for the labour shares, and the EU
    thresholds of the Loi Climat as their latest dated set (a new date of effect adds a set, the former ones
    stay for the marchés launched before it)."""

    seuils_date_effet = forms.DateField(label="Seuils européens en vigueur à partir du", widget=ChampDate())
    seuil_fournitures_services_etat = forms.DecimalField(
        label="Fournitures et services, acheteurs de l'État (€ HT)", min_value=1, decimal_places=2
    )
    seuil_fournitures_services = forms.DecimalField(
        label="Fournitures et services, autres acheteurs (€ HT)", min_value=1, decimal_places=2
    )
    seuil_travaux = forms.DecimalField(label="Travaux (€ HT)", min_value=1, decimal_places=2)

    class Meta:
        model = Parametres
        fields = [name for name in PARAMETRES_MODIFIABLES if name not in {"taux_main_oeuvre", "seuils_europeens"}]
        field_classes = dict.fromkeys(RATE_FIELDS, PourcentageField)
        labels = {
            "taux_insertion": "Taux d'insertion (%)",
            "plafond_formation_pct": "Plafond des heures de formation (% des heures dues)",
            "seuil_risque_vert": "Statut vert : projection d'au moins (% des heures dues)",
            "seuil_risque_orange": "Statut orange : projection d'au moins (% des heures dues)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        seuils = (self.instance.seuils_europeens or [{}])[-1]
        self.fields["seuils_date_effet"].initial = seuils.get("date_effet")
        for champ in CHAMPS_SEUILS:
            self.fields[f"seuil_{champ}"].initial = seuils.get(champ)
        table = self.instance.taux_main_oeuvre or {}
        for secteur in Secteur:
            self.fields[f"secteur_{secteur.value}"] = PourcentageField(
                label=f"{secteur.label} (%)", initial=Decimal(table[secteur.value]) if secteur.value in table else None
            )

    @property
    def champs_secteurs(self):
        return [self[f"secteur_{s.value}"] for s in Secteur]

    @property
    def champs_seuils(self):
        return [self["seuils_date_effet"], *(self[f"seuil_{champ}"] for champ in CHAMPS_SEUILS)]

    @property
    def champs_generaux(self):
        return [field for field in self if not self._champ_compose(field.name)]

    @staticmethod
    def _champ_compose(name):
        """A field of the sector table or of the dated EU thresholds, stored in a JSON setting."""
        return name.startswith("secteur_") or name in {"seuils_date_effet", *(f"seuil_{c}" for c in CHAMPS_SEUILS)}

    def changes(self):
        """The cleaned values, with the sector table and the dated thresholds rebuilt, for ``parametres_update``."""
        data = {name: value for name, value in self.cleaned_data.items() if not self._champ_compose(name)}
        data["taux_main_oeuvre"] = {s.value: str(self.cleaned_data[f"secteur_{s.value}"]) for s in Secteur}
        jour = self.cleaned_data["seuils_date_effet"].isoformat()
        seuils = {"date_effet": jour, **{c: str(self.cleaned_data[f"seuil_{c}"]) for c in CHAMPS_SEUILS}}
        autres = [s for s in self.instance.seuils_europeens or [] if s.get("date_effet") != jour]
        data["seuils_europeens"] = [*autres, seuils]
        return data
