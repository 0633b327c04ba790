"""Pages of the bilans and exports: the list of documents (its rows poll their progress with htmx while a task
runs), the form that asks for one (facilitators and admins), the download, the regeneration of a bilan; and the
page of the guichet's logo, on the bilans' cover. Dashboards are in ``reporting.views``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from guichet.fichiers import fichier_prive
from guichet.selectors import parametres_of
from guichet.views import GuichetMixin, add_service_errors

from . import selectors, services
from .forms import BilanForm, ExportForm, LogoForm


class DocumentsView(GuichetMixin, TemplateView):
    """A list of produced documents and, for those who may, the form that asks for one (POST)."""

    permission_required = "reporting.view"
    template_name = "reporting/documents.html"
    form_class = None
    titre = ""
    intro = ""
    url_liste = ""
    url_telecharger = ""
    message = ""

    def documents(self):
        raise NotImplementedError

    def demander(self, **donnees):
        raise NotImplementedError

    def get_template_names(self):
        return ["reporting/_documents.html"] if self.request.htmx else [self.template_name]

    def get_context_data(self, form=None, **kwargs):
        page = Paginator(self.documents(), 30).get_page(self.request.GET.get("page"))
        peut_demander = self.membre.has_perm("reporting.generate")
        if form is None and peut_demander:
            form = self.form_class(guichet=self.guichet)
        return {
            "page": page,
            "form": form,
            "titre": self.titre,
            "intro": self.intro,
            "url_liste": self.url_liste,
            "url_telecharger": self.url_telecharger,
            "en_cours": any(document.en_cours for document in page),
            **kwargs,
        }

    def post(self, request, guichet_slug):
        if not self.membre.has_perm("reporting.generate"):
            raise PermissionDenied("Votre rôle ne permet pas de produire ce document.")
        form = self.form_class(request.POST, guichet=self.guichet)
        if form.is_valid():
            try:
                self.demander(**form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, self.message)
                return redirect(self.url(self.url_liste))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class BilansView(DocumentsView):
    titre = "Bilans"
    intro = (
        "Bilan annuel du comité de pilotage, bilan annuel d'un acheteur, bilan de fin de marché et attestation de "
        "réalisation d'une entreprise : des PDF produits à partir des mêmes chiffres que les tableaux de bord."
    )
    form_class = BilanForm
    url_liste = "bilans"
    url_telecharger = "bilan_telecharger"
    message = "Bilan demandé : il sera prêt dans quelques instants."

    def documents(self):
        return selectors.bilans_visibles(guichet=self.guichet, membre=self.membre)

    def demander(self, **donnees):
        return services.bilan_demander(guichet=self.guichet, acting_user=self.request.user, **donnees)


class ExportsView(DocumentsView):
    permission_required = "reporting.generate"
    titre = "Exports"
    intro = (
        "Restitution annuelle (un classeur : marchés, lots, considérations, attributions, entreprises, heures, grand "
        "livre, personnes pseudonymisées, sorties), consolidation nationale et données essentielles (DECP), en XLSX "
        "ou en CSV. Le dictionnaire des colonnes est dans chaque classeur (feuille « Dictionnaire »)."
    )
    form_class = ExportForm
    url_liste = "exports"
    url_telecharger = "export_telecharger"
    message = "Export demandé : il sera prêt dans quelques instants."

    def documents(self):
        return selectors.exports_list(guichet=self.guichet)

    def demander(self, **donnees):
        return services.export_demander(guichet=self.guichet, acting_user=self.request.user, **donnees)


class BilanMixin(GuichetMixin):
    def get_bilan(self):
        bilans = selectors.bilans_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(bilans, pk=self.kwargs["pk"])


class BilanTelechargerView(BilanMixin, View):
    permission_required = "reporting.view"

    def get(self, request, guichet_slug, pk):
        return fichier_prive(self.get_bilan().fichier)


class BilanRegenererView(BilanMixin, View):
    permission_required = "reporting.generate"

    def post(self, request, guichet_slug, pk):
        bilan = self.get_bilan()
        services.bilan_regenerer(bilan=bilan, acting_user=request.user)
        messages.success(request, f"« {bilan.titre} » est en cours de régénération.")
        return redirect(self.url("bilans"))


class ExportTelechargerView(GuichetMixin, View):
    permission_required = "reporting.generate"

    def get(self, request, guichet_slug, pk):
        return fichier_prive(get_object_or_404(selectors.exports_list(guichet=self.guichet), pk=pk).fichier)


class LogoView(GuichetMixin, TemplateView):
    """The guichet's logo on the cover of its bilans (a setting, admins)."""

    permission_required = "parametres.change"
    template_name = "reporting/logo.html"

    def get_context_data(self, form=None, **kwargs):
        return {"form": form or LogoForm(), "parametres": parametres_of(guichet=self.guichet), **kwargs}

    def post(self, request, guichet_slug):
        form = LogoForm(request.POST, request.FILES)
        if form.is_valid():
            logo = None if form.cleaned_data["supprimer"] else form.cleaned_data["logo"]
            if logo is None and not form.cleaned_data["supprimer"]:
                form.add_error("logo", "Choisissez une image PNG ou JPEG, ou cochez « Retirer le logo ».")
            else:
                try:
                    services.logo_modifier(guichet=self.guichet, logo=logo, acting_user=request.user)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(request, "Logo retiré." if logo is None else "Logo enregistré.")
                    return redirect(self.url("parametres_logo"))
        return self.render_to_response(self.get_context_data(form=form), status=400)
