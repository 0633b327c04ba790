"""Reminders: past the guichet's deadline day, the companies holding a running lot without a submitted relevé of last
month get one email; the facilitators see the same list."""

from datetime import date

import pytest
from django.conf import settings
from django.core import mail

from entreprises import services
from entreprises.models import RelanceReleve
from entreprises.tasks import releves_relancer
from guichet.enums import Role
from guichet.services import parametres_update

from ..clients import connecte, url
from ..factories import AttributionFactory, ContactEntrepriseFactory, EntrepriseFactory, ReleveFactory
from .releves import MARS, monde


@pytest.fixture
def lancer(django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return releves_relancer.delay().get()

    return run


def test_the_reminder_job_is_scheduled_with_celery_beat():
    assert settings.CELERY_BEAT_SCHEDULE["relances-releves"]["task"] == releves_relancer.name


def test_companies_without_a_submitted_relevé_are_reminded_once_after_the_deadline(
    guichet_a, guichet_b, voyage, lancer
):
    a, b = monde(guichet_a), monde(guichet_b)
    with guichet_a.scope():
        ContactEntrepriseFactory(
            guichet=a.guichet, entreprise=a.entreprise, email="Paie@Batir.fr", role="administratif"
        )
        ContactEntrepriseFactory(
            guichet=a.guichet, entreprise=a.entreprise, email="chantier@batir.fr", role="encadrement"
        )
        # Co-traitant of the same lot, with a draft only: reminded. Titulaire of another lot, submitted: not.
        brouillon = EntrepriseFactory(guichet=a.guichet, raison_sociale="Brouillon et fils")
        AttributionFactory(guichet=a.guichet, lot=a.lot, entreprise=brouillon, role="cotraitant")
        ReleveFactory(guichet=a.guichet, entreprise=brouillon, periode=MARS)
        a_jour = EntrepriseFactory(guichet=a.guichet, raison_sociale="À jour")
        AttributionFactory(guichet=a.guichet, lot=a.lot, entreprise=a_jour, role="cotraitant")
        ReleveFactory(guichet=a.guichet, entreprise=a_jour, periode=MARS, soumis=True)
        sous_traitant = EntrepriseFactory(guichet=a.guichet, raison_sociale="Sous-traitant")
        AttributionFactory(guichet=a.guichet, lot=a.lot, entreprise=sous_traitant, role="sous_traitant")
    with guichet_b.scope():
        parametres_update(guichet=b.guichet, acting_user=None, jour_limite_releve=20)

    voyage(date(2026, 4, 15))
    assert lancer() == {"relances": 0, "echecs": 0}
    voyage(date(2026, 4, 16))
    assert lancer() == {"relances": 2, "echecs": 0}
    envois = {message.to[0]: message for message in mail.outbox}
    assert set(envois) == {"entreprise@guichet-a.test", "paie@batir.fr"}
    message = envois["paie@batir.fr"]
    assert message.subject == "Relevé d'heures de mars 2026 à envoyer – Guichet A"
    assert (
        f"de {a.entreprise.raison_sociale} pour mars 2026 était attendu au plus tard le 15 avril 2026" in message.body
    )
    assert settings.SITE_URL + url("mon_espace", guichet_a) in message.body
    with guichet_a.scope():
        assert set(RelanceReleve.objects.values_list("entreprise__raison_sociale", "destinataires")) == {
            (a.entreprise.raison_sociale, 2),
            ("Brouillon et fils", 0),
        }

    mail.outbox.clear()
    voyage(date(2026, 4, 17))
    assert lancer() == {"relances": 0, "echecs": 0}  # once per company and month
    voyage(date(2026, 4, 21))
    assert lancer() == {"relances": 1, "echecs": 0}  # guichet B's deadline is the 20th
    assert [m.to for m in mail.outbox] == [["entreprise@guichet-b.test"]]
    voyage(date(2026, 5, 16))  # April: the lot ended on 20 March, nothing is owed any more
    assert lancer() == {"relances": 0, "echecs": 0}


def test_facilitators_see_the_missing_relevés_of_a_month(client, guichet_a, voyage):
    m = monde(guichet_a)
    voyage(date(2026, 4, 16))
    with guichet_a.scope():
        services.releves_relancer(guichet=m.guichet, aujourdhui=date(2026, 4, 16))
    page = connecte(client, guichet_a).get(url("releves_manquants", guichet_a))
    assert page.status_code == 200
    assert list(page.context["entreprises"]) == [m.entreprise]
    assert "le 16/04/2026" in page.content.decode()
    page = client.get(url("releves_manquants", guichet_a), {"periode": "2026-05"})
    assert list(page.context["entreprises"]) == []
    with guichet_a.scope():
        ReleveFactory(guichet=m.guichet, entreprise=m.entreprise, periode=MARS, soumis=True)
    assert list(client.get(url("releves_manquants", guichet_a)).context["entreprises"]) == []
    assert connecte(client, guichet_a, Role.ENTREPRISE).get(url("releves_manquants", guichet_a)).status_code == 403
