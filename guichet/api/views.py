from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import deux_facteurs, selectors, services, versions
from ..fichiers import fichier_prive
from ..throttle import ConnexionBloquee, authentifier, verifier_code
from .permissions import GuichetPermission
from .schema import TYPE_CSV, telechargement
from .serializers import (
    JournalSerializer,
    MembreSerializer,
    ParametresSerializer,
    TacheLanceeSerializer,
    TacheSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class TokenView(APIView):
    """Exchange an email and a password for the API token (``Authorization: Token <key>``).

    An account with a second factor adds its one-time code (``code``); an account whose role requires one it has not
    activated gets no token (guichet/deux_facteurs.py).
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = authentifier(request._request, data["email"], data["password"])
            if user is None:
                raise ValidationError({"non_field_errors": ["Adresse électronique ou mot de passe incorrect."]})
            etape = deux_facteurs.etape(user)
            if etape == "activer":
                raise PermissionDenied(deux_facteurs.MESSAGE_API)
            if etape == "verifier":
                if not data.get("code"):
                    raise ValidationError({"code": ["Ce compte a la double authentification : joignez votre code."]})
                if not verifier_code(
                    request._request, user, lambda: deux_facteurs.code_verifier(utilisateur=user, code=data["code"])
                ):
                    raise ValidationError({"code": [deux_facteurs.MESSAGE_CODE_INCORRECT]})
        except ConnexionBloquee as blocked:
            raise Throttled(detail=str(blocked)) from blocked
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class GuichetAPIMixin:
    """Every tenant viewset: the guichet and membership come from the middleware, rights from the roles.

    The GET answers of ``actions_en_cache`` (the lists: they only read; an ``APIView`` names its method, ``"get"``) in
    JSON are kept while the guichet's data do not change (guichet/versions.py), once authentication, permissions,
    throttling and content negotiation have passed (``initial``)."""

    permission_classes = [GuichetPermission]
    actions_en_cache = ("list",)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        action = getattr(self, "action", None) or request.method.lower()
        if request.method == "GET" and action in self.actions_en_cache and request.accepted_renderer.format == "json":
            calculer = self.get  # the handler dispatch() is about to call: answered through the cache instead

            def finalisee():  # rendered here to be kept; dispatch() finalizes it again, which changes nothing
                return self.finalize_response(request, calculer(request, *args, **kwargs), *args, **kwargs)

            self.get = lambda *_args, **_kwargs: versions.servir(
                request, finalisee, variante=("api", request.accepted_media_type)
            )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request guichet
            return self.serializer_class.Meta.model._base_manager.none()
        return self.tenant_queryset()

    @property
    def guichet(self):
        return self.request._request.guichet

    @property
    def membre(self):
        return self.request._request.membre


class ServiceViewSetMixin:
    """Writes of a model viewset go through the app's services (architecture.md, "Layering").

    The viewset implements ``creer(**data)``, ``modifier(objet, **data)`` and ``supprimer(objet)`` with the
    service calls; each receives ``guichet`` (creation) and ``acting_user``. The answer is read back through
    ``get_queryset()``, so it carries the same annotations (derived states…) as a GET.
    """

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def update(self, request, *args, **kwargs):
        """Validated partially for a PATCH, answered in full as a GET: a partial serializer would also leave out of
        its answer the fields read from their default (``valide_par`` while nobody validated)."""
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(self.get_serializer(serializer.instance).data)

    def perform_create(self, serializer):
        objet = self.creer(guichet=self.guichet, acting_user=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=objet.pk)

    def perform_update(self, serializer):
        objet = self.modifier(serializer.instance, acting_user=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=objet.pk)

    def perform_destroy(self, instance):
        self.supprimer(instance, acting_user=self.request.user)


def tache_acceptee(tache):
    return Response({"tache": str(tache.pk)}, status=status.HTTP_202_ACCEPTED)


class ParametresView(GuichetAPIMixin, APIView):
    """The guichet's settings (domain.md): admins only."""

    permission_view = "parametres.view"
    permission_change = "parametres.change"

    @extend_schema(responses=ParametresSerializer)
    def get(self, request, guichet_slug):
        return Response(ParametresSerializer(selectors.parametres_of(guichet=self.guichet)).data)

    @extend_schema(request=ParametresSerializer, responses=ParametresSerializer)
    def patch(self, request, guichet_slug):
        parametres = selectors.parametres_of(guichet=self.guichet)
        serializer = ParametresSerializer(parametres, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        parametres = services.parametres_update(
            guichet=self.guichet, acting_user=request.user, **serializer.validated_data
        )
        return Response(ParametresSerializer(parametres).data)


class MembreViewSet(GuichetAPIMixin, viewsets.ModelViewSet):
    serializer_class = MembreSerializer
    permission_view = "membres.view"
    permission_change = "membres.change"
    filterset_fields = ["role", "actif"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def tenant_queryset(self):
        return selectors.membres_list(guichet=self.guichet)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.membre_invite(
            guichet=self.guichet,
            email=data["utilisateur"]["email"],
            role=data["role"],
            acheteur=data.get("acheteur"),
            entreprise=data.get("entreprise"),
            acting_user=self.request.user,
        )

    def perform_update(self, serializer):
        membre, data = serializer.instance, serializer.validated_data
        if {"role", "acheteur", "entreprise"} & set(data):
            services.membre_update(
                membre=membre,
                role=data.get("role", membre.role),
                acheteur=data.get("acheteur", membre.acheteur),
                entreprise=data.get("entreprise", membre.entreprise),
                acting_user=self.request.user,
            )
        if "actif" in data and data["actif"] != membre.actif:
            services.membre_set_actif(membre=membre, actif=data["actif"], acting_user=self.request.user)

    def perform_destroy(self, instance):
        services.membre_delete(membre=instance, acting_user=self.request.user)


class TacheViewSet(GuichetAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """State and progress of a long task; its file once finished."""

    serializer_class = TacheSerializer
    permission_view = "taches.view"
    permission_change = None

    def tenant_queryset(self):
        return selectors.taches_visible(guichet=self.guichet, membre=self.membre)

    @extend_schema(responses=telechargement(TYPE_CSV))
    @action(detail=True, methods=["get"])
    def telecharger(self, request, guichet_slug, pk):
        return fichier_prive(self.get_object().fichier)


class JournalViewSet(GuichetAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit log (admins): who changed what and when."""

    serializer_class = JournalSerializer
    permission_view = "journal.view"
    permission_change = "journal.view"
    filterset_fields = ["action", "cible_type", "cible_id"]

    def tenant_queryset(self):
        return selectors.journal_list(guichet=self.guichet)

    @extend_schema(request=None, responses={202: TacheLanceeSerializer})
    @action(detail=False, methods=["post"])
    def exporter(self, request, guichet_slug):
        return tache_acceptee(services.journal_export_lancer(guichet=self.guichet, acting_user=request.user))
