"""The data migration that turns a company's one contact person (former fields ``contact_*``) into its principal
contact, run on historical models (plain managers, no guichet scope), and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ..conftest import EN_ROLE_APPLICATION

# Migrations are the owner's (guichet/rls.py): not run when the whole suite connects as the application's role.
pytestmark = pytest.mark.skipif(EN_ROLE_APPLICATION, reason="les migrations se font en propriétaire des tables")

AVANT = [("entreprises", "0004_contact_entreprise")]
APRES = [("entreprises", "0005_contacts_depuis_fiche_entreprise")]


def migrer(cible):
    """Migrate to ``cible`` (the latest migrations when None); the historical apps of that state."""
    executor = MigrationExecutor(connection)
    cible = cible or executor.loader.graph.leaf_nodes()
    executor.migrate(cible)
    return executor.loader.project_state(cible).apps


@pytest.mark.django_db(transaction=True)
def test_the_former_contact_person_becomes_the_principal_contact_in_its_company_guichet():
    apps = migrer(AVANT)
    try:
        Guichet = apps.get_model("guichet", "Guichet")
        Entreprise = apps.get_model("entreprises", "Entreprise")
        a = Guichet.objects.create(slug="migration-a", nom="A")
        b = Guichet.objects.create(slug="migration-b", nom="B")
        complete = Entreprise.objects.create(
            guichet=a,
            raison_sociale="Bâtir",
            siret="73282932000074",
            contact_nom=" Claire Martin ",
            contact_fonction="Responsable RSE",
            contact_email="c.martin@batir.fr",
            contact_telephone="03 20 00 00 00",
        )
        sans_nom = Entreprise.objects.create(
            guichet=b, raison_sociale="Rebond", siret="73282932000074", contact_email="accueil@rebond.fr"
        )
        vide = Entreprise.objects.create(guichet=b, raison_sociale="Vide", siret="44306184100047")

        apps = migrer(APRES)
        contacts = apps.get_model("entreprises", "ContactEntreprise").objects.order_by("entreprise_id")
        assert [
            (c.guichet_id, c.entreprise_id, c.prenom, c.nom, c.fonction, c.email, c.telephone, c.role, c.principal)
            for c in contacts
        ] == [
            (
                a.pk,
                complete.pk,
                "",
                "Claire Martin",
                "Responsable RSE",
                "c.martin@batir.fr",
                "03 20 00 00 00",
                "autre",
                True,
            ),
            (b.pk, sans_nom.pk, "", "Nom à compléter", "", "accueil@rebond.fr", "", "autre", True),
        ]
        assert not contacts.filter(entreprise_id=vide.pk).exists()

        apps = migrer(AVANT)  # and back: the contact fields are filled again
        fiche = apps.get_model("entreprises", "Entreprise").objects.get(pk=complete.pk)
        assert (fiche.contact_nom, fiche.contact_email) == ("Claire Martin", "c.martin@batir.fr")
        assert not apps.get_model("entreprises", "ContactEntreprise").objects.exists()
    finally:
        migrer(None)
