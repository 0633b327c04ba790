from django.conf import settings
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from acheteurs import api as acheteurs_api
from conventions import api as conventions_api
from entreprises import api as entreprises_api
from marches import api as marches_api
from publics import api as publics_api
from reporting import api as reporting_api

from . import views

router = SimpleRouter()
router.register("membres", views.MembreViewSet, basename="membre")
router.register("taches", views.TacheViewSet, basename="tache")
router.register("journal", views.JournalViewSet, basename="journal")
# Each app lists its viewsets as ROUTES: (prefix, viewset, basename).
for prefix, viewset, basename in [
    *acheteurs_api.ROUTES,
    *conventions_api.ROUTES,
    *marches_api.ROUTES,
    *entreprises_api.ROUTES,
    *publics_api.ROUTES,
    *reporting_api.ROUTES,
]:
    router.register(prefix, viewset, basename=basename)

# Swagger UI sets inline styles on its elements: allow them on this page only (scripts stay 'self').
docs_view = csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema")
)

app_name = "api"
guichet_urlpatterns = [
    path("parametres/", views.ParametresView.as_view(), name="parametres"),
    path("simulations/", marches_api.SimulationView.as_view(), name="simulation"),
    path("indicateurs/", reporting_api.IndicateursView.as_view(), name="indicateurs"),
    *router.urls,
]
urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_view, name="docs"),
    path("guichets/<slug:guichet_slug>/", include(guichet_urlpatterns)),
]
