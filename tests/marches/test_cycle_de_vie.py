"""The lifecycle of a marché (api.md ``statut``): programme → consultation → attribue → execution → clos. Any status
at creation; afterwards forward only (steps may be skipped), back only for an admin correcting a mistake; a
titulaire on a lot awards a marché still programmed or in consultation. Service, page and API."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from guichet.enums import Role
from guichet.models import JournalAudit
from marches import services
from marches.models import Attribution, Marche

from ..clients import api, connecte, url
from ..factories import AttributionFactory, EntrepriseFactory, LotFactory, MarcheFactory

RETOUR = (
    "Le statut d'un marché avance sans revenir en arrière : « En consultation » précède « Attribué ». "
    "Seul un administrateur du guichet peut corriger une erreur de statut."
)


def un_marche(territoire, **kwargs):
    with territoire.scope():
        return MarcheFactory(guichet=territoire.guichet, **kwargs)


def statut(territoire, marche):
    with territoire.scope():
        return Marche.objects.get(pk=marche.pk).statut


def attribuer(territoire, lot, role="titulaire", acting_user=None):
    """An attribution of ``lot`` to a new company, through the service (inside the guichet's scope)."""
    entreprise = EntrepriseFactory(guichet=territoire.guichet)
    return services.attribution_create(
        guichet=territoire.guichet, acting_user=acting_user, lot=lot, entreprise=entreprise, role=role
    )


def changer(territoire, marche, nouveau, role=Role.FACILITATEUR):
    utilisateur = territoire.membres[role].utilisateur if role else None
    with territoire.scope():
        return services.marche_update(marche=marche, acting_user=utilisateur, statut=nouveau)


# --- The service -------------------------------------------------------------------------------------


@pytest.mark.parametrize("depart", ["programme", "consultation", "attribue", "execution", "clos"])
def test_a_marche_is_created_in_any_status(guichet_a, depart):
    with guichet_a.scope():
        marche = services.marche_create(
            guichet=guichet_a.guichet,
            acting_user=None,
            acheteur=guichet_a.membres[Role.ACHETEUR].acheteur,
            reference="EN-COURS",
            objet="Marché saisi en cours d'exécution",
            statut=depart,
        )
    assert marche.statut == depart


@pytest.mark.parametrize(
    ("avant", "apres"),
    [
        ("programme", "consultation"),
        ("programme", "execution"),  # steps skipped
        ("consultation", "attribue"),
        ("attribue", "clos"),
        ("execution", "execution"),
    ],
)
def test_the_status_moves_forward_and_may_skip_steps(guichet_a, avant, apres):
    marche = un_marche(guichet_a, statut=avant)
    changer(guichet_a, marche, apres)
    assert statut(guichet_a, marche) == apres


@pytest.mark.parametrize("role", [Role.FACILITATEUR, None])
def test_going_back_is_refused_in_french_on_the_status_and_nothing_is_written(guichet_a, role):
    marche = un_marche(guichet_a, statut="attribue")
    with pytest.raises(ValidationError) as error:
        changer(guichet_a, marche, "consultation", role)
    assert error.value.message_dict == {"statut": [RETOUR]}
    assert statut(guichet_a, marche) == "attribue"
    with guichet_a.scope():
        assert not JournalAudit.objects.filter(cible_id=str(marche.pk)).exists()


def test_an_admin_steps_back_to_correct_a_mistake_and_it_is_audited(guichet_a):
    admin = guichet_a.membres[Role.ADMIN].utilisateur
    marche = un_marche(guichet_a, statut="clos")
    changer(guichet_a, marche, "programme", Role.ADMIN)
    assert statut(guichet_a, marche) == "programme"
    with guichet_a.scope():
        entry = JournalAudit.objects.get(cible_id=str(marche.pk))
    assert (entry.action, entry.acteur) == ("marche.statut_corrige", admin)
    assert entry.details == {"changements": {"statut": ["clos", "programme"]}}


def test_an_admin_of_another_guichet_or_an_inactive_admin_may_not_step_back(deux_guichets):
    a, b = deux_guichets
    marche = un_marche(a, statut="execution")
    with a.scope(), pytest.raises(ValidationError):
        services.marche_update(marche=marche, acting_user=b.membres[Role.ADMIN].utilisateur, statut="attribue")
    admin = a.membres[Role.ADMIN]
    with a.scope():
        admin.actif = False
        admin.save(update_fields=["actif"])
        with pytest.raises(ValidationError):
            services.marche_update(marche=marche, acting_user=admin.utilisateur, statut="attribue")
    assert statut(a, marche) == "execution"


@pytest.mark.parametrize("avant", ["programme", "consultation"])
def test_a_titulaire_awards_a_marche_programmed_or_in_consultation_in_the_same_transaction(guichet_a, avant):
    facilitateur = guichet_a.membres[Role.FACILITATEUR].utilisateur
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet, marche__statut=avant)
        attribuer(guichet_a, lot, "cotraitant", facilitateur)
        assert Marche.objects.get(pk=lot.marche_id).statut == avant  # a co-contractor awards nothing
        attribution = attribuer(guichet_a, lot, acting_user=facilitateur)
        assert Marche.objects.get(pk=lot.marche_id).statut == "attribue"
        entry = JournalAudit.objects.get(action="marche.attribue")
        assert entry.pk > JournalAudit.objects.get(action="attribution.create", cible_id=str(attribution.pk)).pk
    assert (entry.cible_id, entry.acteur) == (str(lot.marche_id), facilitateur)
    assert entry.details == {"changements": {"statut": [avant, "attribue"]}}


def test_a_co_contractor_made_titulaire_awards_the_marche(guichet_a):
    with guichet_a.scope():
        attribution = AttributionFactory(guichet=guichet_a.guichet, role="cotraitant", lot__marche__statut="programme")
        services.attribution_update(attribution=attribution, acting_user=None, role="titulaire")
        assert Marche.objects.get(pk=attribution.lot.marche_id).statut == "attribue"


@pytest.mark.parametrize("avant", ["attribue", "execution", "clos"])
def test_a_titulaire_leaves_a_marche_further_on_as_it_is(guichet_a, avant):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet, marche__statut=avant)
        attribuer(guichet_a, lot)
        assert Marche.objects.get(pk=lot.marche_id).statut == avant
        assert not JournalAudit.objects.filter(action="marche.attribue").exists()


def test_when_the_marche_cannot_be_awarded_the_attribution_is_not_written_either(guichet_a):
    with guichet_a.scope():
        # Recorded before the dates were checked: the marché no longer validates, so it cannot be saved awarded.
        lot = LotFactory(
            guichet=guichet_a.guichet,
            marche__statut="consultation",
            marche__date_debut_execution=date(2027, 1, 1),
            marche__date_fin_execution=date(2026, 1, 1),
        )
        with pytest.raises(ValidationError):
            attribuer(guichet_a, lot)
        assert not Attribution.objects.exists()
        assert Marche.objects.get(pk=lot.marche_id).statut == "consultation"


# --- The page ----------------------------------------------------------------------------------------


def _formulaire(marche, statut):
    return {
        "acheteur": marche.acheteur_id,
        "reference": marche.reference,
        "objet": marche.objet,
        "type_contrat": marche.type_contrat,
        "statut": statut,
    }


def test_going_back_on_the_marche_page_is_an_error_on_the_status_unless_an_admin_corrects(client, guichet_a):
    marche = un_marche(guichet_a, statut="attribue")
    modifier = url("marche_modifier", guichet_a, pk=marche.pk)
    connecte(client, guichet_a, Role.FACILITATEUR)
    response = client.post(modifier, _formulaire(marche, "consultation"))
    assert response.status_code == 400
    erreur = response.text.split('id="id_statut_error"', 1)[1].split("</", 1)[0]  # tied to the status field
    assert "« En consultation » précède « Attribué »" in erreur.replace("&#x27;", "'")
    assert statut(guichet_a, marche) == "attribue"
    assert client.post(modifier, _formulaire(marche, "execution")).status_code == 302
    connecte(client, guichet_a, Role.ADMIN)
    assert client.post(modifier, _formulaire(marche, "consultation")).status_code == 302
    assert statut(guichet_a, marche) == "consultation"


def test_attributing_a_titulaire_from_the_lot_page_awards_the_marche(client, guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet, marche__statut="consultation")
        entreprise = EntrepriseFactory(guichet=guichet_a.guichet)
    connecte(client, guichet_a)
    response = client.post(
        url("attribution_creer", guichet_a, pk=lot.pk), {"entreprise": entreprise.pk, "role": "titulaire"}
    )
    assert response.status_code == 302
    assert "Attribué" in client.get(url("marche", guichet_a, pk=lot.marche_id)).text


# --- The API -----------------------------------------------------------------------------------------


def test_going_back_in_the_api_is_400_on_the_status_unless_an_admin_corrects(guichet_a):
    marche = un_marche(guichet_a, statut="attribue")
    detail = url("api:marche-detail", guichet_a, pk=marche.pk)
    response = api(guichet_a.membres[Role.FACILITATEUR]).patch(detail, {"statut": "consultation"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"statut": [RETOUR]}
    response = api(guichet_a.membres[Role.FACILITATEUR]).patch(detail, {"statut": "clos"}, format="json")
    assert response.status_code == 200 and response.json()["statut"] == "clos"
    response = api(guichet_a.membres[Role.ADMIN]).patch(detail, {"statut": "execution"}, format="json")
    assert response.status_code == 200 and response.json()["statut"] == "execution"
    with guichet_a.scope():
        actions = list(JournalAudit.objects.filter(cible_id=str(marche.pk)).order_by("id").values_list("action"))
    assert actions == [("marche.update",), ("marche.statut_corrige",)]


def test_a_titulaire_posted_to_the_api_awards_the_marche(guichet_a):
    with guichet_a.scope():
        lot = LotFactory(guichet=guichet_a.guichet, marche__statut="programme")
        entreprise = EntrepriseFactory(guichet=guichet_a.guichet)
    client = api(guichet_a.membres[Role.FACILITATEUR])
    response = client.post(
        url("api:attribution-list", guichet_a),
        {"lot": lot.pk, "entreprise": entreprise.pk, "role": "titulaire"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert client.get(url("api:marche-detail", guichet_a, pk=lot.marche_id)).json()["statut"] == "attribue"
