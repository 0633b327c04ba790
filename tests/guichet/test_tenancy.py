import pytest
from django.apps import apps
from django.db import models
from django_scopes import ScopeError

from acheteurs.models import Acheteur
from guichet.models import Membre
from guichet.tenancy import guichet_scope

TENANT_APPS = ["guichet", "acheteurs", "conventions", "marches", "entreprises", "publics", "reporting"]
# Account-level tables: a person signs in once for all their guichets. The journal of accesses across guichets
# names no guichet (guichet.tenancy.pour_chaque_guichet, tous_guichets). The writes behind the data's versions are
# noted by the database for every guichet, and read only through its functions (guichet/versions.py).
NOT_TENANT = {
    "guichet.ecriture",
    "guichet.utilisateur",
    "guichet.guichet",
    "guichet.deuxfacteurs",
    "guichet.codesecours",
    "guichet.accestousguichets",
}


def tenant_models():
    for label in TENANT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower not in NOT_TENANT:
                yield model


@pytest.mark.parametrize("model", list(tenant_models()), ids=lambda m: m._meta.label_lower)
def test_every_tenant_model_has_a_non_null_guichet_foreign_key(model):
    field = model._meta.get_field("guichet")
    assert isinstance(field, models.ForeignKey)
    assert field.related_model._meta.label_lower == "guichet.guichet"
    assert not field.null


@pytest.mark.parametrize("model", list(tenant_models()), ids=lambda m: m._meta.label_lower)
def test_every_tenant_model_refuses_queries_outside_a_scope(model, db):
    with guichet_scope(None), pytest.raises(ScopeError):
        list(model.objects.all())


def test_scope_shows_only_the_rows_of_its_guichet(deux_guichets):
    a, b = deux_guichets
    with a.scope():
        emails = set(Membre.objects.values_list("utilisateur__email", flat=True))
        assert emails and all(email.endswith("@guichet-a.test") for email in emails)
        assert not Acheteur.objects.filter(pk=b.membres["acheteur"].acheteur_id).exists()


def test_guichet_scope_replaces_the_enclosing_scope(deux_guichets):
    a, b = deux_guichets
    with a.scope(), guichet_scope(None), pytest.raises(ScopeError):
        Membre.objects.count()
    with a.scope(), b.scope():
        assert set(Membre.objects.values_list("guichet_id", flat=True)) == {b.guichet.pk}
