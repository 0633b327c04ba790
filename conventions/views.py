from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from acheteurs.selectors import acheteurs_visibles
from guichet.fichiers import fichier_prive
from guichet.views import FormulaireView, GuichetMixin, ListeView, SuppressionView, add_service_errors

from . import selectors, services
from .filters import ConventionFilter, EvenementFilter
from .forms import ConventionForm, DocumentEvenementForm, EvenementForm

# --- Conventions -------------------------------------------------------------------------------------


class ConventionsView(ListeView):
    permission_required = "conventions.view"
    template_name = "conventions/liste.html"
    template_resultats = "conventions/_resultats.html"
    filterset_class = ConventionFilter

    def get_queryset(self):
        return selectors.conventions_visibles(guichet=self.guichet, membre=self.membre)


class ConventionMixin:
    def get_convention(self):
        conventions = selectors.conventions_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(conventions, pk=self.kwargs["pk"])

    def get_success_url(self, convention):
        return self.url("convention", pk=convention.pk)


class ConventionView(ConventionMixin, GuichetMixin, TemplateView):
    permission_required = "conventions.view"
    template_name = "conventions/detail.html"

    def get_context_data(self, **kwargs):
        convention = self.get_convention()
        a_echeance = selectors.conventions_a_echeance(guichet=self.guichet).filter(pk=convention.pk).first()
        return {"convention": convention, "a_echeance": a_echeance}


class ConventionDocumentView(ConventionMixin, GuichetMixin, View):
    """The signed document, to the members who may read the convention (its buyer's members included)."""

    permission_required = "conventions.view"

    def get(self, request, guichet_slug, pk):
        return fichier_prive(self.get_convention().document)


class ConventionCreerView(FormulaireView):
    permission_required = "conventions.change"
    form_class = ConventionForm
    url_retour = "conventions"
    titre = "Nouvelle convention de partenariat"
    message = "Convention enregistrée."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "guichet": self.guichet}

    def get_initial(self):
        # From a buyer's page: the buyer is chosen already.
        acheteur = self.request.GET.get("acheteur", "")
        if acheteur.isdigit():
            visibles = acheteurs_visibles(guichet=self.guichet, membre=self.membre)
            return {"acheteur": visibles.filter(pk=acheteur).first()}
        return {}

    def enregistrer(self, form):
        return services.convention_create(guichet=self.guichet, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self, convention):
        return self.url("convention", pk=convention.pk)


class ConventionModifierView(ConventionMixin, ConventionCreerView):
    titre = "Modifier la convention"
    message = "Modifications enregistrées."

    def get_objet(self):
        return self.get_convention()

    def enregistrer(self, form):
        return services.convention_update(convention=self.objet, acting_user=self.request.user, **form.cleaned_data)


class ConventionSupprimerView(ConventionMixin, SuppressionView):
    permission_required = "conventions.change"
    message = "Convention supprimée."

    def get_objet(self):
        return self.get_convention()

    def get_annuler_url(self, convention):
        return self.url("convention", pk=convention.pk)

    def get_success_url(self, convention):
        return self.url("acheteur", pk=convention.acheteur_id)

    def supprimer(self, convention):
        services.convention_delete(convention=convention, acting_user=self.request.user)


# --- Animation ---------------------------------------------------------------------------------------


class AnimationView(ListeView):
    """The guichet's partnership events in time order: upcoming first (soonest first), then past ones."""

    permission_required = "animation.view"
    template_name = "conventions/animation.html"
    template_resultats = "conventions/_evenements.html"
    filterset_class = EvenementFilter

    def get_queryset(self):
        return selectors.evenements_visibles(guichet=self.guichet, membre=self.membre)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, **selectors.chronologie(context["page"])}


class EvenementMixin:
    def get_evenement(self):
        evenements = selectors.evenements_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(evenements, pk=self.kwargs["pk"])

    def get_success_url(self, evenement):
        return self.url("evenement", pk=evenement.pk)


class EvenementView(EvenementMixin, GuichetMixin, TemplateView):
    permission_required = "animation.view"
    template_name = "conventions/evenement.html"

    def get_context_data(self, **kwargs):
        return {"evenement": self.get_evenement(), "form": kwargs.get("form") or DocumentEvenementForm()}


class EvenementCreerView(FormulaireView):
    permission_required = "animation.change"
    form_class = EvenementForm
    url_retour = "animation"
    titre = "Nouvel événement"
    message = "Événement enregistré."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "guichet": self.guichet}

    def get_initial(self):
        acheteur = self.request.GET.get("acheteur", "")
        return {"acheteurs": [acheteur]} if acheteur.isdigit() else {}

    def enregistrer(self, form):
        return services.evenement_create(guichet=self.guichet, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self, evenement):
        return self.url("evenement", pk=evenement.pk)


class EvenementModifierView(EvenementMixin, EvenementCreerView):
    titre = "Modifier l'événement"
    message = "Modifications enregistrées."

    def get_objet(self):
        return self.get_evenement()

    def enregistrer(self, form):
        return services.evenement_update(evenement=self.objet, acting_user=self.request.user, **form.cleaned_data)


class EvenementSupprimerView(EvenementMixin, SuppressionView):
    permission_required = "animation.change"
    message = "Événement supprimé."

    def get_objet(self):
        return self.get_evenement()

    def get_annuler_url(self, evenement):
        return self.url("evenement", pk=evenement.pk)

    def get_success_url(self, evenement):
        return self.url("animation")

    def supprimer(self, evenement):
        services.evenement_delete(evenement=evenement, acting_user=self.request.user)


class EvenementDocumentAjouterView(EvenementView):
    """POST only: add a document to an event; errors are shown on the event's page."""

    permission_required = "animation.change"
    http_method_names = ["post"]

    def post(self, request, guichet_slug, pk):
        evenement = self.get_evenement()
        form = DocumentEvenementForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.document_evenement_add(evenement=evenement, acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Document ajouté.")
                return redirect(self.get_success_url(evenement))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DocumentEvenementMixin:
    def get_objet(self):
        documents = selectors.documents_evenement_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(documents, pk=self.kwargs["pk"])


class DocumentEvenementView(DocumentEvenementMixin, GuichetMixin, View):
    permission_required = "animation.view"

    def get(self, request, guichet_slug, pk):
        return fichier_prive(self.get_objet().fichier)


class DocumentEvenementSupprimerView(DocumentEvenementMixin, SuppressionView):
    permission_required = "animation.change"
    message = "Document supprimé."

    def get_annuler_url(self, document):
        return self.url("evenement", pk=document.evenement_id)

    def get_success_url(self, document):
        return self.get_annuler_url(document)

    def supprimer(self, document):
        services.document_evenement_delete(document=document, acting_user=self.request.user)
