import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.views import View, defaults
from django.views.generic import TemplateView

from . import deux_facteurs, selectors, services, totp, versions
from .fichiers import fichier_prive
from .forms import CodeForm, ConnexionForm, InvitationForm, MembreForm, ParametresForm
from .middleware import _is_api as is_api  # the one test of "is this the API", kept in the middleware
from .throttle import ConnexionBloquee, verifier_code


def add_service_errors(form, error: ValidationError):
    """Show a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class GuichetMixin:
    """Every guichet page: ``self.guichet`` and ``self.membre`` from the middleware, and one permission code.

    The middleware has already sent anonymous users to sign in and answered 404 to non-members (so
    ``membre`` is only missing if the view is mounted outside ``/<slug>/``); a member whose role lacks
    ``permission_required`` gets 403.
    """

    permission_required: str = "guichet.view"

    def dispatch(self, request, *args, **kwargs):
        self.guichet, self.membre = request.guichet, request.membre
        if self.membre is None:
            raise Http404
        if not self.membre.has_perm(self.permission_required):
            raise PermissionDenied("Votre rôle ne donne pas accès à cette page.")
        return super().dispatch(request, *args, **kwargs)

    def url(self, name, **kwargs):
        return reverse(name, kwargs={"guichet_slug": self.guichet.slug, **kwargs})


class EnCacheMixin:
    """A page that only reads: its answer kept for the next identical visit while the guichet's data do not change
    (guichet/versions.py), after the permission check of ``GuichetMixin``."""

    def get(self, request, *args, **kwargs):
        parent = super().get
        return versions.servir(request, lambda: parent(request, *args, **kwargs), variante=versions.cle_page(request))


class ListeView(EnCacheMixin, GuichetMixin, TemplateView):
    """A filtered, paginated list. The filters are a django-filter FilterSet shared with the API; htmx asks
    for the results only (``template_resultats``) while the user types or picks a filter."""

    filterset_class = None
    template_resultats = None
    par_page = 50

    def get_queryset(self):
        raise NotImplementedError

    def get_filtres(self):
        return self.request.GET

    def get_template_names(self):
        if self.request.htmx and self.template_resultats:
            return [self.template_resultats]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        filtres = self.filterset_class(self.get_filtres(), queryset=self.get_queryset(), request=self.request)
        page = Paginator(filtres.qs, self.par_page).get_page(self.request.GET.get("page"))
        return {"filtres": filtres, "page": page, **kwargs}


class FormulaireView(GuichetMixin, TemplateView):
    """A create or edit page: the form checks the input, one service writes, its errors come back on the form.

    Subclasses set ``form_class`` and ``titre``, and implement ``enregistrer(form)`` (call the service,
    return the object) and ``get_success_url(objet)``. To edit, ``get_objet()`` looks the object up from the
    guichet (404 when it is not there); to create, it returns None. ``preparer()`` runs first, to look up
    the parent a new object is created under.
    """

    template_name = "components/page_formulaire.html"
    form_class = None
    url_retour = "guichet_accueil"  # where "Annuler" leads when creating
    titre = ""
    bouton = "Enregistrer"
    message = "Modifications enregistrées."

    def preparer(self):
        pass

    def get_objet(self):
        return None

    def get_form_kwargs(self):
        return {"instance": self.objet} if self.objet is not None else {}

    def get_initial(self):
        return {}

    def get_annuler_url(self):
        return self.get_success_url(self.objet) if self.objet is not None else self.url(self.url_retour)

    def enregistrer(self, form):
        raise NotImplementedError

    def get_success_url(self, objet):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return {
            "objet": self.objet,
            "titre": self.titre,
            "bouton": self.bouton,
            "annuler_url": self.get_annuler_url(),
            **kwargs,
        }

    def get(self, request, *args, **kwargs):
        self.preparer()
        self.objet = self.get_objet()
        form = self.form_class(initial=self.get_initial(), **self.get_form_kwargs())
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        self.preparer()
        self.objet = self.get_objet()
        form = self.form_class(request.POST, request.FILES, **self.get_form_kwargs())
        if form.is_valid():
            try:
                objet = self.enregistrer(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, self.message)
                return redirect(self.get_success_url(objet))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class SuppressionView(GuichetMixin, TemplateView):
    """GET asks for confirmation, POST deletes through the service (or shows why it cannot)."""

    template_name = "components/confirmation.html"
    message = "Suppression effectuée."

    def get_objet(self):
        raise NotImplementedError

    def supprimer(self, objet):
        raise NotImplementedError

    def get_success_url(self, objet):
        raise NotImplementedError

    def get_annuler_url(self, objet):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        objet = self.get_objet()
        return self.render_to_response({"objet": objet, "annuler_url": self.get_annuler_url(objet)})

    def post(self, request, *args, **kwargs):
        objet = self.get_objet()
        url = self.get_success_url(objet)  # before the object is gone
        try:
            self.supprimer(objet)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.get_annuler_url(objet))
        messages.success(request, self.message)
        return redirect(url)


# --- Accounts -------------------------------------------------------------------------------------


class ConnexionView(auth_views.LoginView):
    """The password; then, for an account with (or requiring) a second factor, the code step before any sign-in."""

    form_class = ConnexionForm
    template_name = "comptes/connexion.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        etape = deux_facteurs.etape(user)
        if etape is None:
            return super().form_valid(form)
        deux_facteurs.mettre_en_attente(self.request, user, backend=user.backend, suivant=self.get_success_url())
        return redirect(deux_facteurs.url_etape(etape))


def _verifier_code(request, form, utilisateur, verifier):
    """Check the code typed in ``form`` (throttled); on failure, the French error goes on the form."""
    if not form.is_valid():
        return False
    try:
        if verifier_code(request, utilisateur, lambda: verifier(form.cleaned_data["code"])):
            return True
    except ConnexionBloquee as bloque:
        form.add_error("code", str(bloque))
        return False
    form.add_error("code", deux_facteurs.MESSAGE_CODE_INCORRECT)
    return False


class DeuxFacteursView(TemplateView):
    """Sign-in, second step: the code of the authenticator app (or a recovery code) of the pending person."""

    template_name = "comptes/deux_facteurs.html"

    def dispatch(self, request, *args, **kwargs):
        self.utilisateur = deux_facteurs.en_attente(request)
        if self.utilisateur is None:
            messages.info(request, "Saisissez d'abord votre adresse et votre mot de passe.")
            return redirect("connexion")
        if not deux_facteurs.active(self.utilisateur):
            return redirect("deux_facteurs_activer")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render_to_response({"form": CodeForm()})

    def post(self, request):
        form = CodeForm(request.POST)
        utilisateur = self.utilisateur
        if _verifier_code(
            request, form, utilisateur, lambda code: deux_facteurs.code_verifier(utilisateur=utilisateur, code=code)
        ):
            return redirect(deux_facteurs.connecter(request, utilisateur))
        return self.render_to_response({"form": form}, status=400)


class DeuxFacteursActiverView(TemplateView):
    """Enrolment: the secret (QR code, and in clear to type it), confirmed by a first code; then the recovery codes,
    shown once. For the pending person whose role requires it, or for a signed-in person who chooses it."""

    template_name = "comptes/deux_facteurs_activer.html"

    def dispatch(self, request, *args, **kwargs):
        self.en_attente = not request.user.is_authenticated
        self.utilisateur = request.user if request.user.is_authenticated else deux_facteurs.en_attente(request)
        if self.utilisateur is None:
            messages.info(request, "Saisissez d'abord votre adresse et votre mot de passe.")
            return redirect("connexion")
        if deux_facteurs.active(self.utilisateur):
            return redirect("deux_facteurs" if self.en_attente else "securite")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        secret = deux_facteurs.enrolement_commencer(utilisateur=self.utilisateur)
        uri = totp.uri(secret, compte=self.utilisateur.email, emetteur=deux_facteurs.EMETTEUR)
        qr = segno.make(uri, error="m").svg_inline(scale=4, title="Code QR de la double authentification")
        return {
            "qr": mark_safe(qr),  # noqa: S308 (segno's own SVG markup; the URI inside is escaped by segno)
            "secret": totp.secret_groupe(secret),
            "uri": uri,
            "requise": deux_facteurs.requis(self.utilisateur),
            **kwargs,
        }

    def get(self, request):
        return self.render_to_response(self.get_context_data(form=CodeForm()))

    def post(self, request):
        form = CodeForm(request.POST)
        utilisateur, codes = self.utilisateur, []

        def confirmer(code):
            try:
                codes.extend(deux_facteurs.enrolement_confirmer(utilisateur=utilisateur, code=code))
            except ValidationError:
                return False
            return True

        if not _verifier_code(request, form, utilisateur, confirmer):
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if self.en_attente:
            suivant = deux_facteurs.connecter(request, utilisateur)
        else:
            deux_facteurs.marquer_verifiee(request)
            suivant = reverse("securite")
        return render(request, "comptes/codes_secours.html", {"codes": codes, "suivant": suivant, "activation": True})


class SecuriteView(LoginRequiredMixin, TemplateView):
    """The account's security page: second factor state, new recovery codes, turning it off where allowed."""

    template_name = "comptes/securite.html"

    def get_context_data(self, **kwargs):
        utilisateur = self.request.user
        return {
            "active": deux_facteurs.active(utilisateur),
            "requise": deux_facteurs.requis(utilisateur),
            "restants": deux_facteurs.codes_secours_restants(utilisateur),
            "form": CodeForm(),
            **kwargs,
        }

    def post(self, request):
        utilisateur, action = request.user, request.POST.get("action")
        if not deux_facteurs.active(utilisateur):
            return redirect("deux_facteurs_activer")
        form = CodeForm(request.POST)
        if action not in {"codes", "desactiver"}:
            form.add_error(None, "Action inconnue.")
        elif _verifier_code(
            request, form, utilisateur, lambda code: deux_facteurs.code_verifier(utilisateur=utilisateur, code=code)
        ):
            try:
                if action == "codes":
                    codes = deux_facteurs.codes_secours_regenerer(utilisateur=utilisateur)
                    return render(
                        request, "comptes/codes_secours.html", {"codes": codes, "suivant": reverse("securite")}
                    )
                deux_facteurs.desactiver(utilisateur=utilisateur)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                request.session.pop(deux_facteurs.SESSION_VERIFIEE, None)
                messages.success(request, "Double authentification désactivée.")
                return redirect("securite")
        return self.render_to_response(self.get_context_data(form=form, action=action), status=400)


class MotDePasseOubliView(auth_views.PasswordResetView):
    template_name = "comptes/mot_de_passe_oubli.html"
    email_template_name = "emails/mot_de_passe.txt"
    subject_template_name = "emails/mot_de_passe_sujet.txt"
    success_url = reverse_lazy("mot_de_passe_envoye")
    extra_email_context = {"site_url": settings.SITE_URL}


class MotDePasseNouveauView(auth_views.PasswordResetConfirmView):
    template_name = "comptes/mot_de_passe_nouveau.html"
    success_url = reverse_lazy("mot_de_passe_termine")


class InvitationAccepterView(MotDePasseNouveauView):
    """The link of an invitation email: the new member chooses a password, then signs in."""

    template_name = "comptes/invitation.html"


# --- Errors outside any view (``handler404``, ``handler500``) ---------------------------------------


def _erreur_api(message, status):
    return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})


def page_introuvable(request, exception):
    """An address that matches no route: JSON under /api/ (api.md: JSON in and out, errors included)."""
    if is_api(request):
        return _erreur_api("Pas trouvé.", 404)
    return defaults.page_not_found(request, exception)


def erreur_serveur(request):
    if is_api(request):
        return _erreur_api("Erreur interne du serveur : l'équipe technique a été prévenue.", 500)
    return defaults.server_error(request)


# --- Guichets -------------------------------------------------------------------------------------


def accueil_site(request):
    return redirect("mes_guichets" if request.user.is_authenticated else "connexion")


class MesGuichetsView(LoginRequiredMixin, TemplateView):
    template_name = "guichet/mes_guichets.html"

    def get(self, request, *args, **kwargs):
        guichets = list(selectors.guichets_of_user(user=request.user))
        if len(guichets) == 1:
            return redirect("guichet_accueil", guichet_slug=guichets[0].slug)
        return self.render_to_response({"guichets": guichets})


# --- Members (admins) -----------------------------------------------------------------------------


class MembresView(GuichetMixin, TemplateView):
    """The member list; posting the form invites someone."""

    permission_required = "membres.change"
    template_name = "guichet/membres.html"

    def get_context_data(self, **kwargs):
        return {
            "membres": selectors.membres_list(guichet=self.guichet),
            "form": kwargs.get("form") or InvitationForm(guichet=self.guichet),
        }

    def post(self, request, guichet_slug):
        form = InvitationForm(request.POST, guichet=self.guichet)
        if form.is_valid():
            try:
                membre = services.membre_invite(guichet=self.guichet, acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Invitation envoyée à {membre.utilisateur.email}.")
                return redirect(self.url("membres"))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MembreModifierView(GuichetMixin, TemplateView):
    permission_required = "membres.change"
    template_name = "guichet/membre_modifier.html"

    def get_membre(self):
        return get_object_or_404(selectors.membres_list(guichet=self.guichet), pk=self.kwargs["pk"])

    def get(self, request, guichet_slug, pk):
        membre = self.get_membre()
        form = MembreForm(
            guichet=self.guichet,
            initial={"role": membre.role, "acheteur": membre.acheteur, "entreprise": membre.entreprise},
        )
        return self.render_to_response({"form": form, "cible": membre})

    def post(self, request, guichet_slug, pk):
        membre = self.get_membre()
        form = MembreForm(request.POST, guichet=self.guichet)
        if form.is_valid():
            try:
                services.membre_update(membre=membre, acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Rôle de {membre.utilisateur.email} mis à jour.")
                return redirect(self.url("membres"))
        return self.render_to_response({"form": form, "cible": membre}, status=400)


class MembreDeuxFacteursReinitialiserView(GuichetMixin, View):
    """POST only: reset a member's second factor (lost phone); audited, the member is told by email."""

    permission_required = "membres.change"

    def post(self, request, guichet_slug, pk):
        membre = get_object_or_404(selectors.membres_list(guichet=self.guichet), pk=pk)
        try:
            deux_facteurs.reinitialiser(membre=membre, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Double authentification de {membre.utilisateur.email} réinitialisée : "
                "elle sera de nouveau activée à la prochaine connexion.",
            )
        return redirect(self.url("membres"))


class MembreActivationView(GuichetMixin, View):
    """POST only: deactivate or reactivate a member (``actif`` = 0 or 1)."""

    permission_required = "membres.change"

    def post(self, request, guichet_slug, pk):
        membre = get_object_or_404(selectors.membres_list(guichet=self.guichet), pk=pk)
        actif = request.POST.get("actif") == "1"
        try:
            services.membre_set_actif(membre=membre, actif=actif, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            etat = "réactivé" if actif else "désactivé"
            messages.success(request, f"Membre {membre.utilisateur.email} {etat}.")
        return redirect(self.url("membres"))


# --- Settings (admins) ----------------------------------------------------------------------------


class ParametresPageView(GuichetMixin, TemplateView):
    permission_required = "parametres.change"
    template_name = "guichet/parametres.html"

    def get(self, request, guichet_slug):
        form = ParametresForm(instance=selectors.parametres_of(guichet=self.guichet))
        return self.render_to_response({"form": form})

    def post(self, request, guichet_slug):
        form = ParametresForm(request.POST, instance=selectors.parametres_of(guichet=self.guichet))
        if form.is_valid():
            try:
                services.parametres_update(guichet=self.guichet, acting_user=request.user, **form.changes())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Paramètres enregistrés.")
                return redirect(self.url("parametres"))
        return self.render_to_response({"form": form}, status=400)


# --- Audit log and long tasks ---------------------------------------------------------------------


class JournalView(GuichetMixin, TemplateView):
    permission_required = "journal.view"
    template_name = "guichet/journal.html"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.journal_list(guichet=self.guichet), 50).get_page(self.request.GET.get("page"))
        return {"page": page}


class JournalExporterView(GuichetMixin, View):
    permission_required = "journal.view"

    def post(self, request, guichet_slug):
        tache = services.journal_export_lancer(guichet=self.guichet, acting_user=request.user)
        return redirect(self.url("tache", pk=tache.pk))


class TacheView(GuichetMixin, TemplateView):
    """A long task's progress; htmx polls the fragment until the task is finished."""

    permission_required = "taches.view"

    def get_template_names(self):
        return ["components/tache.html"] if self.request.htmx else ["guichet/tache.html"]

    def get_context_data(self, **kwargs):
        taches = selectors.taches_visible(guichet=self.guichet, membre=self.membre)
        return {"tache": get_object_or_404(taches, pk=self.kwargs["pk"])}


class TacheTelechargerView(GuichetMixin, View):
    permission_required = "taches.view"

    def get(self, request, guichet_slug, pk):
        tache = get_object_or_404(selectors.taches_visible(guichet=self.guichet, membre=self.membre), pk=pk)
        return fichier_prive(tache.fichier)
