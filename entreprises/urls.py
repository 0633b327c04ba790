from django.urls import path

from . import views

urlpatterns = [
    path("entreprises/", views.EntreprisesView.as_view(), name="entreprises"),
    path("entreprises/nouvelle/", views.EntrepriseCreerView.as_view(), name="entreprise_creer"),
    path("entreprises/<int:pk>/", views.EntrepriseView.as_view(), name="entreprise"),
    path("entreprises/<int:pk>/modifier/", views.EntrepriseModifierView.as_view(), name="entreprise_modifier"),
    path("entreprises/<int:pk>/supprimer/", views.EntrepriseSupprimerView.as_view(), name="entreprise_supprimer"),
]
