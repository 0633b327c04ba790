from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from guichet.views import FormulaireView, GuichetMixin, ListeView, SuppressionView

from . import selectors, services
from .filters import EntrepriseFilter
from .forms import ContactEntrepriseForm, EntrepriseForm


class EntreprisesView(ListeView):
    permission_required = "entreprises.view"
    template_name = "entreprises/liste.html"
    template_resultats = "entreprises/_resultats.html"
    filterset_class = EntrepriseFilter

    def get_queryset(self):
        return selectors.entreprises_visibles(guichet=self.guichet, membre=self.membre)


class EntrepriseMixin:
    """Pages about one company: looked up among those the member may see (404 otherwise)."""

    def get_entreprise(self):
        entreprises = selectors.entreprises_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(entreprises, pk=self.kwargs["pk"])

    def get_objet(self):
        return self.get_entreprise()

    def get_success_url(self, entreprise):
        return self.url("entreprise", pk=entreprise.pk)


class EntrepriseView(EntrepriseMixin, GuichetMixin, TemplateView):
    """A company: its identity, its contacts, the lots it holds, and its hours: the pooled view of its lots and
    the hours that do not count, with their reason."""

    permission_required = "entreprises.view"
    template_name = "entreprises/detail.html"

    def get_context_data(self, **kwargs):
        entreprise = self.get_objet()
        guichet, membre = self.guichet, self.membre
        return {
            "entreprise": entreprise,
            "contacts": selectors.contacts_visibles(guichet=guichet, membre=membre).filter(entreprise=entreprise),
            "decompte": selectors.decompte_entreprise(guichet=guichet, entreprise=entreprise),
        }


class EntrepriseRecalculerView(EntrepriseMixin, GuichetMixin, View):
    """« Recalculer » : the company's counting and ventilation in the background; the task's page follows it."""

    permission_required = "decompte.recalculer"

    def post(self, request, guichet_slug, pk):
        tache = services.recalcul_lancer(
            guichet=self.guichet, entreprise=self.get_entreprise(), acting_user=request.user
        )
        return redirect(self.url("tache", pk=tache.pk))


class EntrepriseCreerView(FormulaireView):
    permission_required = "entreprises.change"
    form_class = EntrepriseForm
    url_retour = "entreprises"
    titre = "Nouvelle entreprise"
    message = "Entreprise enregistrée."

    def enregistrer(self, form):
        return services.entreprise_create(guichet=self.guichet, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self, entreprise):
        return self.url("entreprise", pk=entreprise.pk)


class EntrepriseModifierView(EntrepriseMixin, FormulaireView):
    permission_required = "entreprises.change"
    form_class = EntrepriseForm
    titre = "Modifier l'entreprise"

    def enregistrer(self, form):
        return services.entreprise_update(entreprise=self.objet, acting_user=self.request.user, **form.cleaned_data)


class EntrepriseSupprimerView(EntrepriseMixin, SuppressionView):
    permission_required = "entreprises.change"
    message = "Entreprise supprimée."

    def get_annuler_url(self, entreprise):
        return self.get_success_url(entreprise)

    def get_success_url(self, entreprise):
        return self.url("entreprises")

    def supprimer(self, entreprise):
        services.entreprise_delete(entreprise=entreprise, acting_user=self.request.user)


# --- Contacts ----------------------------------------------------------------------------------------


class ContactEntrepriseCreerView(EntrepriseMixin, FormulaireView):
    """Under a company (``entreprises/<pk>/contacts/nouveau/``): the company comes from the URL."""

    permission_required = "entreprises.change"
    form_class = ContactEntrepriseForm
    titre = "Nouveau contact"
    message = "Contact enregistré."

    def preparer(self):
        self.entreprise = self.get_entreprise()

    def get_objet(self):
        return None  # a new contact

    def get_annuler_url(self):
        return self.url("entreprise", pk=self.entreprise.pk)

    def enregistrer(self, form):
        return services.contact_entreprise_create(
            guichet=self.guichet, acting_user=self.request.user, entreprise=self.entreprise, **form.cleaned_data
        )

    def get_success_url(self, contact):
        return self.url("entreprise", pk=contact.entreprise_id)


class ContactEntrepriseMixin:
    permission_required = "entreprises.change"

    def get_objet(self):
        contacts = selectors.contacts_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(contacts, pk=self.kwargs["pk"])

    def get_success_url(self, contact):
        return self.url("entreprise", pk=contact.entreprise_id)


class ContactEntrepriseModifierView(ContactEntrepriseMixin, FormulaireView):
    form_class = ContactEntrepriseForm
    titre = "Modifier le contact"

    def enregistrer(self, form):
        return services.contact_entreprise_update(
            contact=self.objet, acting_user=self.request.user, **form.cleaned_data
        )


class ContactEntrepriseSupprimerView(ContactEntrepriseMixin, SuppressionView):
    message = "Contact supprimé."

    def get_annuler_url(self, contact):
        return self.get_success_url(contact)

    def supprimer(self, contact):
        services.contact_entreprise_delete(contact=contact, acting_user=self.request.user)
