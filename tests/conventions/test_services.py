from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from conventions import services
from conventions.models import Convention, DocumentEvenement, Evenement
from conventions.selectors import conventions_visibles
from guichet.enums import Role
from guichet.models import JournalAudit

from ..factories import AcheteurFactory, ConventionFactory, DocumentEvenementFactory, EvenementFactory


def pdf(nom="convention signée.pdf", contenu=b"%PDF-1.4 signee"):
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


def creer(territoire, **data):
    acheteur = data.pop("acheteur", None) or territoire.membres[Role.ACHETEUR].acheteur
    data = {"reference": "CONV-2026-01", "date_debut": date(2026, 1, 1), "date_fin": date(2028, 12, 31), **data}
    return services.convention_create(guichet=territoire.guichet, acting_user=None, acheteur=acheteur, **data)


def test_a_convention_keeps_its_signed_document_in_a_private_folder_of_its_guichet(guichet_a):
    with guichet_a.scope():
        convention = creer(guichet_a, statut="signee", document=pdf(), services=["suivi_execution", "calibrage"])
        entry = JournalAudit.objects.get(action="convention.create")
    nom = convention.document.name
    assert nom.startswith(f"conventions/{guichet_a.guichet.pk}/") and nom.endswith("/convention_signée.pdf")
    assert default_storage.open(nom).read() == b"%PDF-1.4 signee"
    assert convention.services == ["calibrage", "suivi_execution"]  # in the order of the offer
    assert entry.details == {"acheteur": convention.acheteur_id, "document": True}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date_fin": date(2025, 12, 31)}, "date_fin", "La date de fin doit suivre la date de début."),
        ({"participation_mode": "forfait_annuel"}, "participation_montant", "Indiquez le montant"),
        (
            {"participation_montant": Decimal("500")},
            "participation_montant",
            "Sans participation financière, ne saisissez pas de montant.",
        ),
        ({"convention_nationale": "AVE – UGAP 2022"}, "partenaire_national", "Choisissez le partenaire national"),
        ({"statut": "expiree"}, "statut", "n’est pas un choix valide"),
        ({"services": ["sourcing", "inconnu"]}, "services", "n’est pas un choix valide"),
        ({"document": pdf("macro.exe")}, "document", "Format « exe » refusé."),
        ({"reference": ""}, "reference", "Ce champ ne peut pas être vide."),
    ],
)
def test_invalid_conventions_are_refused_in_french_and_nothing_is_written(guichet_a, data, field, message):
    with guichet_a.scope():
        with pytest.raises(ValidationError) as error:
            creer(guichet_a, **data)
        assert message in " ".join(error.value.message_dict[field])
        assert not Convention.objects.exists()
        assert not JournalAudit.objects.filter(action="convention.create").exists()


def test_a_document_over_the_size_limit_is_refused(guichet_a, settings):
    settings.FICHIER_TAILLE_MAX_MO = 0
    with guichet_a.scope(), pytest.raises(ValidationError) as error:
        creer(guichet_a, document=pdf())
    assert error.value.message_dict == {"document": ["Le fichier dépasse la taille maximale de 0 Mo."]}


def test_a_reference_is_unique_in_its_guichet_only(deux_guichets):
    a, b = deux_guichets
    with a.scope():
        creer(a)
        with pytest.raises(ValidationError) as error:
            creer(a)
        assert error.value.message_dict == {"reference": ["Une convention du guichet porte déjà cette référence."]}
    with b.scope():
        creer(b)


def test_a_convention_with_a_buyer_of_another_guichet_is_refused(deux_guichets):
    a, b = deux_guichets
    with b.scope():
        acheteur_b = AcheteurFactory(guichet=b.guichet)
    with a.scope(), pytest.raises(ValidationError, match="n'appartient pas à ce guichet"):
        creer(a, acheteur=acheteur_b)


def test_the_status_expiree_derives_from_the_end_date(guichet_a):
    le_jour = date(2027, 6, 30)
    with guichet_a.scope():
        for reference, statut, fin in [
            ("SIGNEE-FINIE", "signee", date(2027, 6, 29)),
            ("SIGNEE-DERNIER-JOUR", "signee", le_jour),
            ("PROJET-ANCIEN", "projet", date(2020, 1, 1)),
            ("RESILIEE", "resiliee", date(2020, 1, 1)),
        ]:
            ConventionFactory(
                guichet=guichet_a.guichet, reference=reference, statut=statut, date_debut=date(2019, 1, 1), date_fin=fin
            )
        membre = guichet_a.membres[Role.ADMIN]
        etats = dict(
            conventions_visibles(guichet=guichet_a.guichet, membre=membre, aujourdhui=le_jour).values_list(
                "reference", "etat"
            )
        )
    assert etats == {
        "SIGNEE-FINIE": "expiree",
        "SIGNEE-DERNIER-JOUR": "signee",
        "PROJET-ANCIEN": "projet",
        "RESILIEE": "resiliee",
    }


def test_replacing_or_removing_the_document_deletes_the_former_file_after_commit(
    guichet_a, django_capture_on_commit_callbacks
):
    with guichet_a.scope():
        convention = creer(guichet_a, document=pdf())
        premier = convention.document.name
        with django_capture_on_commit_callbacks(execute=True):
            services.convention_update(
                convention=convention, acting_user=None, document=pdf("avenant.pdf", b"%PDF-1.4 v2")
            )
        second = convention.document.name
        assert not default_storage.exists(premier) and default_storage.open(second).read() == b"%PDF-1.4 v2"
        with django_capture_on_commit_callbacks(execute=True):
            services.convention_update(convention=convention, acting_user=None, document=None)
        assert not default_storage.exists(second) and not Convention.objects.get().document
        changements = [
            e.details["changements"]["document"] for e in JournalAudit.objects.filter(action="convention.update")
        ]
    assert changements[0] == [second, ""] and changements[1] == [premier, second]


def test_deleting_a_convention_deletes_its_document(guichet_a, django_capture_on_commit_callbacks):
    with guichet_a.scope():
        convention = creer(guichet_a, document=pdf())
        nom = convention.document.name
        with django_capture_on_commit_callbacks(execute=True):
            services.convention_delete(convention=convention, acting_user=None)
        assert not Convention.objects.exists()
    assert not default_storage.exists(nom)


# --- Tacit renewal ------------------------------------------------------------------------------------


def test_a_tacit_renewal_extends_a_signed_convention_by_its_period_up_to_its_maximum(guichet_a):
    with guichet_a.scope():
        tacite = ConventionFactory(
            guichet=guichet_a.guichet,
            signee=True,
            date_fin=date(2026, 12, 31),
            reconduction_tacite=True,
            duree_reconduction_mois=12,
            reconductions_max=2,
        )
        sans = ConventionFactory(guichet=guichet_a.guichet, signee=True, date_fin=date(2026, 12, 31))
        projet = ConventionFactory(guichet=guichet_a.guichet, date_fin=date(2026, 12, 31), reconduction_tacite=True)
        assert services.conventions_reconduire(guichet=guichet_a.guichet, aujourdhui=date(2026, 12, 31)) == []
        assert services.conventions_reconduire(guichet=guichet_a.guichet, aujourdhui=date(2027, 1, 1)) == [tacite]
        tacite.refresh_from_db()
        assert (tacite.date_fin, tacite.reconductions) == (date(2027, 12, 31), 1)
        # Years later (beat was down): as many periods as needed, within the maximum.
        services.conventions_reconduire(guichet=guichet_a.guichet, aujourdhui=date(2031, 3, 1))
        tacite.refresh_from_db()
        assert (tacite.date_fin, tacite.reconductions) == (date(2028, 12, 31), 2)
        assert Convention.objects.get(pk=sans.pk).date_fin == Convention.objects.get(pk=projet.pk).date_fin
        entry = JournalAudit.objects.filter(action="convention.reconduction").first()
    assert entry.details == {"date_fin": ["2027-12-31", "2028-12-31"], "reconductions": 2}


# --- Animation ----------------------------------------------------------------------------------------


def test_an_event_records_the_buyers_present_and_its_changes(deux_guichets):
    a, b = deux_guichets
    with a.scope():
        un, deux = AcheteurFactory(guichet=a.guichet), AcheteurFactory(guichet=a.guichet)
        evenement = services.evenement_create(
            guichet=a.guichet,
            acting_user=a.membres[Role.FACILITATEUR].utilisateur,
            type="comite_pilotage",
            titre="Copil",
            date=date(2026, 6, 1),
            acheteurs=[un],
        )
        assert evenement.cree_par == a.membres[Role.FACILITATEUR].utilisateur
        services.evenement_update(evenement=evenement, acting_user=None, acheteurs=[un, deux], compte_rendu="Relevé.")
        assert set(evenement.acheteurs.all()) == {un, deux}
        entry = JournalAudit.objects.get(action="evenement.update")
        assert entry.details["changements"]["acheteurs"] == [[un.pk], sorted([un.pk, deux.pk])]
    with b.scope():
        acheteur_b = AcheteurFactory(guichet=b.guichet)
    with a.scope(), pytest.raises(ValidationError, match="n'appartient pas à ce guichet"):
        services.evenement_update(evenement=evenement, acting_user=None, acheteurs=[acheteur_b])


def test_an_event_needs_a_type_a_title_and_a_date(guichet_a):
    with guichet_a.scope(), pytest.raises(ValidationError) as error:
        services.evenement_create(guichet=guichet_a.guichet, acting_user=None, type="apero", titre="", date=None)
    assert set(error.value.message_dict) == {"type", "titre", "date"}


def test_deleting_an_event_deletes_its_documents_files(guichet_a, django_capture_on_commit_callbacks):
    with guichet_a.scope():
        document = DocumentEvenementFactory(guichet=guichet_a.guichet)
        nom = document.fichier.name
        assert default_storage.exists(nom)
        with django_capture_on_commit_callbacks(execute=True):
            services.evenement_delete(evenement=document.evenement, acting_user=None)
        assert not Evenement.objects.exists() and not DocumentEvenement.objects.exists()
    assert not default_storage.exists(nom)


def test_an_event_document_is_checked_and_removable(guichet_a, django_capture_on_commit_callbacks):
    with guichet_a.scope():
        evenement = EvenementFactory(guichet=guichet_a.guichet)
        with pytest.raises(ValidationError) as error:
            services.document_evenement_add(evenement=evenement, acting_user=None, fichier=pdf("page.html"))
        assert "Format « html » refusé." in error.value.message_dict["fichier"][0]
        document = services.document_evenement_add(evenement=evenement, acting_user=None, fichier=pdf("cr.pdf"))
        assert str(document) == "cr.pdf"
        with django_capture_on_commit_callbacks(execute=True):
            services.document_evenement_delete(document=document, acting_user=None)
        assert not default_storage.exists(document.fichier.name)
        actions = JournalAudit.objects.filter(action__startswith="evenement.document").values_list("action", flat=True)
        assert list(actions) == ["evenement.document_delete", "evenement.document_add"]
