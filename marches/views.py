from functools import cached_property
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView

from acheteurs.selectors import achats_prevus_visibles, acheteurs_visibles
from entreprises.selectors import ROLES_DEBITEURS, explication_lot
from guichet.enums import TypeConsideration
from guichet.selectors import parametres_of
from guichet.views import FormulaireView, GuichetMixin, ListeView, SuppressionView, add_service_errors
from reporting.enums import TypeBilan
from reporting.selectors import bilans_visibles

from . import calibrage, selectors, services
from .enums import FICHES, STATUTS_NOTIFIES
from .filters import MarcheFilter, OperationFilter
from .forms import (
    AttributionForm,
    AvenantForm,
    ConsiderationForm,
    LotForm,
    MarcheDepuisAchatForm,
    MarcheForm,
    OperationForm,
    SimulateurForm,
)


def par_lot(objets):
    """``{lot_id: [objects]}``: a page's considerations or attributions, read in one query, shown lot by lot."""
    groupes = {}
    for objet in objets:
        groupes.setdefault(objet.lot_id, []).append(objet)
    return groupes


# --- The simulator's inputs carried from page to page ---------------------------------------------------
# « Nouveau marché à partir de cette simulation »: the simulator's inputs ride in the query string through the
# creation of the marché, of its lot and of the clause, which each start from them (no state on the server).


class SimulationMixin:
    def simulation(self):
        """The simulator's valid inputs carried by the address, or None."""
        if self.request.GET.get("simulation") != "1":
            return None
        form = SimulateurForm(self.request.GET)
        return form if form.is_valid() else None

    def suite(self, url):
        """``url``, with the simulation carried on when there is one."""
        if self.simulation() is None:
            return url
        champs = {k: v for k, v in self.request.GET.items() if k in SimulateurForm.base_fields and v != ""}
        return f"{url}?{urlencode({'simulation': '1', **champs})}"


# --- Marchés -----------------------------------------------------------------------------------------


class MarchesView(ListeView):
    permission_required = "marches.view"
    template_name = "marches/liste.html"
    template_resultats = "marches/_resultats.html"
    filterset_class = MarcheFilter

    @cached_property
    def marches(self):
        """Built once for the list and the Loi Climat alert: its annotations take some milliseconds to assemble, and
        the guichet's settings they read are one query."""
        return selectors.marches_visibles(guichet=self.guichet, membre=self.membre)

    def get_queryset(self):
        return self.marches

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.request.htmx:
            non_conformes = selectors.non_conformes_climat(self.marches)
            context["non_conformes_climat"] = non_conformes.count()
        return context


class MarcheMixin:
    def get_marche(self):
        marches = selectors.marches_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(marches, pk=self.kwargs["pk"])

    def get_success_url(self, marche):
        return self.url("marche", pk=marche.pk)


class MarcheView(MarcheMixin, GuichetMixin, TemplateView):
    """A marché with its lots, each with its considerations and attributions (a company member: its own lots)."""

    permission_required = "marches.view"
    template_name = "marches/detail.html"

    def get_context_data(self, **kwargs):
        marche = self.get_marche()
        guichet, membre = self.guichet, self.membre
        lots = selectors.lots_visibles(guichet=guichet, membre=membre).filter(marche=marche)
        considerations = par_lot(
            selectors.considerations_visibles(guichet=guichet, membre=membre).filter(lot__marche=marche)
        )
        attributions = par_lot(
            selectors.attributions_visibles(guichet=guichet, membre=membre).filter(lot__marche=marche)
        )
        achat = achats_prevus_visibles(guichet=guichet, membre=membre).filter(marche=marche).first()
        return {
            "marche": marche,
            "lots": [(lot, considerations.get(lot.pk, []), attributions.get(lot.pk, [])) for lot in lots],
            "achat_prevu": achat,
            "notifie": marche.statut in STATUTS_NOTIFIES,
            # Its end-of-marché bilans, asked from this page (posted to « Bilans », which follows their progress).
            "bilans": bilans_visibles(guichet=guichet, membre=membre).filter(type=TypeBilan.MARCHE, marche=marche)[:5],
            "annee": timezone.localdate().year,
        }


class MarcheCreerView(SimulationMixin, FormulaireView):
    permission_required = "marches.change"
    form_class = MarcheForm
    url_retour = "marches"
    titre = "Nouveau marché"
    message = "Marché enregistré."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "guichet": self.guichet}

    def get_initial(self):
        initial = {}
        acheteur = self.request.GET.get("acheteur", "")
        if acheteur.isdigit():
            initial["acheteur"] = (
                acheteurs_visibles(guichet=self.guichet, membre=self.membre).filter(pk=acheteur).first()
            )
        simulation = self.simulation()
        if simulation is not None:
            initial["montant_estime_ht"] = simulation.cleaned_data.get("montant_ht")
        return initial

    def enregistrer(self, form):
        return services.marche_create(guichet=self.guichet, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self, marche):
        if self.simulation() is not None:
            return self.suite(self.url("lot_creer", pk=marche.pk))
        return self.url("marche", pk=marche.pk)


class MarcheModifierView(MarcheMixin, MarcheCreerView):
    titre = "Modifier le marché"
    message = "Modifications enregistrées."

    def get_objet(self):
        return self.get_marche()

    def enregistrer(self, form):
        return services.marche_update(marche=self.objet, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self, marche):
        return self.url("marche", pk=marche.pk)


class MarcheSupprimerView(MarcheMixin, SuppressionView):
    permission_required = "marches.change"
    message = "Marché supprimé."

    def get_objet(self):
        return self.get_marche()

    def get_annuler_url(self, marche):
        return self.url("marche", pk=marche.pk)

    def get_success_url(self, marche):
        return self.url("marches")

    def supprimer(self, marche):
        services.marche_delete(marche=marche, acting_user=self.request.user)


class AchatPrevuTransformerView(FormulaireView):
    """« Transformer en marché »: a planned purchase of the programme becomes a marché in status ``programme``."""

    permission_required = "marches.change"
    form_class = MarcheDepuisAchatForm
    titre = "Transformer l'achat prévu en marché"
    bouton = "Créer le marché"
    message = "Marché créé à partir de l'achat prévu."

    def preparer(self):
        achats = achats_prevus_visibles(guichet=self.guichet, membre=self.membre)
        self.achat = get_object_or_404(achats, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.preparer()
        if self.achat.marche_id:
            messages.info(request, "Cet achat prévu est déjà devenu un marché.")
            return redirect(self.url("marche", pk=self.achat.marche_id))
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {"guichet": self.guichet}

    def get_initial(self):
        return {"objet": self.achat.objet, "montant_estime_ht": self.achat.montant_estime_ht}

    def get_annuler_url(self):
        return self.url("programmation", pk=self.achat.programmation_id)

    def enregistrer(self, form):
        return services.marche_depuis_achat_prevu(achat=self.achat, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self, marche):
        return self.url("marche", pk=marche.pk)


# --- Lots --------------------------------------------------------------------------------------------


class LotMixin:
    def get_lot(self):
        lots = selectors.lots_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(lots, pk=self.kwargs["pk"])

    def get_success_url(self, lot):
        return self.url("lot", pk=lot.pk)


class LotCreerView(SimulationMixin, MarcheMixin, FormulaireView):
    permission_required = "marches.change"
    form_class = LotForm
    titre = "Nouveau lot"
    message = "Lot enregistré."

    def preparer(self):
        self.marche = self.get_marche()

    def get_initial(self):
        initial = {"numero": self.marche.lots.count() + 1}
        simulation = self.simulation()
        if simulation is not None:
            initial |= {
                "montant_ht": simulation.cleaned_data.get("montant_ht"),
                "secteur": simulation.cleaned_data.get("secteur"),
                "intitule": self.marche.objet,
            }
        return initial

    def get_annuler_url(self):
        return self.url("marche", pk=self.marche.pk)

    def enregistrer(self, form):
        return services.lot_create(
            guichet=self.guichet, acting_user=self.request.user, marche=self.marche, **form.cleaned_data
        )

    def get_success_url(self, lot):
        if self.simulation() is not None:
            url = self.suite(self.url("consideration_creer", pk=lot.pk))
            return f"{url}&type={TypeConsideration.CLAUSE_HEURES}"
        return self.url("lot", pk=lot.pk)


class LotView(LotMixin, GuichetMixin, TemplateView):
    """A lot: its dates, its considerations (the hours clause's calculation and avenants), its attributions, and
    the progress of its hours with the ledger that explains them."""

    permission_required = "marches.view"
    template_name = "marches/lot.html"

    def get_context_data(self, **kwargs):
        lot = self.get_lot()
        guichet, membre = self.guichet, self.membre
        attributions = list(selectors.attributions_visibles(guichet=guichet, membre=membre).filter(lot=lot))
        for attribution in attributions:
            # An attestation is for a company that owes the lot's hours (``reporting.services.bilan_demander``).
            attribution.doit_heures = attribution.role in ROLES_DEBITEURS
        attestations = bilans_visibles(guichet=guichet, membre=membre).filter(type=TypeBilan.ATTESTATION, lot=lot)
        return {
            "lot": lot,
            "marche": lot.marche,
            "considerations": selectors.considerations_visibles(guichet=guichet, membre=membre).filter(lot=lot),
            "attributions": attributions,
            "attestations": attestations[:20],
            "types": [(t, FICHES[t]) for t in TypeConsideration],
            "aujourdhui": timezone.localdate(),
            "decompte": explication_lot(guichet=guichet, membre=membre, lot=lot),
        }


class LotModifierView(LotMixin, FormulaireView):
    permission_required = "marches.change"
    form_class = LotForm
    titre = "Modifier le lot"

    def get_objet(self):
        return self.get_lot()

    def enregistrer(self, form):
        return services.lot_update(lot=self.objet, acting_user=self.request.user, **form.cleaned_data)


class LotSupprimerView(LotMixin, SuppressionView):
    permission_required = "marches.change"
    message = "Lot supprimé."

    def get_objet(self):
        return self.get_lot()

    def get_annuler_url(self, lot):
        return self.url("lot", pk=lot.pk)

    def get_success_url(self, lot):
        return self.url("marche", pk=lot.marche_id)

    def supprimer(self, lot):
        services.lot_delete(lot=lot, acting_user=self.request.user)


# --- Considérations sociales -------------------------------------------------------------------------


class ConsiderationMixin:
    def get_objet(self):
        considerations = selectors.considerations_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(considerations, pk=self.kwargs["pk"])

    def get_success_url(self, consideration):
        return self.url("lot", pk=consideration.lot_id)


class ConsiderationCreerView(SimulationMixin, LotMixin, FormulaireView):
    """``?type=…`` (the lot's page links each type); the simulator's inputs may come along."""

    permission_required = "marches.change"
    form_class = ConsiderationForm
    message = "Considération sociale enregistrée."

    def preparer(self):
        self.lot = self.get_lot()
        self.type = self.request.GET.get("type", TypeConsideration.CLAUSE_HEURES)
        if self.type not in TypeConsideration.values:
            raise Http404("Type de considération inconnu.")
        self.titre = f"{TypeConsideration(self.type).label} : {self.lot}"

    def get_form_kwargs(self):
        return {"type": self.type}

    def get_initial(self):
        simulation = self.simulation()
        return simulation.clause() if simulation is not None else {}

    def get_annuler_url(self):
        return self.url("lot", pk=self.lot.pk)

    def enregistrer(self, form):
        return services.consideration_create(
            guichet=self.guichet, acting_user=self.request.user, lot=self.lot, type=self.type, **form.cleaned_data
        )

    def get_success_url(self, consideration):
        return self.url("lot", pk=consideration.lot_id)


class ConsiderationModifierView(ConsiderationMixin, FormulaireView):
    permission_required = "marches.change"
    form_class = ConsiderationForm

    def get_objet(self):
        consideration = super().get_objet()
        self.titre = f"Modifier : {consideration}"
        return consideration

    def get_form_kwargs(self):
        return {"instance": self.objet, "type": self.objet.type}

    def enregistrer(self, form):
        return services.consideration_update(
            consideration=self.objet, acting_user=self.request.user, **form.cleaned_data
        )


class ConsiderationSupprimerView(ConsiderationMixin, SuppressionView):
    permission_required = "marches.change"
    message = "Considération supprimée."

    def get_annuler_url(self, consideration):
        return self.get_success_url(consideration)

    def supprimer(self, consideration):
        services.consideration_delete(consideration=consideration, acting_user=self.request.user)


class AvenantCreerView(ConsiderationMixin, FormulaireView):
    permission_required = "marches.change"
    form_class = AvenantForm
    titre = "Nouvel avenant : heures dues à partir d'une date"
    message = "Avenant enregistré."

    def preparer(self):
        self.consideration = ConsiderationMixin.get_objet(self)

    def get_objet(self):
        return None

    def get_annuler_url(self):
        return self.get_success_url(self.consideration)

    def enregistrer(self, form):
        return services.avenant_create(
            guichet=self.guichet,
            acting_user=self.request.user,
            consideration=self.consideration,
            **form.cleaned_data,
        )

    def get_success_url(self, objet):
        return self.url("lot", pk=self.consideration.lot_id)


class AvenantSupprimerView(SuppressionView):
    permission_required = "marches.change"
    message = "Avenant supprimé."

    def get_objet(self):
        avenants = selectors.avenants_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(avenants, pk=self.kwargs["pk"])

    def get_annuler_url(self, avenant):
        return self.url("lot", pk=avenant.consideration.lot_id)

    def get_success_url(self, avenant):
        return self.get_annuler_url(avenant)

    def supprimer(self, avenant):
        services.avenant_delete(avenant=avenant, acting_user=self.request.user)


# --- Attributions ------------------------------------------------------------------------------------


class AttributionMixin:
    def get_objet(self):
        attributions = selectors.attributions_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(attributions, pk=self.kwargs["pk"])

    def get_success_url(self, attribution):
        return self.url("lot", pk=attribution.lot_id)


class AttributionCreerView(LotMixin, FormulaireView):
    permission_required = "marches.change"
    form_class = AttributionForm
    titre = "Attribuer le lot"
    message = "Attribution enregistrée."

    def preparer(self):
        self.lot = self.get_lot()

    def get_form_kwargs(self):
        return {"guichet": self.guichet}

    def get_initial(self):
        role = "titulaire" if not self.lot.attributions.filter(role="titulaire").exists() else "cotraitant"
        return {"role": role, "date_notification": self.lot.marche.date_notification}

    def get_annuler_url(self):
        return self.url("lot", pk=self.lot.pk)

    def enregistrer(self, form):
        return services.attribution_create(
            guichet=self.guichet, acting_user=self.request.user, lot=self.lot, **form.cleaned_data
        )

    def get_success_url(self, attribution):
        return self.url("lot", pk=attribution.lot_id)


class AttributionModifierView(AttributionMixin, FormulaireView):
    permission_required = "marches.change"
    form_class = AttributionForm
    titre = "Modifier l'attribution"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "guichet": self.guichet}

    def enregistrer(self, form):
        return services.attribution_update(attribution=self.objet, acting_user=self.request.user, **form.cleaned_data)


class AttributionSupprimerView(AttributionMixin, SuppressionView):
    permission_required = "marches.change"
    message = "Attribution supprimée."

    def get_annuler_url(self, attribution):
        return self.get_success_url(attribution)

    def supprimer(self, attribution):
        services.attribution_delete(attribution=attribution, acting_user=self.request.user)


# --- Operations --------------------------------------------------------------------------------------


class OperationsView(ListeView):
    permission_required = "marches.view"
    template_name = "marches/operations.html"
    template_resultats = "marches/_operations.html"
    filterset_class = OperationFilter

    def get_queryset(self):
        return selectors.operations_visibles(guichet=self.guichet, membre=self.membre)


class OperationMixin:
    def get_objet(self):
        operations = selectors.operations_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(operations, pk=self.kwargs["pk"])

    def get_success_url(self, operation):
        return self.url("operation", pk=operation.pk)


class OperationView(OperationMixin, GuichetMixin, TemplateView):
    permission_required = "marches.view"
    template_name = "marches/operation.html"

    def get_context_data(self, **kwargs):
        operation = self.get_objet()
        marches = selectors.marches_visibles(guichet=self.guichet, membre=self.membre).filter(operation=operation)
        return {"operation": operation, "marches": marches}


class OperationCreerView(FormulaireView):
    permission_required = "marches.change"
    form_class = OperationForm
    url_retour = "operations"
    titre = "Nouvelle opération"
    message = "Opération enregistrée."

    def enregistrer(self, form):
        return services.operation_create(guichet=self.guichet, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self, operation):
        return self.url("operation", pk=operation.pk)


class OperationModifierView(OperationMixin, FormulaireView):
    permission_required = "marches.change"
    form_class = OperationForm
    titre = "Modifier l'opération"

    def enregistrer(self, form):
        return services.operation_update(operation=self.objet, acting_user=self.request.user, **form.cleaned_data)


class OperationSupprimerView(OperationMixin, SuppressionView):
    permission_required = "marches.change"
    message = "Opération supprimée."

    def get_annuler_url(self, operation):
        return self.get_success_url(operation)

    def get_success_url(self, operation):
        return self.url("operations")

    def supprimer(self, operation):
        services.operation_delete(operation=operation, acting_user=self.request.user)


# --- Calibration simulator ---------------------------------------------------------------------------


LIBELLES_PARAMETRES = {
    "montant_ht": ("Montant HT", calibrage.formater_euros),
    "taux_main_oeuvre": ("Taux de main-d'œuvre", calibrage.formater_taux),
    "taux_insertion": ("Taux d'insertion", calibrage.formater_taux),
    "cout_horaire": ("Coût horaire", lambda v: f"{calibrage.formater_euros(v)}/h"),
    "heures_forfait": ("Forfait", calibrage.formater_heures),
    "montant_periode": ("Montant sur la période (A)", calibrage.formater_euros),
    "duree_mois": ("Durée en mois (N)", calibrage.formater_nombre),
    "heures_reprises_mois": ("Heures reprises par mois (S)", calibrage.formater_heures),
    "cout_pact": ("Coût d'une heure d'insertion (C)", lambda v: f"{calibrage.formater_euros(v)}/h"),
    "montant_tranche": ("Montant d'une tranche", calibrage.formater_euros),
    "seuil_declenchement": ("Seuil de déclenchement", calibrage.formater_euros),
    "montant_facture": ("Montant facturé", calibrage.formater_euros),
}


def parametres_affiches(resultat):
    """The values the calculation used, in French, with where each came from (the clause, the sector table…)."""
    lignes = []
    for nom, utilise in resultat.parametres.items():
        libelle, formater = LIBELLES_PARAMETRES.get(nom, (nom, calibrage.formater_nombre))
        lignes.append((libelle, formater(utilise.valeur), utilise.origine.libelle))
    return lignes


class SimulateurView(GuichetMixin, TemplateView):
    """The facilitator types the inputs and sees the hours live (htmx asks for the result only), with the
    formula spelled out; one click creates the clause on a lot, or starts a new marché from the simulation."""

    permission_required = "marches.change"
    template_name = "marches/simulateur.html"

    def get_template_names(self):
        return ["marches/_simulation.html"] if self.request.htmx else [self.template_name]

    def calculer(self, form):
        if not form.is_valid():
            return None, None
        defauts = calibrage.Defauts.depuis(parametres_of(guichet=self.guichet))
        try:
            return calibrage.calibrer(form.entrees(), defauts), None
        except calibrage.ErreurCalibrage as erreur:
            return None, erreur.message

    def get_context_data(self, form=None, **kwargs):
        if form is None:
            form = SimulateurForm(self.request.GET or None)
        resultat, erreur = self.calculer(form) if form.is_bound else (None, None)
        if form.is_bound and not form.is_valid():
            erreur = "Corrigez les champs signalés."
        lots = selectors.lots_sans_clause_heures(guichet=self.guichet)
        champs = {k: v for k, v in self.request.GET.items() if k in SimulateurForm.base_fields and v != ""}
        return {
            "form": form,
            "resultat": resultat,
            "parametres": parametres_affiches(resultat) if resultat else [],
            "erreur": erreur,
            "lots": lots,
            "nouveau_marche": f"{self.url('marche_creer')}?{urlencode({'simulation': '1', **champs})}",
            **kwargs,
        }

    def post(self, request, guichet_slug):
        """« Créer la clause sur ce lot »."""
        form = SimulateurForm(request.POST)
        lot = selectors.lots_sans_clause_heures(guichet=self.guichet).filter(pk=request.POST.get("lot") or 0).first()
        resultat, _ = self.calculer(form)
        if resultat is not None and lot is not None:
            try:
                services.consideration_create(
                    guichet=self.guichet,
                    acting_user=request.user,
                    lot=lot,
                    type=TypeConsideration.CLAUSE_HEURES,
                    **form.clause(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Clause d'heures créée sur le lot.")
                return redirect(self.url("lot", pk=lot.pk))
        return self.render_to_response(self.get_context_data(form=form, lot_manquant=lot is None), status=400)
