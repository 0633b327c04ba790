import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from guichet.enums import Role
from guichet.models import Membre, Parametres, Tache


def page(name, territoire, **kwargs):
    return reverse(name, kwargs={"guichet_slug": territoire.slug, **kwargs})


def test_a_member_of_one_guichet_gets_404_on_every_page_of_the_other(client, deux_guichets):
    a, b = deux_guichets
    client.force_login(a.membres[Role.ADMIN].utilisateur)
    for name in ["guichet_accueil", "membres", "parametres", "journal"]:
        assert client.get(page(name, b)).status_code == 404, name


@pytest.mark.parametrize(("name", "method"), [("membre_modifier", "get"), ("membre_activation", "post")])
def test_member_pages_with_a_foreign_id_are_404(client, deux_guichets, name, method):
    a, b = deux_guichets
    client.force_login(a.membres[Role.ADMIN].utilisateur)
    response = getattr(client, method)(page(name, a, pk=b.membres[Role.LECTEUR].pk), {"actif": "0"})
    assert response.status_code == 404
    with b.scope():
        assert Membre.objects.get(pk=b.membres[Role.LECTEUR].pk).actif


@pytest.mark.parametrize("name", ["tache", "tache_telecharger", "api:tache-detail", "api:tache-telecharger"])
def test_task_of_another_guichet_is_404(client, deux_guichets, name):
    a, b = deux_guichets
    with b.scope():
        tache = Tache.objects.create(guichet=b.guichet, type="t", libelle="t", etat="termine")
        tache.fichier.save("b.csv", ContentFile(b"secret"), save=True)
    client.force_login(a.membres[Role.ADMIN].utilisateur)
    assert client.get(page(name, a, pk=tache.pk)).status_code == 404


def test_home_shows_the_navigation_of_the_role(client, guichet_a):
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    text = client.get(page("guichet_accueil", guichet_a)).text
    assert "Paramètres" in text and "Membres" in text and "Journal d&#x27;audit" in text
    client.force_login(guichet_a.membres[Role.LECTEUR].utilisateur)
    text = client.get(page("guichet_accueil", guichet_a)).text
    assert "Paramètres" not in text and "Membres" not in text


def test_settings_page_shows_percentages_and_french_errors(client, guichet_a):
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    response = client.get(page("parametres", guichet_a))
    assert 'name="taux_insertion"' in response.text and 'value="5"' in response.text
    data = {
        "cout_horaire": "-3",
        "taux_insertion": "150",
        "arrondi": "nearest",
        "seuil_minimum_heures": "35",
        "conversion_sous_traitance": "montant_mo",
        "delai_grace_jours": "0",
        "bonus_cdi": "aucun",
        "regle_ventilation": "echeance",
        "validite_eligibilite_mois": "24",
        "delai_sortie_mois": "6",
        "conservation_mois": "24",
        "seuil_petits_effectifs": "5",
        "heures_etp": "1607",
    }
    response = client.post(page("parametres", guichet_a), data)
    assert response.status_code == 400
    assert "Assurez-vous que cette valeur est inférieure ou égale à 100." in response.text
    assert "Ce champ est obligatoire." in response.text  # the sector rates
    assert 'name="taux_insertion" value="150"' in response.text  # shown back as typed, not ×100
    with guichet_a.scope():
        assert Parametres.objects.get().cout_horaire == 25


def test_settings_page_saves_percentages_as_fractions(client, guichet_a):
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    from guichet.enums import Secteur

    data = {
        "cout_horaire": "30",
        "taux_insertion": "7",
        "arrondi": "ceil",
        "seuil_minimum_heures": "40",
        "conversion_sous_traitance": "taux_forfaitaire",
        "taux_horaire_forfaitaire": "40",
        "delai_grace_jours": "15",
        "bonus_cdi": "aucun",
        "regle_ventilation": "prorata",
        "validite_eligibilite_mois": "24",
        "delai_sortie_mois": "6",
        "conservation_mois": "24",
        "seuil_petits_effectifs": "5",
        "heures_etp": "1607",
        "alerte_fin_convention_jours": "60",
        "jour_limite_releve": "10",
        "seuil_risque_vert": "100",
        "seuil_risque_orange": "75",
        "formation_comptee": "on",
        "date_obligation_climat": "2026-08-21",
        "seuils_date_effet": "2026-01-01",
        "seuil_fournitures_services_etat": "140000",
        "seuil_fournitures_services": "216000",
        "seuil_travaux": "5404000",
    }
    data |= {f"secteur_{s.value}": "50" for s in Secteur}
    data["secteur_proprete"] = "80"
    response = client.post(page("parametres", guichet_a), data)
    assert response.status_code == 302
    with guichet_a.scope():
        p = Parametres.objects.get()
    assert str(p.taux_insertion) == "0.0700" and p.arrondi == "ceil" and p.regle_ventilation == "prorata"
    assert p.taux_main_oeuvre["proprete"] == "0.8" and p.delai_grace_jours == 15
    assert p.alerte_fin_convention_jours == 60 and p.jour_limite_releve == 10
    # Settings whose names start like the EU thresholds' fields are saved too.
    assert str(p.seuil_risque_orange) == "0.7500" and p.seuil_minimum_heures == 40


def test_admin_changes_a_role_and_deactivates_a_member(client, guichet_a):
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    lecteur = guichet_a.membres[Role.LECTEUR]
    assert client.post(page("membre_modifier", guichet_a, pk=lecteur.pk), {"role": "facilitateur"}).status_code == 302
    assert client.post(page("membre_activation", guichet_a, pk=lecteur.pk), {"actif": "0"}).status_code == 302
    with guichet_a.scope():
        lecteur.refresh_from_db()
    assert lecteur.role == Role.FACILITATEUR and not lecteur.actif
    client.force_login(lecteur.utilisateur)
    assert client.get(page("guichet_accueil", guichet_a)).status_code == 404


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, guichet_a):
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    response = client.get(page("guichet_accueil", guichet_a))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in response.text


def test_a_member_of_two_guichets_chooses_among_them_only(client, deux_guichets):
    a, b = deux_guichets
    from guichet import services

    user = a.membres[Role.LECTEUR].utilisateur
    with b.scope():
        services.membre_invite(guichet=b.guichet, email=user.email, role=Role.LECTEUR, acting_user=None)
    client.force_login(user)
    text = client.get(reverse("mes_guichets")).text
    assert "Guichet A" in text and "Guichet B" in text
    client.force_login(a.membres[Role.ADMIN].utilisateur)
    assert client.get(reverse("mes_guichets"))["Location"] == page("guichet_accueil", a)


@pytest.mark.parametrize("name", ["membres", "api:membre-list"])
def test_member_lists_answer_in_a_constant_number_of_queries(client, guichet_a, django_assert_max_num_queries, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..factories import MembreFactory

    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    with CaptureQueriesContext(connection) as few:
        assert client.get(page(name, guichet_a)).status_code == 200
    with guichet_a.scope():
        MembreFactory.create_batch(20, guichet=guichet_a.guichet, acheteur_lie=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(page(name, guichet_a)).status_code == 200
