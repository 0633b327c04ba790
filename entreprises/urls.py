from django.urls import path

from . import views

urlpatterns = [
    path("entreprises/", views.EntreprisesView.as_view(), name="entreprises"),
    path("entreprises/nouvelle/", views.EntrepriseCreerView.as_view(), name="entreprise_creer"),
    path("entreprises/<int:pk>/", views.EntrepriseView.as_view(), name="entreprise"),
    path("entreprises/<int:pk>/modifier/", views.EntrepriseModifierView.as_view(), name="entreprise_modifier"),
    path("entreprises/<int:pk>/supprimer/", views.EntrepriseSupprimerView.as_view(), name="entreprise_supprimer"),
    path("entreprises/<int:pk>/recalcul/", views.EntrepriseRecalculerView.as_view(), name="entreprise_recalculer"),
    path(
        "entreprises/<int:pk>/contacts/nouveau/",
        views.ContactEntrepriseCreerView.as_view(),
        name="contact_entreprise_creer",
    ),
    path(
        "contacts-entreprises/<int:pk>/modifier/",
        views.ContactEntrepriseModifierView.as_view(),
        name="contact_entreprise_modifier",
    ),
    path(
        "contacts-entreprises/<int:pk>/supprimer/",
        views.ContactEntrepriseSupprimerView.as_view(),
        name="contact_entreprise_supprimer",
    ),
]
