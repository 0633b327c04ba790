from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("membres", views.MembreViewSet, basename="membre")
router.register("taches", views.TacheViewSet, basename="tache")
router.register("journal", views.JournalViewSet, basename="journal")

app_name = "api"
guichet_urlpatterns = [
    path("parametres/", views.ParametresView.as_view(), name="parametres"),
    *router.urls,
]
urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("guichets/<slug:guichet_slug>/", include(guichet_urlpatterns)),
]
