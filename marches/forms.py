from decimal import Decimal

from django import forms

from conventions.forms import AUCUN_ACHETEUR, acheteurs_au_choix
from entreprises.enums import TypeStructure
from entreprises.models import Entreprise
from guichet.enums import Secteur, TypeConsideration
from guichet.forms import PourcentageField, ServiceModelForm

from . import calibrage
from .enums import ModeCalcul
from .models import (
    CHAMPS_ATTRIBUTION,
    CHAMPS_AVENANT,
    CHAMPS_CLAUSE_HEURES,
    CHAMPS_CONSIDERATION,
    CHAMPS_LOT,
    CHAMPS_MARCHE,
    CHAMPS_OPERATION,
    Attribution,
    AvenantHeures,
    Consideration,
    Lot,
    Marche,
    Operation,
)

TEXTE = forms.Textarea(attrs={"rows": 3})
TAUX = ["taux_main_oeuvre", "taux_insertion", "pact_taux_insertion", "ponderation"]


class OperationForm(ServiceModelForm):
    class Meta:
        model = Operation
        fields = CHAMPS_OPERATION
        widgets = {"description": TEXTE}


class MarcheForm(ServiceModelForm):
    acheteur = forms.ModelChoiceField(label="Acheteur", queryset=AUCUN_ACHETEUR)
    operation = forms.ModelChoiceField(label="Opération", queryset=Operation._base_manager.none(), required=False)

    groupes = [
        (
            "Le marché",
            ["acheteur", "operation", "reference", "objet", "type_contrat", "nature", "montant_estime_ht", "statut"],
        ),
        ("Calendrier", ["date_lancement", "date_notification", "date_debut_execution", "date_fin_execution"]),
        ("Loi Climat", ["motif_derogation_climat"]),
        ("Compléments", ["commentaire"]),
    ]

    class Meta:
        model = Marche
        fields = CHAMPS_MARCHE
        widgets = {"motif_derogation_climat": TEXTE, "commentaire": TEXTE}

    def __init__(self, *args, guichet, **kwargs):
        super().__init__(*args, **kwargs)
        actuel = self.instance.acheteur if self.instance.acheteur_id else None
        self.fields["acheteur"].queryset = acheteurs_au_choix(guichet, actuel)
        self.fields["operation"].queryset = Operation.objects.filter(guichet=guichet)


class MarcheDepuisAchatForm(MarcheForm):
    """« Transformer en marché »: the buyer comes from the programme; the marché starts in status ``programme``."""

    groupes = None

    class Meta(MarcheForm.Meta):
        fields = ["reference", "objet", "type_contrat", "nature", "montant_estime_ht", "operation"]

    def __init__(self, *args, guichet, **kwargs):
        super().__init__(*args, guichet=guichet, **kwargs)
        del self.fields["acheteur"]


class LotForm(ServiceModelForm):
    class Meta:
        model = Lot
        fields = [name for name in CHAMPS_LOT if name != "marche"]


class ChoixMutualisation(forms.NullBooleanSelect):
    """A clause's pooling: the buyer's choice (empty), or allowed or refused for this clause."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [
            ("unknown", "Celle de l'acheteur"),
            ("true", "Autorisée pour ce lot"),
            ("false", "Refusée pour ce lot"),
        ]


class ConsiderationForm(ServiceModelForm):
    """The fields of one type of consideration (``type``, fixed by the page), its indicators as rows of four
    inputs (the recorded ones and three blank rows to add more)."""

    LIGNES_EN_PLUS = 3

    axes = forms.CharField(
        label="Axes de progrès", required=False, widget=TEXTE, help_text="Un axe par ligne (prévus au CCAP)."
    )
    structures_visees = forms.MultipleChoiceField(
        label="Structures visées",
        choices=TypeStructure.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Vide : celles que la loi vise pour ce type de réservation.",
    )

    class Meta:
        model = Consideration
        fields = [name for name in CHAMPS_CONSIDERATION if name not in {"lot", "type", "indicateurs"}]
        field_classes = dict.fromkeys(TAUX, PourcentageField)
        labels = {
            "taux_main_oeuvre": "Taux de main-d'œuvre (%)",
            "taux_insertion": "Taux d'insertion (%)",
            "pact_taux_insertion": "Taux d'insertion du PACT (%)",
            "ponderation": "Pondération du critère (%)",
        }
        help_texts = {"ponderation": "Part de la note finale."}
        widgets = {"description": TEXTE, "mutualisation_autorisee": ChoixMutualisation}

    def __init__(self, *args, type, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = type
        heures = type == TypeConsideration.CLAUSE_HEURES
        garder = {"description", "penalite_par_heure", "penalite_par_jour_retard", "penalite_plafond"}
        if heures:
            garder |= {name for name in self.fields if name.startswith(("pact_", "tranche_"))}
            garder |= {"mode_calcul", "montant_ht", "taux_main_oeuvre", "taux_insertion", "cout_horaire"}
            garder |= {"heures_forfait", "mutualisation_autorisee"}
            self.fields["mode_calcul"].required = True
            self.fields["mode_calcul"].choices = ModeCalcul.choices
        if type == TypeConsideration.CRITERE_ATTRIBUTION:
            garder.add("ponderation")
        if type in {TypeConsideration.RESERVE_SIAE, TypeConsideration.RESERVE_EA_ESAT, TypeConsideration.RESERVE_ESS}:
            garder.add("structures_visees")
        if type == TypeConsideration.PLAN_PROGRES:
            garder.add("axes")
        for name in list(self.fields):
            if name not in garder:
                del self.fields[name]
        if "axes" in self.fields and self.instance.pk:
            self.initial["axes"] = "\n".join(self.instance.axes)
        indicateurs = self.instance.indicateurs if self.instance.pk else []
        self.nombre_lignes = len(indicateurs) + self.LIGNES_EN_PLUS
        for rang in range(self.nombre_lignes):
            actuel = indicateurs[rang] if rang < len(indicateurs) else {}
            n = rang + 1
            self.fields[f"indicateur_{rang}_nom"] = forms.CharField(
                label=f"Indicateur {n} : nom", required=False, initial=actuel.get("nom")
            )
            self.fields[f"indicateur_{rang}_unite"] = forms.CharField(
                label=f"Indicateur {n} : unité", required=False, initial=actuel.get("unite")
            )
            self.fields[f"indicateur_{rang}_cible"] = forms.DecimalField(
                label=f"Indicateur {n} : cible", required=False, min_value=0, initial=actuel.get("cible")
            )
            self.fields[f"indicateur_{rang}_realise"] = forms.DecimalField(
                label=f"Indicateur {n} : réalisé", required=False, min_value=0, initial=actuel.get("realise")
            )

    @property
    def groupes(self):
        indicateurs = [name for name in self.fields if name.startswith("indicateur_")]
        generaux = ["description", "ponderation", "structures_visees", "axes"]
        if self.type != TypeConsideration.CLAUSE_HEURES:
            return [
                ("La considération", generaux),
                ("Pénalités", ["penalite_par_heure", "penalite_par_jour_retard", "penalite_plafond"]),
                ("Indicateurs suivis", indicateurs),
            ]
        return [
            (
                "Calibrage des heures",
                ["mode_calcul", "montant_ht", "taux_main_oeuvre", "taux_insertion", "cout_horaire"],
            ),
            ("Forfait", ["heures_forfait"]),
            ("PACT propreté", [n for n in self.fields if n.startswith("pact_")]),
            ("Tranches facturées (bons de commande)", [n for n in self.fields if n.startswith("tranche_")]),
            ("Pénalités", ["penalite_par_heure", "penalite_par_jour_retard", "penalite_plafond"]),
            ("Décompte des heures", ["mutualisation_autorisee"]),
            ("Description et indicateurs", ["description", *indicateurs]),
        ]

    def clean(self):
        data = super().clean()
        indicateurs = []
        for rang in range(self.nombre_lignes):
            ligne = {
                champ: data.pop(f"indicateur_{rang}_{champ}", None) for champ in ("nom", "unite", "cible", "realise")
            }
            if ligne["nom"]:
                indicateurs.append(
                    {**ligne, **{k: None if ligne[k] is None else str(ligne[k]) for k in ("cible", "realise")}}
                )
            elif any(ligne[k] not in (None, "") for k in ("unite", "cible", "realise")):
                self.add_error(f"indicateur_{rang}_nom", "Nommez cet indicateur.")
        data["indicateurs"] = indicateurs
        if "axes" in self.fields:
            data["axes"] = [axe.strip() for axe in (data.get("axes") or "").splitlines() if axe.strip()]
        return data


class AvenantForm(ServiceModelForm):
    class Meta:
        model = AvenantHeures
        fields = [name for name in CHAMPS_AVENANT if name != "consideration"]


class AttributionForm(ServiceModelForm):
    entreprise = forms.ModelChoiceField(label="Entreprise", queryset=Entreprise._base_manager.none())

    class Meta:
        model = Attribution
        fields = [name for name in CHAMPS_ATTRIBUTION if name != "lot"]

    def __init__(self, *args, guichet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entreprise"].queryset = Entreprise.objects.filter(guichet=guichet)


class SimulateurForm(forms.Form):
    """The simulator's inputs: those of an hours clause and of its lot; nothing is recorded."""

    mode_calcul = forms.ChoiceField(label="Mode de calcul", choices=ModeCalcul.choices, initial=ModeCalcul.FORMULE)
    montant_ht = forms.DecimalField(label="Montant HT du lot (€)", required=False, min_value=0, decimal_places=2)
    secteur = forms.ChoiceField(
        label="Secteur",
        choices=[("", "—"), *Secteur.choices],
        required=False,
        help_text="Donne le taux de main-d'œuvre.",
    )
    taux_main_oeuvre = PourcentageField(
        label="Taux de main-d'œuvre (%)", required=False, help_text="Vide : celui du secteur."
    )
    taux_insertion = PourcentageField(
        label="Taux d'insertion (%)", required=False, help_text="Vide : celui du guichet."
    )
    cout_horaire = forms.DecimalField(
        label="Coût horaire (€/h)",
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        help_text="Vide : celui du guichet.",
    )
    heures_forfait = forms.DecimalField(label="Heures du forfait", required=False, min_value=0, decimal_places=2)
    pact_montant_periode = forms.DecimalField(
        label="PACT : montant sur la période (€)", required=False, min_value=0, decimal_places=2
    )
    pact_duree_mois = forms.IntegerField(label="PACT : durée (mois)", required=False, min_value=1)
    pact_heures_reprises_mois = forms.DecimalField(
        label="PACT : heures reprises par mois", required=False, min_value=0, decimal_places=2
    )
    pact_taux_insertion = PourcentageField(label="PACT : taux d'insertion (%)", required=False)
    tranche_montant = forms.DecimalField(
        label="Montant d'une tranche (€)", required=False, min_value=0, decimal_places=2
    )
    tranche_seuil = forms.DecimalField(
        label="Seuil de déclenchement (€)", required=False, min_value=0, decimal_places=2
    )
    tranche_montant_facture = forms.DecimalField(
        label="Montant facturé (€)", required=False, min_value=0, decimal_places=2
    )

    # The inputs that become the clause's (the lot's amount and sector stay the lot's).
    CHAMPS_CLAUSE = [champ for champ in CHAMPS_CLAUSE_HEURES if champ != "montant_ht"]

    def groupes(self):
        champs = lambda prefixe: [self[n] for n in self.fields if n.startswith(prefixe)]  # noqa: E731
        return [
            (
                "Le lot et la formule",
                [self[n] for n in ["mode_calcul", "montant_ht", "secteur", "taux_main_oeuvre"]]
                + [self[n] for n in ["taux_insertion", "cout_horaire"]],
            ),
            ("Forfait", [self["heures_forfait"]]),
            ("PACT propreté", champs("pact_")),
            ("Tranches facturées", champs("tranche_")),
        ]

    def entrees(self) -> calibrage.Entrees:
        data = self.cleaned_data
        mode = data["mode_calcul"]
        return calibrage.Entrees(
            mode=mode,
            secteur=data.get("secteur") or None,
            montant_lot=data.get("montant_ht"),
            taux_main_oeuvre=data.get("taux_main_oeuvre"),
            taux_insertion=data.get("taux_insertion"),
            cout_horaire=data.get("cout_horaire"),
            heures_forfait=data.get("heures_forfait"),
            pact=calibrage.Pact(
                data.get("pact_montant_periode"),
                data.get("pact_duree_mois"),
                data.get("pact_heures_reprises_mois"),
                data.get("pact_taux_insertion"),
            )
            if mode == ModeCalcul.PACT_PROPRETE
            else None,
            tranche=calibrage.Tranche(
                data.get("tranche_montant"), data.get("tranche_seuil"), data.get("tranche_montant_facture")
            )
            if mode == ModeCalcul.TRANCHE_FACTUREE
            else None,
        )

    def clause(self) -> dict:
        """The inputs of the clause to create, for ``consideration_create`` (only those of its mode)."""
        data, mode = self.cleaned_data, self.cleaned_data["mode_calcul"]
        propres = {
            ModeCalcul.FORMULE: {"taux_main_oeuvre", "taux_insertion", "cout_horaire"},
            ModeCalcul.FORFAIT: {"heures_forfait"},
            ModeCalcul.PACT_PROPRETE: {n for n in self.CHAMPS_CLAUSE if n.startswith("pact_")},
            ModeCalcul.TRANCHE_FACTUREE: {n for n in self.CHAMPS_CLAUSE if n.startswith("tranche_")},
        }[mode]
        return {"mode_calcul": mode, **{n: data.get(n) for n in propres if data.get(n) is not None}}
