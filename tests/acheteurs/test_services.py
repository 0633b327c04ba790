from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from acheteurs import services
from acheteurs.models import AchatPrevu, Acheteur, Contact, Programmation
from guichet.enums import Role
from guichet.models import JournalAudit

from ..factories import AchatPrevuFactory, AcheteurFactory, ContactFactory, ConventionFactory, ProgrammationFactory


def creer(territoire, **data):
    data = {"nom": "Ville de Lens", "type": "commune", **data}
    return services.acheteur_create(guichet=territoire.guichet, acting_user=None, **data)


def test_creating_a_buyer_compacts_its_siret_and_is_audited(guichet_a):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    with guichet_a.scope():
        acheteur = services.acheteur_create(
            guichet=guichet_a.guichet, acting_user=admin, nom="Ville de Lens", type="commune", siret="732 829 320 00074"
        )
        entry = JournalAudit.objects.get(action="acheteur.create")
    assert acheteur.siret == "73282932000074" and acheteur.mutualisation_autorisee and not acheteur.archive
    assert (entry.acteur, entry.cible_id) == (admin, str(acheteur.pk))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"siret": "73282932000075"}, "siret", "Ce numéro SIRET n'est pas valide"),
        ({"siret": "1234"}, "siret", "Ce numéro SIRET n'est pas valide"),
        ({"code_postal": "5900"}, "code_postal", "Le code postal compte cinq chiffres."),
        ({"type": "ministere"}, "type", "n’est pas un choix valide"),
        ({"nom": ""}, "nom", "Ce champ ne peut pas être vide."),
    ],
)
def test_invalid_buyers_are_refused_in_french_and_nothing_is_written(guichet_a, data, field, message):
    with guichet_a.scope():
        before = Acheteur.objects.count()
        with pytest.raises(ValidationError) as error:
            creer(guichet_a, **data)
        assert message in " ".join(error.value.message_dict[field])
        assert Acheteur.objects.count() == before
        assert not JournalAudit.objects.filter(action="acheteur.create").exists()


def test_name_and_siret_are_unique_in_a_guichet_only(deux_guichets):
    a, b = deux_guichets
    with a.scope():
        creer(a, siret="73282932000074")
        with pytest.raises(ValidationError) as error:
            creer(a)
        assert error.value.message_dict == {"nom": ["Un acheteur porte déjà ce nom dans le guichet."]}
        with pytest.raises(ValidationError) as error:
            creer(a, nom="Autre nom", siret="73282932000074")
        assert error.value.message_dict == {"siret": ["Un acheteur du guichet a déjà ce SIRET."]}
        creer(a, nom="Sans SIRET 1")
        creer(a, nom="Sans SIRET 2")  # an empty SIRET is not a duplicate
    with b.scope():
        assert creer(b, siret="73282932000074").guichet == b.guichet


def test_update_audits_only_what_changed(guichet_a):
    with guichet_a.scope():
        acheteur = creer(guichet_a, commune="Lens")
        services.acheteur_update(acheteur=acheteur, acting_user=None, commune="Lens")
        assert not JournalAudit.objects.filter(action="acheteur.update").exists()
        services.acheteur_update(acheteur=acheteur, acting_user=None, commune="Liévin", mutualisation_autorisee=False)
        entry = JournalAudit.objects.get(action="acheteur.update")
    assert entry.details == {"changements": {"commune": ["Lens", "Liévin"], "mutualisation_autorisee": [True, False]}}


def test_a_service_refuses_a_field_it_does_not_know(guichet_a):
    with guichet_a.scope(), pytest.raises(ValidationError) as error:
        creer(guichet_a, archive_le="2026-01-01")
    assert error.value.message_dict == {"archive_le": ["Ce champ n'existe pas ou ne se modifie pas."]}


def test_archiving_is_audited_once(guichet_a):
    with guichet_a.scope():
        acheteur = creer(guichet_a)
        services.acheteur_set_archive(acheteur=acheteur, archive=True, acting_user=None)
        services.acheteur_set_archive(acheteur=acheteur, archive=True, acting_user=None)
        assert Acheteur.objects.get(pk=acheteur.pk).archive
        assert JournalAudit.objects.filter(action="acheteur.archive").count() == 1
        assert list(Acheteur.objects.actifs().filter(pk=acheteur.pk)) == []


def test_a_buyer_in_use_cannot_be_deleted_but_one_entered_by_mistake_can(guichet_a):
    lie = guichet_a.membres[Role.ACHETEUR].acheteur
    with guichet_a.scope():
        ConventionFactory(guichet=guichet_a.guichet, acheteur=lie)
        with pytest.raises(ValidationError) as error:
            services.acheteur_delete(acheteur=lie, acting_user=None)
        assert error.value.messages == [
            "Cet acheteur ne peut pas être supprimé : archivez-le plutôt. Il est lié à : "
            "conventions de partenariat, membres."
        ]
        assert Acheteur.objects.filter(pk=lie.pk).exists()
        assert not JournalAudit.objects.filter(action="acheteur.delete").exists()
        erreur = ContactFactory(guichet=guichet_a.guichet).acheteur
        services.acheteur_delete(acheteur=erreur, acting_user=None)
        assert not Acheteur.objects.filter(pk=erreur.pk).exists()
        assert not Contact.objects.filter(acheteur=erreur.pk).exists()


def test_a_new_principal_contact_replaces_the_former_one(guichet_a):
    with guichet_a.scope():
        acheteur = AcheteurFactory(guichet=guichet_a.guichet)
        premier = services.contact_create(
            guichet=guichet_a.guichet, acting_user=None, acheteur=acheteur, nom="Un", principal=True
        )
        second = services.contact_create(
            guichet=guichet_a.guichet, acting_user=None, acheteur=acheteur, nom="Deux", principal=True
        )
        assert list(acheteur.contacts.filter(principal=True)) == [second]
        services.contact_update(contact=premier, acting_user=None, principal=True)
        assert list(acheteur.contacts.filter(principal=True)) == [premier]
        assert list(acheteur.contacts.all()) == [premier, second]  # the principal first


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "pas-une-adresse"}, "email", "Saisissez une adresse e-mail valide."),
        ({"telephone": "appelez-moi"}, "telephone", "Saisissez un numéro de téléphone"),
        ({"nom": ""}, "nom", "Ce champ ne peut pas être vide."),
    ],
)
def test_invalid_contacts_are_refused(guichet_a, data, field, message):
    with guichet_a.scope():
        acheteur = AcheteurFactory(guichet=guichet_a.guichet)
        with pytest.raises(ValidationError) as error:
            services.contact_create(
                guichet=guichet_a.guichet, acting_user=None, acheteur=acheteur, **{"nom": "Durand", **data}
            )
        assert message in " ".join(error.value.message_dict[field])
        assert not Contact.objects.exists()


def test_objects_of_two_guichets_cannot_be_linked(deux_guichets):
    a, b = deux_guichets
    with b.scope():
        acheteur_b = AcheteurFactory(guichet=b.guichet)
        programmation_b = ProgrammationFactory(guichet=b.guichet)
    with a.scope():
        for service, kwargs in [
            (services.contact_create, {"acheteur": acheteur_b, "nom": "X"}),
            (services.programmation_create, {"acheteur": acheteur_b, "annee": 2026}),
            (services.achat_prevu_create, {"programmation": programmation_b, "objet": "X"}),
        ]:
            with pytest.raises(ValidationError, match="n'appartient pas à ce guichet"):
                service(guichet=a.guichet, acting_user=None, **kwargs)
        assert not Contact.objects.exists() and not Programmation.objects.exists()


def test_a_buyer_has_one_programme_a_year(guichet_a):
    with guichet_a.scope():
        acheteur = AcheteurFactory(guichet=guichet_a.guichet)
        services.programmation_create(guichet=guichet_a.guichet, acting_user=None, acheteur=acheteur, annee=2026)
        with pytest.raises(ValidationError) as error:
            services.programmation_create(guichet=guichet_a.guichet, acting_user=None, acheteur=acheteur, annee=2026)
        assert error.value.messages == ["Cet acheteur a déjà une programmation pour cette année."]
        services.programmation_create(guichet=guichet_a.guichet, acting_user=None, acheteur=acheteur, annee=2027)


def test_programme_totals_count_purchases_and_their_social_potential(guichet_a):
    with guichet_a.scope():
        programmation = ProgrammationFactory(guichet=guichet_a.guichet)
        for montant, possible in [("1000000", "oui"), ("250000.50", "non"), (None, "oui")]:
            services.achat_prevu_create(
                guichet=guichet_a.guichet,
                acting_user=None,
                programmation=programmation,
                objet="Achat",
                montant_estime_ht=Decimal(montant) if montant else None,
                consideration_possible=possible,
            )
        totaux = Programmation.objects.avec_totaux().get(pk=programmation.pk)
    assert (totaux.nombre_achats, totaux.nombre_potentiels, totaux.montant_total) == (3, 2, Decimal("1250000.50"))


def test_an_advised_consideration_needs_a_favourable_analysis(guichet_a):
    with guichet_a.scope():
        programmation = ProgrammationFactory(guichet=guichet_a.guichet)
        with pytest.raises(ValidationError) as error:
            services.achat_prevu_create(
                guichet=guichet_a.guichet,
                acting_user=None,
                programmation=programmation,
                objet="Fournitures",
                consideration_possible="non",
                consideration_conseillee="clause_heures",
            )
        assert error.value.message_dict == {
            "consideration_conseillee": ["Aucune considération ne se conseille pour un achat jugé sans potentiel."]
        }
        with pytest.raises(ValidationError) as error:
            services.achat_prevu_create(
                guichet=guichet_a.guichet,
                acting_user=None,
                programmation=programmation,
                objet="Travaux",
                montant_estime_ht=Decimal("-1"),
            )
        assert "montant_estime_ht" in error.value.message_dict
        assert not AchatPrevu.objects.exists()


def test_deleting_a_programme_takes_its_planned_purchases(guichet_a):
    with guichet_a.scope():
        achat = AchatPrevuFactory(guichet=guichet_a.guichet)
        services.programmation_delete(programmation=achat.programmation, acting_user=None)
        assert not AchatPrevu.objects.exists()
        assert JournalAudit.objects.get(action="programmation.delete").details == {"achats": 1}
