from django.core.management import call_command

from guichet.enums import Role
from guichet.models import Guichet, Membre, Utilisateur
from guichet.tenancy import guichet_scope


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
