from django.urls import path

from . import views

urlpatterns = [
    path("prescripteurs/", views.PrescripteursView.as_view(), name="prescripteurs"),
    path("prescripteurs/nouveau/", views.PrescripteurCreerView.as_view(), name="prescripteur_creer"),
    path("prescripteurs/<int:pk>/", views.PrescripteurView.as_view(), name="prescripteur"),
    path("prescripteurs/<int:pk>/modifier/", views.PrescripteurModifierView.as_view(), name="prescripteur_modifier"),
    path("prescripteurs/<int:pk>/supprimer/", views.PrescripteurSupprimerView.as_view(), name="prescripteur_supprimer"),
    path(
        "prescripteurs/<int:pk>/contacts/nouveau/",
        views.ContactPrescripteurCreerView.as_view(),
        name="contact_prescripteur_creer",
    ),
    path(
        "contacts-prescripteurs/<int:pk>/modifier/",
        views.ContactPrescripteurModifierView.as_view(),
        name="contact_prescripteur_modifier",
    ),
    path(
        "contacts-prescripteurs/<int:pk>/supprimer/",
        views.ContactPrescripteurSupprimerView.as_view(),
        name="contact_prescripteur_supprimer",
    ),
    path("beneficiaires/", views.BeneficiairesView.as_view(), name="beneficiaires"),
    path("beneficiaires/nouveau/", views.BeneficiaireCreerView.as_view(), name="beneficiaire_creer"),
    path("beneficiaires/doublons/", views.DoublonsView.as_view(), name="doublons"),
    path("beneficiaires/<int:pk>/", views.BeneficiaireView.as_view(), name="beneficiaire"),
    path("beneficiaires/<int:pk>/modifier/", views.BeneficiaireModifierView.as_view(), name="beneficiaire_modifier"),
    path("beneficiaires/<int:pk>/supprimer/", views.BeneficiaireSupprimerView.as_view(), name="beneficiaire_supprimer"),
    path("beneficiaires/<int:pk>/export/", views.BeneficiaireExportView.as_view(), name="beneficiaire_export"),
    path("beneficiaires/<int:pk>/fusion/", views.BeneficiaireFusionView.as_view(), name="beneficiaire_fusion"),
    path(
        "beneficiaires/<int:pk>/eligibilites/nouvelle/",
        views.EligibiliteCreerView.as_view(),
        name="eligibilite_creer",
    ),
    path(
        "beneficiaires/<int:pk>/positionnements/nouveau/",
        views.PositionnementCreerView.as_view(),
        name="positionnement_creer",
    ),
    path("beneficiaires/<int:pk>/contrats/nouveau/", views.ContratCreerView.as_view(), name="contrat_creer"),
    path("eligibilites/echeances/", views.EligibilitesEcheanceView.as_view(), name="eligibilites_echeances"),
    path("eligibilites/<int:pk>/valider/", views.EligibiliteValiderView.as_view(), name="eligibilite_valider"),
    path(
        "eligibilites/<int:pk>/justificatif/",
        views.EligibiliteJustificatifView.as_view(),
        name="eligibilite_justificatif",
    ),
    path("eligibilites/<int:pk>/supprimer/", views.EligibiliteSupprimerView.as_view(), name="eligibilite_supprimer"),
    path("criteres/", views.CriteresView.as_view(), name="criteres"),
    path("criteres/<int:pk>/modifier/", views.CritereModifierView.as_view(), name="critere_modifier"),
    path("criteres/fiche-prescription/", views.FichePrescriptionView.as_view(), name="fiche_prescription"),
    path(
        "positionnements/<int:pk>/modifier/",
        views.PositionnementModifierView.as_view(),
        name="positionnement_modifier",
    ),
    path(
        "positionnements/<int:pk>/embauche/",
        views.PositionnementEmbaucherView.as_view(),
        name="positionnement_embaucher",
    ),
    path(
        "positionnements/<int:pk>/supprimer/",
        views.PositionnementSupprimerView.as_view(),
        name="positionnement_supprimer",
    ),
    path("contrats/", views.ContratsView.as_view(), name="contrats"),
    path("contrats/<int:pk>/modifier/", views.ContratModifierView.as_view(), name="contrat_modifier"),
    path("contrats/<int:pk>/supprimer/", views.ContratSupprimerView.as_view(), name="contrat_supprimer"),
    path("contrats/<int:pk>/sorties/nouvelle/", views.SortieCreerView.as_view(), name="sortie_creer"),
    path("sorties/a-saisir/", views.SortiesASaisirView.as_view(), name="sorties_a_saisir"),
    path("sorties/<int:pk>/supprimer/", views.SortieSupprimerView.as_view(), name="sortie_supprimer"),
    path("journal-acces/", views.JournalAccesView.as_view(), name="journal_acces"),
    path("conservation/", views.ConservationView.as_view(), name="conservation"),
]
