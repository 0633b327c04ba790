from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from guichet.dates import lire_mois, mois_precedent
from guichet.fichiers import fichier_prive
from guichet.selectors import parametres_of
from guichet.views import FormulaireView, GuichetMixin, ListeView, SuppressionView, add_service_errors

from . import selectors, services
from .avertissements import LigneAverifier
from .enums import StatutReleve
from .filters import EntrepriseFilter, ReleveFilter
from .forms import (
    CommentaireReleveForm,
    ContactEntrepriseForm,
    DecisionLigneForm,
    EntrepriseForm,
    ImportReleveForm,
    LigneReleveForm,
    PieceJustificativeForm,
    ReleveForm,
)
from .import_releves import ErreursImport, modele_csv, modele_xlsx
from .models import Releve


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
            "obligations": selectors.obligations_entreprise(guichet=guichet, entreprise_id=entreprise.pk),
            "exclusions": selectors.exclusions_entreprise(guichet=guichet, entreprise_id=entreprise.pk),
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


# --- Relevés d'heures ------------------------------------------------------------------------------------
# The company's pages (its space, its relevés: web entry, import, submission) and the facilitators' (the queue of
# submitted relevés, validation line by line, the missing relevés). Reads go through the selectors, which keep a
# company member to its own relevés (404 for another's).


class ReleveMixin:
    """Pages about one relevé, looked up among those the member may see."""

    def get_releve(self):
        releves = selectors.releves_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(releves, pk=self.kwargs["pk"])

    def get_objet(self):
        return self.get_releve()

    def get_success_url(self, releve):
        return self.url("releve", pk=releve.pk)


class ActionReleveView(ReleveMixin, GuichetMixin, View):
    """A POST button on the relevé's page: one service call, its message, back to the page (or to ``suivante``)."""

    message = ""

    def agir(self, releve):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        releve = self.get_releve()
        try:
            suivante = self.agir(releve) or releve
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
            return redirect(self.get_success_url(releve))
        messages.success(request, self.message)
        return redirect(self.get_success_url(suivante))


class RelevesView(ListeView):
    permission_required = "releves.view"
    template_name = "entreprises/releves.html"
    template_resultats = "entreprises/_releves.html"
    filterset_class = ReleveFilter

    def get_queryset(self):
        return selectors.releves_visibles(guichet=self.guichet, membre=self.membre)


class RelevesAValiderView(GuichetMixin, TemplateView):
    """The facilitators' queue: every company's submitted relevés, the oldest first."""

    permission_required = "releves.validate"
    template_name = "entreprises/releves_a_valider.html"

    def get_context_data(self, **kwargs):
        return {"releves": selectors.releves_a_valider(guichet=self.guichet)}


class RelevesManquantsView(GuichetMixin, TemplateView):
    """The companies that owe hours on a running lot and have not submitted the month's relevé (the reminders' list);
    ``?periode=AAAA-MM``, by default the last month."""

    permission_required = "releves.validate"
    template_name = "entreprises/releves_manquants.html"

    def get_context_data(self, **kwargs):
        periode = lire_mois(self.request.GET.get("periode")) or mois_precedent(timezone.localdate())
        return {
            "periode": periode,
            "entreprises": selectors.releves_manquants(guichet=self.guichet, periode=periode),
            "jour_limite": parametres_of(guichet=self.guichet).jour_limite_releve,
        }


class ReleveCreerView(FormulaireView):
    permission_required = "releves.change"
    form_class = ReleveForm
    url_retour = "releves"
    titre = "Nouveau relevé d'heures"
    message = "Relevé créé : ajoutez ses lignes."

    def get_form_kwargs(self):
        return {"membre": self.membre}

    def get_initial(self):
        return {"periode": mois_precedent(timezone.localdate())}

    def enregistrer(self, form):
        return services.releve_create(guichet=self.guichet, acting_user=self.request.user, **form.cleaned_data)

    def get_success_url(self, releve):
        return self.url("releve", pk=releve.pk)


class ReleveImporterView(GuichetMixin, TemplateView):
    """Import a relevé file: a draft relevé, or the report of every wrong row (row, column, message), nothing
    written."""

    permission_required = "releves.change"
    template_name = "entreprises/releve_importer.html"

    def get(self, request, *args, **kwargs):
        initial = {"periode": mois_precedent(timezone.localdate())}
        return self.render_to_response({"form": ImportReleveForm(membre=self.membre, initial=initial)})

    def post(self, request, *args, **kwargs):
        form = ImportReleveForm(request.POST, request.FILES, membre=self.membre)
        erreurs = None
        if form.is_valid():
            try:
                releve = services.releve_importer(guichet=self.guichet, acting_user=request.user, **form.cleaned_data)
            except ErreursImport as rapport:
                erreurs = rapport.erreurs
            except ValidationError as erreur:
                add_service_errors(form, erreur)
            else:
                nombre = releve.lignes.count()
                messages.success(request, f"Fichier importé : {nombre} ligne{pluralize(nombre)} en brouillon.")
                return redirect(self.url("releve", pk=releve.pk))
        return self.render_to_response({"form": form, "erreurs": erreurs}, status=400)


MODELES = {
    "xlsx": (modele_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (modele_csv, "text/csv; charset=utf-8"),
}


def modele_telecharge(format_):
    """The import template as a download (pages and API): ``format_`` is ``xlsx`` or ``csv``."""
    produire, type_ = MODELES[format_]
    reponse = HttpResponse(produire(), content_type=type_)
    reponse["Content-Disposition"] = f'attachment; filename="modele-releve.{format_}"'
    return reponse


class ReleveModeleView(GuichetMixin, View):
    """The import template, ``?format=xlsx`` (default) or ``csv``."""

    permission_required = "releves.view"

    def get(self, request, *args, **kwargs):
        return modele_telecharge("csv" if request.GET.get("format") == "csv" else "xlsx")


class ReleveView(ReleveMixin, GuichetMixin, TemplateView):
    """A relevé: its lines with their warnings; while a draft, the web entry (htmx rows) and submission; once
    submitted, the facilitator's decisions line by line; its comments, pieces and history."""

    permission_required = "releves.view"
    template_name = "entreprises/releve.html"

    def get_context_data(self, **kwargs):
        releve = get_object_or_404(
            selectors.avec_lignes(selectors.releves_visibles(guichet=self.guichet, membre=self.membre)),
            pk=self.kwargs["pk"],
        )
        return contexte_releve(self, releve, **kwargs)


def contexte_releve(vue, releve, **kwargs):
    """What the relevé's page and its htmx fragments show."""
    membre = vue.membre
    modifiable = releve.modifiable and membre.has_perm("releves.change")
    avertissements = selectors.avertissements_releve(releve=releve)
    lignes = list(releve.lignes.all())
    for ligne in lignes:
        ligne.avertissements = avertissements.get(ligne.pk, [])
    contexte = {
        "releve": releve,
        "lignes": lignes,
        "modifiable": modifiable,
        "a_valider": releve.statut == StatutReleve.SOUMIS and membre.has_perm("releves.validate"),
        "corrigeable": releve.statut in {StatutReleve.VALIDE, StatutReleve.REJETE}
        and membre.has_perm("releves.change"),
        "pieces_ouvertes": releve.statut in {StatutReleve.BROUILLON, StatutReleve.SOUMIS}
        and membre.has_perm("releves.change"),
        "commentaires": releve.commentaires.select_related("auteur"),
        "pieces": releve.pieces.select_related("depose_par", "ligne"),
        "historique": selectors.historique_releve(releve=releve),
        "corrections": releve.corrections.all(),
        "form_commentaire": CommentaireReleveForm(),
        "form_piece": PieceJustificativeForm(),
        **kwargs,
    }
    if modifiable:
        contexte.setdefault("form_ligne", LigneReleveForm(releve=releve))
    return contexte


class LigneCreerView(ReleveMixin, GuichetMixin, TemplateView):
    """POST a line typed on the relevé's page. With htmx the entry section comes back (the new row in the table, a
    fresh form keeping the dates and lot for the next line, or the form with its errors); without, the page."""

    permission_required = "releves.change"
    template_name = "entreprises/releve.html"

    def get_template_names(self):
        return ["entreprises/_saisie.html"] if self.request.htmx else [self.template_name]

    def post(self, request, *args, **kwargs):
        releve = self.get_releve()
        form = LigneReleveForm(request.POST, releve=releve)
        if form.is_valid():
            try:
                services.releve_ligne_ajouter(releve=releve, acting_user=request.user, **form.cleaned_data)
            except ValidationError as erreur:
                add_service_errors(form, erreur)
            else:
                if not request.htmx:
                    messages.success(request, "Ligne ajoutée.")
                    return redirect(self.get_success_url(releve))
                garder = {c: form.cleaned_data[c] for c in ("date_debut", "date_fin", "lot", "sous_traitant")}
                form = LigneReleveForm(releve=releve, initial=garder)
        releve = selectors.avec_lignes(Releve.objects.filter(pk=releve.pk)).get()
        # htmx swaps 200 answers only: the form with its errors comes back as one.
        statut = 200 if request.htmx else 400
        return self.render_to_response(contexte_releve(self, releve, form_ligne=form), status=statut)


class AvertissementsView(ReleveMixin, GuichetMixin, TemplateView):
    """The warnings of the line being typed (htmx, as the company types): never an error, only what to look at."""

    permission_required = "releves.change"
    template_name = "entreprises/_avertissements.html"

    def get_context_data(self, **kwargs):
        releve = self.get_releve()
        form = LigneReleveForm(self.request.GET, releve=releve)
        form.is_valid()  # the values that are right are enough to warn
        valeurs = form.cleaned_data
        saisie = LigneAverifier(
            cle="saisie",
            debut=valeurs.get("date_debut"),
            fin=valeurs.get("date_fin"),
            heures=valeurs.get("heures"),
            contrat_id=getattr(valeurs.get("contrat"), "pk", None),
            lot_id=getattr(valeurs.get("lot"), "pk", None),
        )
        avertissements = selectors.avertissements_releve(releve=releve, saisie=saisie)
        return {"messages_avertissement": avertissements.get("saisie", [])}


class LigneMixin:
    """A line of a relevé the member may see."""

    def get_ligne(self):
        lignes = selectors.lignes_visibles(guichet=self.guichet, membre=self.membre).select_related(
            "contrat__beneficiaire", "sous_traitant", "lot__marche"
        )
        return get_object_or_404(lignes, pk=self.kwargs["pk"])


class LigneSupprimerView(LigneMixin, GuichetMixin, View):
    permission_required = "releves.change"

    def post(self, request, *args, **kwargs):
        ligne = self.get_ligne()
        try:
            services.releve_ligne_supprimer(ligne=ligne, acting_user=request.user)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, "Ligne supprimée.")
        return redirect(self.url("releve", pk=ligne.releve_id))


class LigneDeciderView(LigneMixin, GuichetMixin, TemplateView):
    """The facilitator accepts or rejects (with its reason) one line of a submitted relevé; with htmx, the row comes
    back."""

    permission_required = "releves.validate"
    template_name = "entreprises/_ligne.html"

    def post(self, request, *args, **kwargs):
        ligne = self.get_ligne()
        form = DecisionLigneForm(request.POST)
        form.is_valid()
        erreur = None
        try:
            services.releve_ligne_decider(ligne=ligne, acting_user=request.user, **form.cleaned_data)
        except ValidationError as probleme:
            erreur = " ".join(probleme.messages)
        if not request.htmx:
            if erreur:
                messages.error(request, erreur)
            return redirect(self.url("releve", pk=ligne.releve_id))
        ligne.avertissements = selectors.avertissements_releve(releve=ligne.releve).get(ligne.pk, [])
        return self.render_to_response({"ligne": ligne, "a_valider": True, "erreur_decision": erreur})


class ReleveSoumettreView(ActionReleveView):
    permission_required = "releves.change"
    message = "Relevé soumis au guichet : il n'est plus modifiable."

    def agir(self, releve):
        return services.releve_submit(releve=releve, acting_user=self.request.user)


class ReleveValiderView(ActionReleveView):
    """« Valider le reste » : the lines not rejected one by one are validated, the relevé locked."""

    permission_required = "releves.validate"
    message = "Relevé validé."

    def agir(self, releve):
        return services.releve_validate(releve=releve, acting_user=self.request.user)

    def get_success_url(self, releve):
        return (
            self.url("releves_a_valider") if releve.statut != StatutReleve.SOUMIS else super().get_success_url(releve)
        )


class ReleveCorrigerView(ActionReleveView):
    permission_required = "releves.change"
    message = "Correction créée : modifiez ses lignes puis soumettez-la."

    def agir(self, releve):
        return services.releve_corriger(releve=releve, acting_user=self.request.user)


class ReleveSupprimerView(ReleveMixin, SuppressionView):
    permission_required = "releves.change"
    message = "Relevé supprimé."

    def get_annuler_url(self, releve):
        return self.url("releve", pk=releve.pk)

    def get_success_url(self, releve):
        return self.url("releves")

    def supprimer(self, releve):
        services.releve_delete(releve=releve, acting_user=self.request.user)


class ReleveCommenterView(ActionReleveView):
    permission_required = "releves.change"
    message = "Commentaire ajouté."

    def agir(self, releve):
        form = CommentaireReleveForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError("Écrivez le commentaire.")
        services.releve_commenter(releve=releve, acting_user=self.request.user, **form.cleaned_data)


class PieceDeposerView(ReleveMixin, GuichetMixin, TemplateView):
    """Deposit a piece, then back to the relevé; a refused file (its format, size or content) shows the relevé again
    with the reason on the form (400), and nothing is kept."""

    permission_required = "releves.change"
    template_name = "entreprises/releve.html"

    def post(self, request, *args, **kwargs):
        releve = self.get_releve()
        form = PieceJustificativeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.piece_deposer(releve=releve, acting_user=request.user, **form.cleaned_data)
            except ValidationError as erreur:
                add_service_errors(form, erreur)
            else:
                messages.success(request, "Pièce déposée.")
                return redirect(self.get_success_url(releve))
        releve = selectors.avec_lignes(selectors.releves_visibles(guichet=self.guichet, membre=self.membre)).get(
            pk=releve.pk
        )
        return self.render_to_response(contexte_releve(self, releve, form_piece=form), status=400)


class PieceMixin:
    def get_piece(self):
        pieces = selectors.pieces_visibles(guichet=self.guichet, membre=self.membre)
        return get_object_or_404(pieces, pk=self.kwargs["pk"])


class PieceView(PieceMixin, GuichetMixin, View):
    """A piece, served privately to the company that deposited it, admins and facilitators."""

    permission_required = "releves.view"

    def get(self, request, *args, **kwargs):
        return fichier_prive(self.get_piece().fichier)


class PieceSupprimerView(PieceMixin, GuichetMixin, View):
    permission_required = "releves.change"

    def post(self, request, *args, **kwargs):
        piece = self.get_piece()
        try:
            services.piece_supprimer(piece=piece, acting_user=request.user)
        except ValidationError as erreur:
            messages.error(request, " ".join(erreur.messages))
        else:
            messages.success(request, "Pièce supprimée.")
        return redirect(self.url("releve", pk=piece.releve_id))


# --- The company's space ----------------------------------------------------------------------------------


class EspaceEntrepriseView(EntrepriseMixin, GuichetMixin, TemplateView):
    """What a company owes and has done: its lots, its hours pooled across them, its contracts and relevés. The
    company member's home (``mon-espace/``); facilitators open any company's."""

    permission_required = "releves.view"
    template_name = "entreprises/espace.html"

    def get_context_data(self, **kwargs):
        entreprise = self.get_entreprise()
        releves = selectors.releves_visibles(guichet=self.guichet, membre=self.membre).filter(entreprise=entreprise)
        return {
            "entreprise": entreprise,
            "releves": releves[:12],
            **selectors.obligations_entreprise(guichet=self.guichet, entreprise_id=entreprise.pk),
            **selectors.heures_declarees(entreprise_id=entreprise.pk),
            "contrats": selectors.contrats_entreprise(entreprise_id=entreprise.pk),
        }


class MonEspaceView(EspaceEntrepriseView):
    permission_required = "espace_entreprise.view"

    def get_entreprise(self):
        return self.membre.entreprise
