from django.urls import path

from . import views_bilans as views

urlpatterns = [
    path("bilans/", views.BilansView.as_view(), name="bilans"),
    path("bilans/<int:pk>/telecharger/", views.BilanTelechargerView.as_view(), name="bilan_telecharger"),
    path("bilans/<int:pk>/regenerer/", views.BilanRegenererView.as_view(), name="bilan_regenerer"),
    path("exports/", views.ExportsView.as_view(), name="exports"),
    path("exports/<int:pk>/telecharger/", views.ExportTelechargerView.as_view(), name="export_telecharger"),
    path("parametres/logo/", views.LogoView.as_view(), name="parametres_logo"),
]
