from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from guichet import services
from guichet.enums import Role
from guichet.models import JournalAudit, Membre, Parametres

from ..factories import AcheteurFactory


def test_a_new_guichet_gets_the_default_settings_of_the_domain(guichet_a):
    with guichet_a.scope():
        p = Parametres.objects.get()
    assert (p.cout_horaire, p.taux_insertion, p.seuil_minimum_heures, p.heures_etp) == (
        Decimal("25"),
        Decimal("0.05"),
        Decimal("35"),
        Decimal("1607"),
    )
    assert Decimal(p.taux_main_oeuvre["btp_gros_oeuvre"]) == Decimal("0.5")
    assert Decimal(p.taux_main_oeuvre["proprete"]) == Decimal("0.8")
    assert (p.arrondi, p.regle_ventilation, p.conversion_sous_traitance, p.bonus_cdi) == (
        "nearest",
        "echeance",
        "montant_mo",
        "aucun",
    )
    assert (p.validite_eligibilite_mois, p.conservation_mois, p.seuil_petits_effectifs) == (24, 24, 5)


def test_settings_update_is_audited_with_before_and_after(guichet_a):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    with guichet_a.scope():
        services.parametres_update(guichet=guichet_a.guichet, acting_user=admin, cout_horaire=Decimal("30"))
        entry = JournalAudit.objects.get(action="parametres.update")
    assert entry.acteur == admin
    assert entry.details == {"changements": {"cout_horaire": ["25.00", "30"]}}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"taux_insertion": Decimal("1.5")}, "taux_insertion", "inférieure ou égale à 1"),
        ({"taux_main_oeuvre": {"inconnu": "0.5"}}, "taux_main_oeuvre", "Secteur inconnu : inconnu."),
        ({"conversion_sous_traitance": "taux_forfaitaire"}, "taux_horaire_forfaitaire", "taux horaire forfaitaire"),
        ({"bonus_cdi": "heures_forfaitaires"}, "bonus_cdi_heures", "forfait d'heures"),
        ({"cout_horaire": Decimal("0")}, "cout_horaire", "supérieure ou égale à 0.01"),
        ({"nimporte_quoi": 1}, "nimporte_quoi", "Ce paramètre n'existe pas."),
    ],
)
def test_invalid_settings_are_refused_in_french_and_nothing_is_written(guichet_a, changes, field, message):
    with guichet_a.scope():
        before = Parametres.objects.values().get()
        with pytest.raises(ValidationError) as error:
            services.parametres_update(guichet=guichet_a.guichet, acting_user=None, **changes)
        assert message in " ".join(error.value.message_dict[field])
        assert Parametres.objects.values().get() == before
        assert not JournalAudit.objects.filter(action="parametres.update").exists()


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(guichet_a):
    admin = guichet_a.membres[Role.ADMIN]
    with guichet_a.scope():
        with pytest.raises(ValidationError, match="au moins un administrateur actif"):
            services.membre_update(membre=admin, role=Role.LECTEUR, acting_user=None)
        with pytest.raises(ValidationError, match="au moins un administrateur actif"):
            services.membre_set_actif(membre=admin, actif=False, acting_user=None)
        services.membre_update(membre=guichet_a.membres[Role.FACILITATEUR], role=Role.ADMIN, acting_user=None)
        services.membre_set_actif(membre=admin, actif=False, acting_user=None)
        assert not Membre.objects.get(pk=admin.pk).actif


def test_a_member_cannot_be_bound_to_a_buyer_of_another_guichet(deux_guichets):
    a, b = deux_guichets
    with b.scope():
        acheteur_b = AcheteurFactory(guichet=b.guichet)
    with a.scope():
        with pytest.raises(ValidationError, match="n'appartient pas à ce guichet"):
            services.membre_invite(
                guichet=a.guichet, email="x@exemple.fr", role=Role.ACHETEUR, acheteur=acheteur_b, acting_user=None
            )
        assert not Membre.objects.filter(utilisateur__email="x@exemple.fr").exists()


def test_inviting_someone_already_member_is_refused(guichet_a):
    email = guichet_a.membres[Role.LECTEUR].utilisateur.email
    with guichet_a.scope(), pytest.raises(ValidationError, match="déjà membre"):
        services.membre_invite(guichet=guichet_a.guichet, email=email, role=Role.ADMIN, acting_user=None)


def test_a_member_of_another_guichet_can_be_invited_with_the_same_account(deux_guichets):
    a, b = deux_guichets
    user_b = b.membres[Role.FACILITATEUR].utilisateur
    with a.scope():
        membre = services.membre_invite(guichet=a.guichet, email=user_b.email, role=Role.LECTEUR, acting_user=None)
    assert membre.utilisateur == user_b


def test_reserved_slugs_are_refused(db):
    with pytest.raises(ValidationError, match="réservé"):
        services.guichet_create(slug="api", nom="API")
