from django.urls import path

from . import views

urlpatterns = [
    path("conventions/", views.ConventionsView.as_view(), name="conventions"),
    path("conventions/nouvelle/", views.ConventionCreerView.as_view(), name="convention_creer"),
    path("conventions/<int:pk>/", views.ConventionView.as_view(), name="convention"),
    path("conventions/<int:pk>/modifier/", views.ConventionModifierView.as_view(), name="convention_modifier"),
    path("conventions/<int:pk>/supprimer/", views.ConventionSupprimerView.as_view(), name="convention_supprimer"),
    path("conventions/<int:pk>/document/", views.ConventionDocumentView.as_view(), name="convention_document"),
    path("animation/", views.AnimationView.as_view(), name="animation"),
    path("animation/nouveau/", views.EvenementCreerView.as_view(), name="evenement_creer"),
    path("animation/<int:pk>/", views.EvenementView.as_view(), name="evenement"),
    path("animation/<int:pk>/modifier/", views.EvenementModifierView.as_view(), name="evenement_modifier"),
    path("animation/<int:pk>/supprimer/", views.EvenementSupprimerView.as_view(), name="evenement_supprimer"),
    path(
        "animation/<int:pk>/documents/",
        views.EvenementDocumentAjouterView.as_view(),
        name="evenement_document_ajouter",
    ),
    path("animation/documents/<int:pk>/", views.DocumentEvenementView.as_view(), name="evenement_document"),
    path(
        "animation/documents/<int:pk>/supprimer/",
        views.DocumentEvenementSupprimerView.as_view(),
        name="evenement_document_supprimer",
    ),
]
