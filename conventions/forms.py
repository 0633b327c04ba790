from django import forms

from acheteurs.models import Acheteur
from guichet.forms import ServiceModelForm

from .enums import ServiceConvention
from .models import CHAMPS_CONVENTION, CHAMPS_EVENEMENT, Convention, DocumentEvenement, Evenement

TEXTE = forms.Textarea(attrs={"rows": 3})


def acheteurs_au_choix(guichet, *actuels):
    """Active buyers, plus those already chosen (an archived buyer stays on its old records)."""
    ids = [acheteur.pk for acheteur in actuels if acheteur is not None]
    return Acheteur.objects.filter(guichet=guichet).actifs() | Acheteur.objects.filter(pk__in=ids)


# Choices are set per request (``acheteurs_au_choix``): at import no guichet is active, so no query may run.
AUCUN_ACHETEUR = Acheteur._base_manager.none()


class ConventionForm(ServiceModelForm):
    acheteur = forms.ModelChoiceField(label="Acheteur", queryset=AUCUN_ACHETEUR)
    services = forms.MultipleChoiceField(
        label="Services du guichet",
        choices=ServiceConvention.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    # The page shows the fields in these groups (``components/page_formulaire.html``).
    groupes = [
        ("La convention", ["acheteur", "reference", "objet", "statut", "commentaire"]),
        ("Signature", ["date_signature", "signataire_guichet", "signataire_acheteur", "document"]),
        ("Durée", ["date_debut", "date_fin", "reconduction_tacite", "duree_reconduction_mois", "reconductions_max"]),
        ("Services et participation financière", ["services", "participation_mode", "participation_montant"]),
        ("Engagements réciproques", ["engagements_guichet", "engagements_acheteur", "clause_confidentialite"]),
        (
            "Gouvernance et reporting",
            ["frequence_copil", "gouvernance", "frequence_reporting", "engagements_reporting"],
        ),
        ("Déclinaison d'une convention nationale", ["partenaire_national", "convention_nationale"]),
    ]

    class Meta:
        model = Convention
        fields = CHAMPS_CONVENTION
        widgets = dict.fromkeys(
            [
                "engagements_guichet",
                "engagements_acheteur",
                "clause_confidentialite",
                "gouvernance",
                "engagements_reporting",
                "commentaire",
            ],
            TEXTE,
        )

    def __init__(self, *args, guichet, **kwargs):
        super().__init__(*args, **kwargs)
        actuel = self.instance.acheteur if self.instance.acheteur_id else None
        self.fields["acheteur"].queryset = acheteurs_au_choix(guichet, actuel)


class EvenementForm(ServiceModelForm):
    acheteurs = forms.ModelMultipleChoiceField(
        label="Acheteurs présents", queryset=AUCUN_ACHETEUR, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Evenement
        fields = [*CHAMPS_EVENEMENT, "acheteurs"]
        widgets = {
            "participants": TEXTE,
            "compte_rendu": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, guichet, **kwargs):
        super().__init__(*args, **kwargs)
        actuels = self.instance.acheteurs.all() if self.instance.pk else []
        self.fields["acheteurs"].queryset = acheteurs_au_choix(guichet, *actuels).order_by("nom")


class DocumentEvenementForm(ServiceModelForm):
    class Meta:
        model = DocumentEvenement
        fields = ["fichier", "titre"]
        help_texts = {"titre": "Par défaut, le nom du fichier."}
