from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve

from .api.authentication import authenticate_token_once
from .models import Guichet, Membre
from .tenancy import guichet_scope


def _is_api(request):
    return request.path_info.startswith("/api/")


class GuichetMiddleware:
    """The one place where the guichet of a request is resolved (architecture.md, tenancy §2).

    The guichet comes from the URL only (``/<slug>/…`` pages, ``/api/v1/guichets/<slug>/…`` API, both
    routed with a ``guichet_slug`` keyword). The user must be an active member of it, otherwise the answer
    is 404 whether the guichet exists or not. The whole response, template rendering included, is computed
    inside that guichet's scope; requests outside any guichet run with no scope, so a tenant query there
    raises instead of leaking.
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

        user = request.user
        if not user.is_authenticated and _is_api(request):
            user = authenticate_token_once(request) or user
        if not user.is_authenticated:
            if _is_api(request):
                response = JsonResponse(
                    {"detail": "Authentification requise."}, status=401, json_dumps_params={"ensure_ascii": False}
                )
                response["WWW-Authenticate"] = "Token"
                return response
            return redirect_to_login(request.get_full_path())

        guichet = Guichet.objects.filter(slug=slug, actif=True).first()
        membre = None
        if guichet is not None:
            with guichet_scope(guichet.pk):
                membre = (
                    Membre.objects.actifs().select_related("acheteur", "entreprise").filter(utilisateur=user).first()
                )
        if membre is None:
            if _is_api(request):
                return JsonResponse({"detail": "Pas trouvé."}, status=404, json_dumps_params={"ensure_ascii": False})
            raise Http404("Guichet introuvable.")

        membre.guichet = guichet
        membre.utilisateur = user
        request.guichet = guichet
        request.membre = membre
        with guichet_scope(guichet.pk):
            return self.get_response(request)
