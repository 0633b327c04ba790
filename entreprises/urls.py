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
    # Relevés d'heures
    path("mon-espace/", views.MonEspaceView.as_view(), name="mon_espace"),
    path("entreprises/<int:pk>/espace/", views.EspaceEntrepriseView.as_view(), name="espace_entreprise"),
    path("releves/", views.RelevesView.as_view(), name="releves"),
    path("releves/a-valider/", views.RelevesAValiderView.as_view(), name="releves_a_valider"),
    path("releves/manquants/", views.RelevesManquantsView.as_view(), name="releves_manquants"),
    path("releves/nouveau/", views.ReleveCreerView.as_view(), name="releve_creer"),
    path("releves/import/", views.ReleveImporterView.as_view(), name="releve_importer"),
    path("releves/modele/", views.ReleveModeleView.as_view(), name="releve_modele"),
    path("releves/<int:pk>/", views.ReleveView.as_view(), name="releve"),
    path("releves/<int:pk>/lignes/", views.LigneCreerView.as_view(), name="releve_ligne_creer"),
    path("releves/<int:pk>/avertissements/", views.AvertissementsView.as_view(), name="releve_avertissements"),
    path("releves/<int:pk>/soumettre/", views.ReleveSoumettreView.as_view(), name="releve_soumettre"),
    path("releves/<int:pk>/valider/", views.ReleveValiderView.as_view(), name="releve_valider"),
    path("releves/<int:pk>/corriger/", views.ReleveCorrigerView.as_view(), name="releve_corriger"),
    path("releves/<int:pk>/supprimer/", views.ReleveSupprimerView.as_view(), name="releve_supprimer"),
    path("releves/<int:pk>/commentaires/", views.ReleveCommenterView.as_view(), name="releve_commenter"),
    path("releves/<int:pk>/pieces/", views.PieceDeposerView.as_view(), name="releve_piece_deposer"),
    path("lignes-releve/<int:pk>/supprimer/", views.LigneSupprimerView.as_view(), name="ligne_releve_supprimer"),
    path("lignes-releve/<int:pk>/decision/", views.LigneDeciderView.as_view(), name="ligne_releve_decider"),
    path("pieces-releve/<int:pk>/", views.PieceView.as_view(), name="piece_releve"),
    path("pieces-releve/<int:pk>/supprimer/", views.PieceSupprimerView.as_view(), name="piece_releve_supprimer"),
]
