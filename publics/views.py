"""Pages of the publics app. Reads go through ``publics.selectors`` (which keep personal data to the roles of api.md's
table); every page that shows a person's eligibility writes the read to the access log."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from guichet.fichiers import fichier_prive
from guichet.views import FormulaireView, GuichetMixin, ListeView, SuppressionView, add_service_errors

from . import selectors, services
from .filters import BeneficiaireFilter, ContratFilter, PrescripteurFilter
from .forms import (
    BeneficiaireForm,
    ConservationForm,
    ContactPrescripteurForm,
    ContratForm,
    CritereForm,
    EligibiliteForm,
    EmbaucheForm,
    FusionForm,
    PositionnementForm,
    PrescripteurForm,
    SortieForm,
)

# --- Prescribers ---------------------------------------------------------------------------------------


class PrescripteursView(ListeView):
    permission_required = "publics.view"
    template_name = "publics/prescripteurs.html"
    template_resultats = "publics/_prescripteurs.html"
    filterset_class = PrescripteurFilter

    def get_queryset(self):
        return selectors.prescripteurs_list(guichet=self.guichet)


class PrescripteurMixin:
    def get_prescripteur(self):
        return get_object_or_404(selectors.prescripteurs_list(guichet=self.guichet), pk=self.kwargs["pk"])

    def get_objet(self):
        return self.get_prescripteur()

    def get_success_url(self, prescripteur):
        return self.url("prescripteur", pk=prescripteur.pk)


class PrescripteurView(PrescripteurMixin, GuichetMixin, TemplateView):
    permission_required = "publics.view"
    template_name = "publics/prescripteur.html"

    def get_context_data(self, **kwargs):
        prescripteur = self.get_objet()
        return {
            "prescripteur": prescripteur,
            "contacts": selectors.contacts_prescripteurs(guichet=self.guichet).filter(prescripteur=prescripteur),
            "nombre_personnes": prescripteur.beneficiaires.count(),
        }


class PrescripteurCreerView(FormulaireView):
    permission_required = "publics.change"
    form_class = PrescripteurForm
    url_retour = "prescripteurs"
    titre = "Nouveau prescripteur"
    message = "Prescripteur enregistré."

    def enregistrer(self, form):
        return services.prescripteur_create(guichet=self.guichet, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self, prescripteur):
        return self.url("prescripteur", pk=prescripteur.pk)


class PrescripteurModifierView(PrescripteurMixin, FormulaireView):
    permission_required = "publics.change"
    form_class = PrescripteurForm
    titre = "Modifier le prescripteur"

    def enregistrer(self, form):
        return services.prescripteur_update(prescripteur=self.objet, acting_user=self.request.user, **form.cleaned_data)


class PrescripteurSupprimerView(PrescripteurMixin, SuppressionView):
    permission_required = "publics.change"
    message = "Prescripteur supprimé."

    def get_annuler_url(self, prescripteur):
        return self.url("prescripteur", pk=prescripteur.pk)

    def get_success_url(self, prescripteur):
        return self.url("prescripteurs")

    def supprimer(self, prescripteur):
        services.prescripteur_delete(prescripteur=prescripteur, acting_user=self.request.user)


class ContactPrescripteurCreerView(PrescripteurMixin, FormulaireView):
    permission_required = "publics.change"
    form_class = ContactPrescripteurForm
    titre = "Nouveau contact"
    message = "Contact enregistré."

    def preparer(self):
        self.prescripteur = self.get_prescripteur()

    def get_objet(self):
        return None

    def get_annuler_url(self):
        return self.url("prescripteur", pk=self.prescripteur.pk)

    def enregistrer(self, form):
        return services.contact_prescripteur_create(
            guichet=self.guichet, acting_user=self.request.user, prescripteur=self.prescripteur, **form.cleaned_data
        )

    def get_success_url(self, contact):
        return self.url("prescripteur", pk=contact.prescripteur_id)


class ContactPrescripteurMixin:
    permission_required = "publics.change"

    def get_objet(self):
        return get_object_or_404(selectors.contacts_prescripteurs(guichet=self.guichet), pk=self.kwargs["pk"])

    def get_success_url(self, contact):
        return self.url("prescripteur", pk=contact.prescripteur_id)


class ContactPrescripteurModifierView(ContactPrescripteurMixin, FormulaireView):
    form_class = ContactPrescripteurForm
    titre = "Modifier le contact"

    def enregistrer(self, form):
        return services.contact_prescripteur_update(
            contact=self.objet, acting_user=self.request.user, **form.cleaned_data
        )


class ContactPrescripteurSupprimerView(ContactPrescripteurMixin, SuppressionView):
    message = "Contact supprimé."

    def get_annuler_url(self, contact):
        return self.get_success_url(contact)

    def supprimer(self, contact):
        services.contact_prescripteur_delete(contact=contact, acting_user=self.request.user)


# --- Beneficiaries -------------------------------------------------------------------------------------


class BeneficiairesView(ListeView):
    permission_required = "publics.view"
    template_name = "publics/beneficiaires.html"
    template_resultats = "publics/_beneficiaires.html"
    filterset_class = BeneficiaireFilter

    def get_queryset(self):
        return selectors.beneficiaires_visibles(guichet=self.guichet, membre=self.membre)


class BeneficiaireMixin:
    def get_beneficiaire(self):
        personnes = selectors.beneficiaires_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(personnes, pk=self.kwargs["pk"])

    def get_objet(self):
        return self.get_beneficiaire()

    def get_success_url(self, objet):
        return self.url("beneficiaire", pk=getattr(objet, "beneficiaire_id", objet.pk))


class CreerPourBeneficiaireView(BeneficiaireMixin, FormulaireView):
    """A record created from a person's page (eligibility, positioning, contract): ``service`` writes it."""

    permission_required = "publics.change"
    service = None  # a ``<entity>_create(*, guichet, acting_user, beneficiaire, **data)`` service

    def preparer(self):
        self.personne = self.get_beneficiaire()

    def get_objet(self):
        return None

    def get_annuler_url(self):
        return self.url("beneficiaire", pk=self.personne.pk)

    def enregistrer(self, form):
        return self.service(
            guichet=self.guichet, acting_user=self.request.user, beneficiaire=self.personne, **form.cleaned_data
        )


class BeneficiaireView(BeneficiaireMixin, GuichetMixin, TemplateView):
    """A person's record: identity, eligibility (the read is logged), positionings, contracts and outcomes."""

    permission_required = "publics.view"
    template_name = "publics/beneficiaire.html"

    def get_context_data(self, **kwargs):
        personne = self.get_objet()
        guichet, membre = self.guichet, self.membre
        eligibilites = selectors.eligibilites_visibles(guichet=guichet, membre=membre).filter(beneficiaire=personne)
        # Showing the record shows its eligibility: one access-log entry for the person (domain.md §10).
        eligibilites = list(eligibilites)
        services.acces_enregistrer(guichet=guichet, utilisateur=self.request.user, beneficiaires=[personne.pk])
        contrats = selectors.contrats_visibles(guichet=guichet, membre=membre).filter(beneficiaire=personne)
        return {
            "personne": personne,
            "eligibilites": eligibilites,
            "positionnements": selectors.positionnements_visibles(guichet=guichet, membre=membre).filter(
                beneficiaire=personne
            ),
            "contrats": contrats.prefetch_related("sorties"),
            "doublons": selectors.doublons_de(beneficiaire=personne),
        }


class BeneficiaireCreerView(FormulaireView):
    permission_required = "publics.change"
    form_class = BeneficiaireForm
    url_retour = "beneficiaires"
    titre = "Nouvelle personne"
    message = "Personne enregistrée."

    def enregistrer(self, form):
        return services.beneficiaire_create(guichet=self.guichet, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self, personne):
        if selectors.doublons_de(beneficiaire=personne).exists():
            messages.warning(
                self.request, "Une autre personne a les mêmes nom, prénom et date de naissance : vérifiez le doublon."
            )
        return self.url("beneficiaire", pk=personne.pk)


class BeneficiaireModifierView(BeneficiaireMixin, FormulaireView):
    permission_required = "publics.change"
    form_class = BeneficiaireForm
    titre = "Modifier la personne"

    def enregistrer(self, form):
        return services.beneficiaire_update(beneficiaire=self.objet, acting_user=self.request.user, **form.cleaned_data)


class BeneficiaireSupprimerView(BeneficiaireMixin, SuppressionView):
    permission_required = "publics.change"
    message = "Personne supprimée."

    def get_annuler_url(self, personne):
        return self.url("beneficiaire", pk=personne.pk)

    def get_success_url(self, personne):
        return self.url("beneficiaires")

    def supprimer(self, personne):
        services.beneficiaire_delete(beneficiaire=personne, acting_user=self.request.user)


class BeneficiaireExportView(BeneficiaireMixin, GuichetMixin, View):
    """Right of access (GDPR art. 15): everything held on the person, as a JSON file; logged and audited."""

    permission_required = "publics.view"

    def get(self, request, guichet_slug, pk):
        personne = self.get_beneficiaire()
        donnees = services.beneficiaire_exporter(beneficiaire=personne, acting_user=request.user)
        reponse = HttpResponse(
            json.dumps(donnees, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        reponse["Content-Disposition"] = (
            f'attachment; filename="personne-{personne.pk}-{timezone.localdate():%Y%m%d}.json"'
        )
        return reponse


class BeneficiaireFusionView(BeneficiaireMixin, GuichetMixin, TemplateView):
    """Merge a duplicate into this person (the history is kept: everything moves here)."""

    permission_required = "publics.change"
    template_name = "components/page_formulaire.html"

    def _contexte(self, form):
        personne = self.get_beneficiaire()
        return {
            "form": form,
            "titre": f"Fusionner un doublon dans la fiche de {personne}",
            "bouton": "Fusionner",
            "annuler_url": self.url("beneficiaire", pk=personne.pk),
        }

    def get(self, request, guichet_slug, pk):
        personne = self.get_beneficiaire()
        return self.render_to_response(
            self._contexte(FusionForm(doublons=selectors.doublons_de(beneficiaire=personne)))
        )

    def post(self, request, guichet_slug, pk):
        personne = self.get_beneficiaire()
        form = FusionForm(request.POST, doublons=selectors.doublons_de(beneficiaire=personne))
        if form.is_valid():
            try:
                services.beneficiaire_fusionner(
                    garde=personne, doublon=form.cleaned_data["doublon"], acting_user=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Doublon fusionné : l'historique est repris sur cette fiche.")
                return redirect(self.url("beneficiaire", pk=personne.pk))
        return self.render_to_response(self._contexte(form), status=400)


class DoublonsView(GuichetMixin, TemplateView):
    permission_required = "publics.view"
    template_name = "publics/doublons.html"

    def get_context_data(self, **kwargs):
        return {"doublons": selectors.doublons(guichet=self.guichet)}


# --- Eligibility ---------------------------------------------------------------------------------------


class EligibiliteCreerView(CreerPourBeneficiaireView):
    form_class = EligibiliteForm
    titre = "Nouvelle décision d'éligibilité"
    message = "Éligibilité enregistrée."
    service = staticmethod(services.eligibilite_create)

    def get_initial(self):
        return {"date_validation": timezone.localdate()}


class EligibiliteMixin:
    permission_required = "publics.change"

    def get_objet(self):
        eligibilites = selectors.eligibilites_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(eligibilites, pk=self.kwargs["pk"])

    def get_success_url(self, eligibilite):
        return self.url("beneficiaire", pk=eligibilite.beneficiaire_id)


class EligibiliteValiderView(EligibiliteMixin, GuichetMixin, View):
    def post(self, request, guichet_slug, pk):
        eligibilite = self.get_objet()
        try:
            services.eligibilite_valider(eligibilite=eligibilite, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Éligibilité validée.")
        return redirect(self.get_success_url(eligibilite))


class EligibiliteJustificatifView(EligibiliteMixin, GuichetMixin, View):
    permission_required = "eligibilites.view"

    def get(self, request, guichet_slug, pk):
        eligibilite = self.get_objet()
        services.acces_enregistrer(
            guichet=self.guichet, utilisateur=request.user, beneficiaires=[eligibilite.beneficiaire_id]
        )
        return fichier_prive(eligibilite.justificatif)


class EligibiliteSupprimerView(EligibiliteMixin, SuppressionView):
    message = "Décision supprimée."

    def get_annuler_url(self, eligibilite):
        return self.get_success_url(eligibilite)

    def supprimer(self, eligibilite):
        services.eligibilite_delete(eligibilite=eligibilite, acting_user=self.request.user)


class EligibilitesEcheanceView(GuichetMixin, TemplateView):
    """Eligibilities ending within 30 days (their read is logged)."""

    permission_required = "eligibilites.view"
    template_name = "publics/echeances.html"

    def get_context_data(self, **kwargs):
        lignes = selectors.eligibilites_lues(
            guichet=self.guichet,
            membre=self.membre,
            utilisateur=self.request.user,
            eligibilites=selectors.eligibilites_a_echeance(guichet=self.guichet),
        )
        return {"eligibilites": lignes, "jours": selectors.ALERTE_ELIGIBILITE_JOURS}


class CriteresView(GuichetMixin, TemplateView):
    permission_required = "publics.view"
    template_name = "publics/criteres.html"

    def get_context_data(self, **kwargs):
        return {
            "criteres": selectors.criteres_list(guichet=self.guichet),
            "revisions": selectors.revisions_criteres(guichet=self.guichet)[:10],
        }


class CritereModifierView(FormulaireView):
    permission_required = "publics.change"
    form_class = CritereForm
    titre = "Modifier le critère"

    def get_objet(self):
        return get_object_or_404(selectors.criteres_list(guichet=self.guichet), pk=self.kwargs["pk"])

    def enregistrer(self, form):
        return services.critere_update(critere=self.objet, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self, critere):
        return self.url("criteres")


class FichePrescriptionView(GuichetMixin, View):
    """The *fiche de prescription unique* (seed 001): the guichet's criteria, for prescribers, as a one-page PDF."""

    permission_required = "publics.view"

    def get(self, request, guichet_slug):
        from weasyprint import HTML

        html = render_to_string(
            "pdf/fiche_prescription.html",
            {
                "guichet": self.guichet,
                "criteres": selectors.criteres_actifs(guichet=self.guichet),
                "revision": services.revision_courante(guichet=self.guichet),
                "aujourdhui": timezone.localdate(),
            },
        )
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        reponse = HttpResponse(pdf, content_type="application/pdf")
        reponse["Content-Disposition"] = f'attachment; filename="fiche-prescription-{self.guichet.slug}.pdf"'
        return reponse


# --- Positionings, contracts, outcomes ----------------------------------------------------------------------


class PositionnementCreerView(CreerPourBeneficiaireView):
    form_class = PositionnementForm
    titre = "Positionner la personne sur une entreprise"
    message = "Positionnement enregistré."
    service = staticmethod(services.positionnement_create)


class PositionnementMixin:
    permission_required = "publics.change"

    def get_objet(self):
        positionnements = selectors.positionnements_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(positionnements, pk=self.kwargs["pk"])

    def get_success_url(self, objet):
        return self.url("beneficiaire", pk=objet.beneficiaire_id)


class PositionnementModifierView(PositionnementMixin, FormulaireView):
    form_class = PositionnementForm
    titre = "Modifier le positionnement"

    def enregistrer(self, form):
        return services.positionnement_update(
            positionnement=self.objet, acting_user=self.request.user, **form.cleaned_data
        )


class PositionnementEmbaucherView(PositionnementMixin, FormulaireView):
    """The company hires the person: the contract is recorded from the positioning."""

    form_class = EmbaucheForm
    bouton = "Enregistrer l'embauche"
    message = "Embauche enregistrée : le contrat est créé."

    @property
    def titre(self):
        return f"Embauche de {self.objet.beneficiaire} chez {self.objet.entreprise}"

    def get_form_kwargs(self):
        return {}

    def get_initial(self):
        return {"lot": self.objet.lot_id, "poste": self.objet.poste, "date_debut": timezone.localdate()}

    def enregistrer(self, form):
        return services.positionnement_embaucher(
            positionnement=self.objet, acting_user=self.request.user, **form.cleaned_data
        )


class PositionnementSupprimerView(PositionnementMixin, SuppressionView):
    message = "Positionnement supprimé."

    def get_annuler_url(self, positionnement):
        return self.get_success_url(positionnement)

    def supprimer(self, positionnement):
        services.positionnement_delete(positionnement=positionnement, acting_user=self.request.user)


class ContratsView(ListeView):
    """Work contracts; a company member sees its own (and its employees' names)."""

    permission_required = "contrats.view"
    template_name = "publics/contrats.html"
    template_resultats = "publics/_contrats.html"
    filterset_class = ContratFilter

    def get_queryset(self):
        return selectors.contrats_visibles(guichet=self.guichet, membre=self.membre)


class ContratCreerView(CreerPourBeneficiaireView):
    form_class = ContratForm
    titre = "Nouveau contrat"
    message = "Contrat enregistré."
    service = staticmethod(services.contrat_create)


class ContratMixin:
    permission_required = "publics.change"

    def get_objet(self):
        contrats = selectors.contrats_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(contrats, pk=self.kwargs["pk"])

    def get_success_url(self, objet):
        return self.url("beneficiaire", pk=objet.beneficiaire_id)


class ContratModifierView(ContratMixin, FormulaireView):
    form_class = ContratForm
    titre = "Modifier le contrat"

    def enregistrer(self, form):
        return services.contrat_update(contrat=self.objet, acting_user=self.request.user, **form.cleaned_data)


class ContratSupprimerView(ContratMixin, SuppressionView):
    message = "Contrat supprimé."

    def get_annuler_url(self, contrat):
        return self.get_success_url(contrat)

    def supprimer(self, contrat):
        services.contrat_delete(contrat=contrat, acting_user=self.request.user)


class SortieCreerView(ContratMixin, FormulaireView):
    form_class = SortieForm
    titre = "Nouvelle sortie"
    message = "Sortie enregistrée."

    def preparer(self):
        self.contrat = ContratMixin.get_objet(self)

    def get_objet(self):
        return None

    def get_initial(self):
        return {k: v for k, v in self.request.GET.items() if k in {"moment", "date"}}

    def get_annuler_url(self):
        return self.url("beneficiaire", pk=self.contrat.beneficiaire_id)

    def enregistrer(self, form):
        return services.sortie_create(
            guichet=self.guichet, acting_user=self.request.user, contrat=self.contrat, **form.cleaned_data
        )

    def get_success_url(self, sortie):
        return self.url("beneficiaire", pk=self.contrat.beneficiaire_id)


class SortieSupprimerView(SuppressionView):
    permission_required = "publics.change"
    message = "Sortie supprimée."

    def get_objet(self):
        sorties = selectors.sorties_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(sorties, pk=self.kwargs["pk"])

    def get_annuler_url(self, sortie):
        return self.url("beneficiaire", pk=sortie.contrat.beneficiaire_id)

    get_success_url = get_annuler_url

    def supprimer(self, sortie):
        services.sortie_delete(sortie=sortie, acting_user=self.request.user)


class SortiesASaisirView(GuichetMixin, TemplateView):
    permission_required = "publics.view"
    template_name = "publics/sorties_a_saisir.html"

    def get_context_data(self, **kwargs):
        return {"lignes": selectors.sorties_a_saisir(guichet=self.guichet)}


# --- Personal data (admins) ----------------------------------------------------------------------------------


class JournalAccesView(GuichetMixin, TemplateView):
    """Who read which person's eligibility, or exported their data, and when (admins)."""

    permission_required = "journal_acces.view"
    template_name = "publics/journal_acces.html"

    def get_context_data(self, **kwargs):
        acces = selectors.acces_list(guichet=self.guichet)
        if self.request.GET.get("beneficiaire", "").isdigit():
            acces = acces.filter(beneficiaire=self.request.GET["beneficiaire"])
        return {"page": Paginator(acces, 100).get_page(self.request.GET.get("page"))}


class ConservationView(GuichetMixin, TemplateView):
    """The retention job by hand: a dry-run report first, then the anonymisation once confirmed."""

    permission_required = "publics.anonymiser"
    template_name = "publics/conservation.html"

    def get_context_data(self, **kwargs):
        aujourdhui = timezone.localdate()
        personnes = selectors.beneficiaires_a_anonymiser(guichet=self.guichet, aujourdhui=aujourdhui)
        return {
            "personnes": personnes,
            "limite": selectors.limite_conservation(guichet=self.guichet, aujourdhui=aujourdhui),
            "form": kwargs.get("form") or ConservationForm(),
        }

    def post(self, request, guichet_slug):
        form = ConservationForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        rapport = services.beneficiaires_anonymiser(
            guichet=self.guichet, aujourdhui=timezone.localdate(), acting_user=request.user, simulation=False
        )
        messages.success(request, f"{rapport['personnes']} personne(s) anonymisée(s).")
        return redirect(self.url("conservation"))
