from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from conventions import selectors as conventions_selectors
from guichet.views import FormulaireView, GuichetMixin, ListeView, SuppressionView
from marches import selectors as marches_selectors

from . import selectors, services
from .filters import AcheteurFilter
from .forms import AchatPrevuForm, AcheteurForm, ContactForm, ProgrammationForm

# --- Acheteurs ---------------------------------------------------------------------------------------


class AcheteursView(ListeView):
    permission_required = "acheteurs.view"
    template_name = "acheteurs/liste.html"
    template_resultats = "acheteurs/_resultats.html"
    filterset_class = AcheteurFilter

    def get_queryset(self):
        return selectors.acheteurs_visibles(guichet=self.guichet, membre=self.membre)

    def get_filtres(self):
        # Archived buyers are out of the way unless asked for.
        filtres = self.request.GET.copy()
        filtres.setdefault("archive", "false")
        return filtres


class AcheteurMixin:
    """Pages about one buyer: looked up among those the member may see (404 otherwise)."""

    def get_acheteur(self):
        acheteurs = selectors.acheteurs_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(acheteurs, pk=self.kwargs["pk"])


class AcheteurView(AcheteurMixin, GuichetMixin, TemplateView):
    """Everything about a buyer: contacts, conventions, programme, events (and its marchés, issue 4)."""

    permission_required = "acheteurs.view"
    template_name = "acheteurs/detail.html"

    def get_context_data(self, **kwargs):
        acheteur = self.get_acheteur()
        guichet, membre = self.guichet, self.membre
        evenements = conventions_selectors.evenements_visibles(guichet=guichet, membre=membre)
        annee = timezone.localdate().year
        return {
            **conventions_selectors.chronologie(evenements.filter(acheteurs=acheteur)),
            "acheteur": acheteur,
            "marches": marches_selectors.marches_visibles(guichet=guichet, membre=membre).filter(acheteur=acheteur),
            "annee": annee,
            "pnad": marches_selectors.pnad(guichet=guichet, annee=annee, acheteur=acheteur),
            "contacts": selectors.contacts_visibles(guichet=guichet, membre=membre).filter(acheteur=acheteur),
            "conventions": conventions_selectors.conventions_visibles(guichet=guichet, membre=membre).filter(
                acheteur=acheteur
            ),
            "programmations": selectors.programmations_visibles(guichet=guichet, membre=membre).filter(
                acheteur=acheteur
            ),
        }


class AcheteurCreerView(FormulaireView):
    permission_required = "acheteurs.change"
    form_class = AcheteurForm
    url_retour = "acheteurs"
    titre = "Nouvel acheteur"
    message = "Acheteur enregistré."

    def enregistrer(self, form):
        return services.acheteur_create(guichet=self.guichet, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self, acheteur):
        return self.url("acheteur", pk=acheteur.pk)


class AcheteurModifierView(AcheteurMixin, AcheteurCreerView):
    titre = "Modifier l'acheteur"
    message = "Modifications enregistrées."

    def get_objet(self):
        return self.get_acheteur()

    def enregistrer(self, form):
        return services.acheteur_update(acheteur=self.objet, acting_user=self.request.user, **form.cleaned_data)


class AcheteurArchivageView(AcheteurMixin, GuichetMixin, View):
    """POST only: archive (``archive=1``) or bring back (``archive=0``) a buyer."""

    permission_required = "acheteurs.change"

    def post(self, request, guichet_slug, pk):
        acheteur = self.get_acheteur()
        archive = request.POST.get("archive") == "1"
        services.acheteur_set_archive(acheteur=acheteur, archive=archive, acting_user=request.user)
        messages.success(request, f"{acheteur} est {'archivé' if archive else 'de nouveau actif'}.")
        return redirect(self.url("acheteur", pk=acheteur.pk))


# --- Contacts ----------------------------------------------------------------------------------------


class ChezUnAcheteurMixin(AcheteurMixin):
    """Creating under a buyer (``acheteurs/<pk>/…/nouveau/``): the buyer comes from the URL."""

    permission_required = "acheteurs.change"

    def preparer(self):
        self.acheteur = self.get_acheteur()

    def get_annuler_url(self):
        return self.url("acheteur", pk=self.acheteur.pk)


class ContactCreerView(ChezUnAcheteurMixin, FormulaireView):
    form_class = ContactForm
    titre = "Nouveau contact"
    message = "Contact enregistré."

    def enregistrer(self, form):
        return services.contact_create(
            guichet=self.guichet, acting_user=self.request.user, acheteur=self.acheteur, **form.cleaned_data
        )

    def get_success_url(self, contact):
        return self.url("acheteur", pk=contact.acheteur_id)


class ContactMixin:
    def get_objet(self):
        contacts = selectors.contacts_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(contacts, pk=self.kwargs["pk"])

    def get_success_url(self, contact):
        return self.url("acheteur", pk=contact.acheteur_id)


class ContactModifierView(ContactMixin, FormulaireView):
    permission_required = "acheteurs.change"
    form_class = ContactForm
    titre = "Modifier le contact"

    def enregistrer(self, form):
        return services.contact_update(contact=self.objet, acting_user=self.request.user, **form.cleaned_data)


class ContactSupprimerView(ContactMixin, SuppressionView):
    permission_required = "acheteurs.change"
    message = "Contact supprimé."

    def get_annuler_url(self, contact):
        return self.get_success_url(contact)

    def supprimer(self, contact):
        services.contact_delete(contact=contact, acting_user=self.request.user)


# --- Programmation annuelle ----------------------------------------------------------------------------


class ProgrammationMixin:
    def get_programmation(self):
        programmations = selectors.programmations_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(programmations, pk=self.kwargs["pk"])

    def get_success_url(self, programmation):
        return self.url("programmation", pk=programmation.pk)


class ProgrammationCreerView(ChezUnAcheteurMixin, FormulaireView):
    form_class = ProgrammationForm
    titre = "Nouvelle programmation annuelle"
    message = "Programmation enregistrée : ajoutez-y les achats prévus."

    def enregistrer(self, form):
        return services.programmation_create(
            guichet=self.guichet, acting_user=self.request.user, acheteur=self.acheteur, **form.cleaned_data
        )

    def get_success_url(self, programmation):
        return self.url("programmation", pk=programmation.pk)


class ProgrammationView(ProgrammationMixin, GuichetMixin, TemplateView):
    """A buyer's programme for a year: the yearly meeting and each planned purchase with its analysis."""

    permission_required = "acheteurs.view"
    template_name = "acheteurs/programmation.html"

    def get_context_data(self, **kwargs):
        programmation = self.get_programmation()
        achats = selectors.achats_prevus_visibles(guichet=self.guichet, membre=self.membre)
        return {"programmation": programmation, "achats": achats.filter(programmation=programmation)}


class ProgrammationModifierView(ProgrammationMixin, FormulaireView):
    permission_required = "acheteurs.change"
    form_class = ProgrammationForm
    titre = "Modifier la programmation"

    def get_objet(self):
        return self.get_programmation()

    def enregistrer(self, form):
        return services.programmation_update(
            programmation=self.objet, acting_user=self.request.user, **form.cleaned_data
        )


class ProgrammationSupprimerView(ProgrammationMixin, SuppressionView):
    permission_required = "acheteurs.change"
    message = "Programmation supprimée."

    def get_objet(self):
        return self.get_programmation()

    def get_annuler_url(self, programmation):
        return self.url("programmation", pk=programmation.pk)

    def get_success_url(self, programmation):
        return self.url("acheteur", pk=programmation.acheteur_id)

    def supprimer(self, programmation):
        services.programmation_delete(programmation=programmation, acting_user=self.request.user)


class AchatPrevuCreerView(ProgrammationMixin, FormulaireView):
    permission_required = "acheteurs.change"
    form_class = AchatPrevuForm
    titre = "Nouvel achat prévu"
    message = "Achat prévu enregistré."

    def preparer(self):
        self.programmation = self.get_programmation()

    def get_annuler_url(self):
        return self.url("programmation", pk=self.programmation.pk)

    def enregistrer(self, form):
        return services.achat_prevu_create(
            guichet=self.guichet,
            acting_user=self.request.user,
            programmation=self.programmation,
            **form.cleaned_data,
        )

    def get_success_url(self, achat):
        return self.url("programmation", pk=achat.programmation_id)


class AchatPrevuMixin:
    def get_objet(self):
        achats = selectors.achats_prevus_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(achats, pk=self.kwargs["pk"])

    def get_success_url(self, achat):
        return self.url("programmation", pk=achat.programmation_id)


class AchatPrevuModifierView(AchatPrevuMixin, FormulaireView):
    permission_required = "acheteurs.change"
    form_class = AchatPrevuForm
    titre = "Modifier l'achat prévu"

    def enregistrer(self, form):
        return services.achat_prevu_update(achat=self.objet, acting_user=self.request.user, **form.cleaned_data)


class AchatPrevuSupprimerView(AchatPrevuMixin, SuppressionView):
    permission_required = "acheteurs.change"
    message = "Achat prévu supprimé."

    def get_annuler_url(self, achat):
        return self.get_success_url(achat)

    def supprimer(self, achat):
        services.achat_prevu_delete(achat=achat, acting_user=self.request.user)
