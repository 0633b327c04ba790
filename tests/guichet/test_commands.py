from django.core.management import call_command
from django.urls import reverse

from guichet import totp
from guichet.enums import Role
from guichet.management.commands.seed_demo import SECRET_TOTP_DEMO
from guichet.models import Guichet, Membre, Utilisateur
from guichet.tenancy import guichet_scope

from .test_settings import SECRETS, manage


def test_create_guichet_is_idempotent_on_the_slug(db, capsys):
    args = [
        "--slug",
        "plie-sud",
        "--nom",
        "PLIE Sud",
        "--admin-email",
        "Admin@Sud.fr",
        "--admin-password",
        "pw-1234567",
    ]
    call_command("create_guichet", *args)
    call_command("create_guichet", *args)
    guichet = Guichet.objects.get(slug="plie-sud")
    with guichet_scope(guichet.pk):
        membre = Membre.objects.get()
        assert guichet.parametres.heures_etp == 1607
    assert membre.role == Role.ADMIN and membre.utilisateur.email == "admin@sud.fr"
    assert membre.utilisateur.check_password("pw-1234567")
    assert "déjà présent" in capsys.readouterr().out


def test_seed_demo_loads_two_guichets_with_every_role_once(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "admin@metropole.demo" in out and "demo-clause-2026" in out
    assert Guichet.objects.count() == 2
    for guichet in Guichet.objects.all():
        with guichet_scope(guichet.pk):
            assert sorted(Membre.objects.values_list("role", flat=True)) == sorted(Role.values)
    assert Utilisateur.objects.get(email="acheteur@vallee.demo").check_password("demo-clause-2026")


def test_demo_admins_and_facilitators_sign_in_with_the_published_demo_key(db, client, capsys):
    call_command("seed_demo")
    assert SECRET_TOTP_DEMO in capsys.readouterr().out
    response = client.post(
        reverse("connexion"), {"username": "facilitateur@metropole.demo", "password": "demo-clause-2026"}
    )
    assert response["Location"] == reverse("deux_facteurs")
    call_command("code_demo")
    code = capsys.readouterr().out.split()[0]
    assert code == totp.code(SECRET_TOTP_DEMO) or code == totp.code(SECRET_TOTP_DEMO, totp.time.time() - 30)
    assert client.post(reverse("deux_facteurs"), {"code": code}).status_code == 302
    assert client.get(reverse("guichet_accueil", kwargs={"guichet_slug": "plie-metropole"})).status_code == 200
    # Other roles: the password alone, as before.
    client.logout()
    response = client.post(reverse("connexion"), {"username": "lecteur@metropole.demo", "password": "demo-clause-2026"})
    assert response.status_code == 302 and response["Location"] != reverse("deux_facteurs")


def test_the_demo_is_refused_in_production():
    for commande in ("seed_demo", "code_demo"):
        result = manage(commande, env=SECRETS)
        assert result.returncode != 0 and "refusée" in result.stderr and "en production" in result.stderr
