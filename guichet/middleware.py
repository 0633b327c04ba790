import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from . import deux_facteurs
from .api.authentication import authenticate_token_once
from .models import Guichet, Membre
from .services import MESSAGE_ENVOI_DIFFERE, envois_differes
from .tenancy import guichet_scope

logger = logging.getLogger(__name__)


def _is_api(request):
    return request.path_info.startswith("/api/")


def _json(detail, status):
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


class SessionExpirationMiddleware:
    """Ends a signed-in session after ``SESSION_INACTIVITE`` seconds without a request, and in any case
    ``SESSION_COOKIE_AGE`` seconds after it started (Django alone would slide that limit at each session write).

    Both times are set at sign-in (``debuter``, on ``user_logged_in``); the last activity is then written at most
    once a minute, so a page does not cost a session write per request.
    """

    DEBUT, ACTIVITE = "session_debut", "session_activite"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def debuter(cls, sender, request, user, **kwargs):
        request.session[cls.DEBUT] = request.session[cls.ACTIVITE] = time.time()

    def __call__(self, request):
        if request.user.is_authenticated:
            session, maintenant = request.session, time.time()
            debut, activite = session.get(self.DEBUT), session.get(self.ACTIVITE)
            if debut is None or activite is None:
                session[self.DEBUT] = session[self.ACTIVITE] = maintenant
            elif (
                maintenant - activite > settings.SESSION_INACTIVITE or maintenant - debut > settings.SESSION_COOKIE_AGE
            ):
                logout(request)  # the visitor is anonymous from here: pages send them to sign in again
            elif maintenant - activite > 60:
                session[self.ACTIVITE] = maintenant
        return self.get_response(request)


class GuichetMiddleware:
    """The one place where the guichet of a request is resolved (architecture.md, tenancy §2).

    The guichet comes from the URL only (``/<slug>/…`` pages, ``/api/v1/guichets/<slug>/…`` API, both
    routed with a ``guichet_slug`` keyword). The user must be an active member of it, otherwise the answer
    is 404 whether the guichet exists or not. The whole response, template rendering included, is computed
    inside that guichet's scope; requests outside any guichet run with no scope, so a tenant query there
    raises instead of leaking.

    A guichet's request runs in one transaction, whose first statement sets the guichet for PostgreSQL's
    row-level security (guichet/rls.py: ``set_config('app.guichet_id', …, true)`` lives as long as the
    transaction); the services' own ``atomic`` blocks become savepoints inside it. A server error rolls the
    request back, as Django's ATOMIC_REQUESTS would.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.guichet = None
        request.membre = None
        try:
            slug = resolve(request.path_info).kwargs.get("guichet_slug")
        except Resolver404:
            slug = None
        if slug is None:
            with guichet_scope(None):
                return self.get_response(request)

        user, par_jeton = request.user, False
        if not user.is_authenticated and _is_api(request):
            jeton = authenticate_token_once(request)
            user, par_jeton = jeton or user, jeton is not None
        if not user.is_authenticated:
            if _is_api(request):
                response = _json("Authentification requise.", 401)
                response["WWW-Authenticate"] = "Token"
                return response
            return redirect_to_login(request.get_full_path())

        guichet = Guichet.objects.filter(slug=slug, actif=True).first()
        if guichet is None:
            return self._introuvable(request)
        # The scope outside the transaction: what runs on commit (tasks sent, emails) still runs in the guichet.
        with guichet_scope(guichet.pk), transaction.atomic():
            membre = Membre.objects.actifs().select_related("acheteur", "entreprise").filter(utilisateur=user).first()
            if membre is None:
                return self._introuvable(request)
            # Second factor (guichet/deux_facteurs.py): sign-in asks it; this catches a session or a token that got
            # an admin's or a facilitator's role without it.
            if par_jeton:
                if not deux_facteurs.jeton_autorise(user, membre):
                    return _json(deux_facteurs.MESSAGE_API, 403)
            elif deux_facteurs.exige_un_code(request, membre):
                if _is_api(request):
                    return _json(deux_facteurs.MESSAGE_API, 403)
                return deux_facteurs.reprendre(request, suivant=request.get_full_path())
            membre.guichet = guichet
            membre.utilisateur = user
            request.guichet = guichet
            request.membre = membre
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            return response

    @staticmethod
    def _introuvable(request):
        if _is_api(request):
            return _json("Pas trouvé.", 404)
        raise Http404("Guichet introuvable.")


MESSAGE_ERREUR_BASE = (
    "L'opération n'a pas abouti : la base de données a rencontré une erreur et rien n'a été enregistré. "
    "Réessayez dans quelques instants ; si l'erreur persiste, l'équipe technique a été prévenue."
)


class PannesMiddleware:
    """What the user reads when a component fails during the request (issue 10, faults):

    * a **database error** in a view (a service's transaction rolled back: every service writes in one transaction,
      so nothing of it stays) answers 503 with a French message, JSON for the API, instead of a bare 500;
    * a **task put off** because the broker is down (``guichet.services.envois_differes``) adds a warning to the
      page: the request is recorded and will be sent once the broker is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        jeton = envois_differes.set([])
        try:
            response = self.get_response(request)
            if envois_differes.get() and not _is_api(request):
                messages.warning(request, MESSAGE_ENVOI_DIFFERE)
        finally:
            envois_differes.reset(jeton)
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, DatabaseError):
            return None
        logger.exception("Erreur de base de données sur %s %s", request.method, request.path)
        if _is_api(request):
            return JsonResponse({"detail": MESSAGE_ERREUR_BASE}, status=503, json_dumps_params={"ensure_ascii": False})
        return render(request, "erreur_base.html", {"message": MESSAGE_ERREUR_BASE}, status=503)
