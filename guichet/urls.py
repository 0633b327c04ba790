from django.contrib.auth import views as auth_views
from django.urls import include, path

from reporting.views import TableauDeBordView

from . import views

comptes = [
    path("connexion/", views.ConnexionView.as_view(), name="connexion"),
    path("connexion/code/", views.DeuxFacteursView.as_view(), name="deux_facteurs"),
    path("double-authentification/activer/", views.DeuxFacteursActiverView.as_view(), name="deux_facteurs_activer"),
    path("securite/", views.SecuriteView.as_view(), name="securite"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="deconnexion"),
    path("mot-de-passe/oubli/", views.MotDePasseOubliView.as_view(), name="mot_de_passe_oubli"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="comptes/mot_de_passe_envoye.html"),
        name="mot_de_passe_envoye",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.MotDePasseNouveauView.as_view(),
        name="mot_de_passe_nouveau",
    ),
    path(
        "mot-de-passe/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="comptes/mot_de_passe_termine.html"),
        name="mot_de_passe_termine",
    ),
    path("invitation/<uidb64>/<token>/", views.InvitationAccepterView.as_view(), name="invitation"),
]

# Pages of one guichet: /<slug>/… ; the middleware resolves ``guichet_slug`` and checks membership.
guichet_pages = [
    path("", TableauDeBordView.as_view(), name="guichet_accueil"),
    path("membres/", views.MembresView.as_view(), name="membres"),
    path("membres/<int:pk>/modifier/", views.MembreModifierView.as_view(), name="membre_modifier"),
    path("membres/<int:pk>/activation/", views.MembreActivationView.as_view(), name="membre_activation"),
    path(
        "membres/<int:pk>/double-authentification/reinitialiser/",
        views.MembreDeuxFacteursReinitialiserView.as_view(),
        name="membre_deux_facteurs_reinitialiser",
    ),
    path("parametres/", views.ParametresPageView.as_view(), name="parametres"),
    path("journal/", views.JournalView.as_view(), name="journal"),
    path("journal/exporter/", views.JournalExporterView.as_view(), name="journal_exporter"),
    path("taches/<uuid:pk>/", views.TacheView.as_view(), name="tache"),
    path("taches/<uuid:pk>/telecharger/", views.TacheTelechargerView.as_view(), name="tache_telecharger"),
    path("", include("acheteurs.urls")),
    path("", include("conventions.urls")),
    path("", include("marches.urls")),
    path("", include("entreprises.urls")),
    path("", include("publics.urls")),
    path("", include("reporting.urls")),
]

handler404 = "guichet.views.page_introuvable"
handler500 = "guichet.views.erreur_serveur"

urlpatterns = [
    path("", views.accueil_site, name="accueil"),
    path("comptes/", include(comptes)),
    path("guichets/", views.MesGuichetsView.as_view(), name="mes_guichets"),
    path("api/v1/", include("guichet.api.urls")),
    path("<slug:guichet_slug>/", include(guichet_pages)),
]
