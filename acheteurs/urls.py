from django.urls import path

from . import views

urlpatterns = [
    path("acheteurs/", views.AcheteursView.as_view(), name="acheteurs"),
    path("acheteurs/nouveau/", views.AcheteurCreerView.as_view(), name="acheteur_creer"),
    path("acheteurs/<int:pk>/", views.AcheteurView.as_view(), name="acheteur"),
    path("acheteurs/<int:pk>/modifier/", views.AcheteurModifierView.as_view(), name="acheteur_modifier"),
    path("acheteurs/<int:pk>/archivage/", views.AcheteurArchivageView.as_view(), name="acheteur_archivage"),
    path("acheteurs/<int:pk>/contacts/nouveau/", views.ContactCreerView.as_view(), name="contact_creer"),
    path("contacts/<int:pk>/modifier/", views.ContactModifierView.as_view(), name="contact_modifier"),
    path("contacts/<int:pk>/supprimer/", views.ContactSupprimerView.as_view(), name="contact_supprimer"),
    path(
        "acheteurs/<int:pk>/programmations/nouvelle/",
        views.ProgrammationCreerView.as_view(),
        name="programmation_creer",
    ),
    path("programmations/<int:pk>/", views.ProgrammationView.as_view(), name="programmation"),
    path("programmations/<int:pk>/modifier/", views.ProgrammationModifierView.as_view(), name="programmation_modifier"),
    path(
        "programmations/<int:pk>/supprimer/",
        views.ProgrammationSupprimerView.as_view(),
        name="programmation_supprimer",
    ),
    path("programmations/<int:pk>/achats/nouveau/", views.AchatPrevuCreerView.as_view(), name="achat_prevu_creer"),
    path("achats-prevus/<int:pk>/modifier/", views.AchatPrevuModifierView.as_view(), name="achat_prevu_modifier"),
    path("achats-prevus/<int:pk>/supprimer/", views.AchatPrevuSupprimerView.as_view(), name="achat_prevu_supprimer"),
]
