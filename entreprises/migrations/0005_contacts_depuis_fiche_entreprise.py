"""The company's one contact person (``contact_nom``, ``contact_fonction``, ``contact_email``, ``contact_telephone``)
becomes its principal contact in ``ContactEntreprise``; the next migration drops those fields.

The historical models of a migration have Django's plain manager, not the guichet-scoped one (``scoped_manager`` is
not ``use_in_migrations``): the copy reaches every guichet without a scope, and each contact is put in the guichet
of its company.
"""

from django.db import migrations
from django.db.models import Q

CHAMPS = ["contact_nom", "contact_fonction", "contact_email", "contact_telephone"]
# The former field held "Prénom et nom" in one text: it goes whole into ``nom`` (splitting a name is guesswork;
# the contact still reads the same), or, when only a function, an address or a number was typed, this.
NOM_A_COMPLETER = "Nom à compléter"


def fiches_vers_contacts(apps, schema_editor):
    Entreprise = apps.get_model("entreprises", "Entreprise")
    ContactEntreprise = apps.get_model("entreprises", "ContactEntreprise")
    renseignees = Entreprise.objects.filter(Q(*[~Q(**{champ: ""}) for champ in CHAMPS], _connector=Q.OR))
    contacts = (
        ContactEntreprise(
            guichet_id=fiche["guichet_id"],
            entreprise_id=fiche["pk"],
            nom=(fiche["contact_nom"].strip() or NOM_A_COMPLETER)[:150],
            fonction=fiche["contact_fonction"],
            email=fiche["contact_email"],
            telephone=fiche["contact_telephone"],
            role="autre",  # unknown: the facilitator will say
            principal=True,
        )
        for fiche in renseignees.order_by("pk").values("pk", "guichet_id", *CHAMPS).iterator()
    )
    ContactEntreprise.objects.bulk_create(contacts, batch_size=500)


def contacts_vers_fiches(apps, schema_editor):
    """Back: the principal contact (else the first) of each company fills its contact fields again."""
    Entreprise = apps.get_model("entreprises", "Entreprise")
    ContactEntreprise = apps.get_model("entreprises", "ContactEntreprise")
    vus = set()
    for contact in ContactEntreprise.objects.order_by("entreprise_id", "-principal", "nom", "prenom", "pk").iterator():
        if contact.entreprise_id in vus:
            continue
        vus.add(contact.entreprise_id)
        Entreprise.objects.filter(pk=contact.entreprise_id).update(
            contact_nom=f"{contact.prenom} {contact.nom}".strip()[:200],
            contact_fonction=contact.fonction,
            contact_email=contact.email,
            contact_telephone=contact.telephone,
        )
    ContactEntreprise.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("entreprises", "0004_contact_entreprise"),
    ]

    operations = [
        migrations.RunPython(fiches_vers_contacts, contacts_vers_fiches),
    ]
