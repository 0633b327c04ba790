from django.urls import path

from . import views

urlpatterns = [
    path("marches/", views.MarchesView.as_view(), name="marches"),
    path("marches/nouveau/", views.MarcheCreerView.as_view(), name="marche_creer"),
    path("marches/simulateur/", views.SimulateurView.as_view(), name="simulateur"),
    path("marches/<int:pk>/", views.MarcheView.as_view(), name="marche"),
    path("marches/<int:pk>/modifier/", views.MarcheModifierView.as_view(), name="marche_modifier"),
    path("marches/<int:pk>/supprimer/", views.MarcheSupprimerView.as_view(), name="marche_supprimer"),
    path("marches/<int:pk>/lots/nouveau/", views.LotCreerView.as_view(), name="lot_creer"),
    path("lots/<int:pk>/", views.LotView.as_view(), name="lot"),
    path("lots/<int:pk>/modifier/", views.LotModifierView.as_view(), name="lot_modifier"),
    path("lots/<int:pk>/supprimer/", views.LotSupprimerView.as_view(), name="lot_supprimer"),
    path("lots/<int:pk>/considerations/nouvelle/", views.ConsiderationCreerView.as_view(), name="consideration_creer"),
    path("lots/<int:pk>/attributions/nouvelle/", views.AttributionCreerView.as_view(), name="attribution_creer"),
    path(
        "considerations/<int:pk>/modifier/",
        views.ConsiderationModifierView.as_view(),
        name="consideration_modifier",
    ),
    path(
        "considerations/<int:pk>/supprimer/",
        views.ConsiderationSupprimerView.as_view(),
        name="consideration_supprimer",
    ),
    path("considerations/<int:pk>/avenants/nouveau/", views.AvenantCreerView.as_view(), name="avenant_creer"),
    path("avenants/<int:pk>/supprimer/", views.AvenantSupprimerView.as_view(), name="avenant_supprimer"),
    path("attributions/<int:pk>/modifier/", views.AttributionModifierView.as_view(), name="attribution_modifier"),
    path("attributions/<int:pk>/supprimer/", views.AttributionSupprimerView.as_view(), name="attribution_supprimer"),
    path("operations/", views.OperationsView.as_view(), name="operations"),
    path("operations/nouvelle/", views.OperationCreerView.as_view(), name="operation_creer"),
    path("operations/<int:pk>/", views.OperationView.as_view(), name="operation"),
    path("operations/<int:pk>/modifier/", views.OperationModifierView.as_view(), name="operation_modifier"),
    path("operations/<int:pk>/supprimer/", views.OperationSupprimerView.as_view(), name="operation_supprimer"),
    path(
        "achats-prevus/<int:pk>/transformer/",
        views.AchatPrevuTransformerView.as_view(),
        name="achat_prevu_transformer",
    ),
]
