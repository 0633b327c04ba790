"""The daily job: tacit renewals, then one warning per convention and end date, by email and on the home
page, ``alerte_fin_convention_jours`` (90) days before the end."""

from datetime import date

import pytest
from django.conf import settings
from django.core import mail

from conventions import services
from conventions.models import AlerteEcheance, Convention
from conventions.tasks import conventions_echeances
from guichet.enums import Role
from guichet.services import parametres_update

from ..clients import url
from ..factories import ConventionFactory

FIN = date(2027, 3, 31)  # 90 days after 2026-12-31


@pytest.fixture
def lancer(django_capture_on_commit_callbacks):
    """Run the daily job as beat does (eagerly here), emails sent on commit."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return conventions_echeances.delay().get()

    return run


def signee(territoire, **kwargs):
    with territoire.scope():
        return ConventionFactory(guichet=territoire.guichet, signee=True, date_fin=FIN, **kwargs)


def test_the_daily_job_is_scheduled_with_celery_beat():
    schedule = settings.CELERY_BEAT_SCHEDULE["echeances-conventions"]
    assert schedule["task"] == conventions_echeances.name == "conventions.tasks.conventions_echeances"


def test_facilitators_and_admins_are_warned_once_90_days_before_the_end(deux_guichets, voyage, lancer):
    a, b = deux_guichets
    convention = signee(a, reference="CONV-LENS", acheteur=a.membres[Role.ACHETEUR].acheteur)
    signee(b, reference="CONV-B")
    voyage(date(2026, 12, 30))
    assert lancer() == {"reconduites": 0, "alertes": 0, "echecs": 0}
    assert mail.outbox == []

    voyage(date(2026, 12, 31))
    assert lancer() == {"reconduites": 0, "alertes": 2, "echecs": 0}
    envois = {message.to[0]: message for message in mail.outbox}
    assert set(envois) == {f"{role}@{t.slug}.test" for role in ("admin", "facilitateur") for t in (a, b)}
    message = envois["facilitateur@guichet-a.test"]
    assert message.subject == "Une convention arrive à échéance – Guichet A"
    assert "CONV-LENS avec " + convention.acheteur.nom + " : fin le 31/03/2027." in message.body
    assert settings.SITE_URL + url("convention", a, pk=convention.pk) in message.body
    assert "CONV-B" not in message.body

    voyage(date(2027, 1, 1))
    assert lancer()["alertes"] == 0  # no duplicate warning
    assert len(mail.outbox) == 4
    with a.scope():
        assert AlerteEcheance.objects.get().date_fin == FIN


def test_the_home_page_shows_the_conventions_nearing_their_end_to_those_who_act_on_them(client, guichet_a, voyage):
    signee(guichet_a, reference="CONV-LENS")
    voyage(date(2027, 1, 30))
    client.force_login(guichet_a.membres[Role.FACILITATEUR].utilisateur)
    text = client.get(url("guichet_accueil", guichet_a)).text
    assert "1 convention arrive à échéance" in text and "CONV-LENS" in text and "(dans 60 jours)" in text
    client.force_login(guichet_a.membres[Role.LECTEUR].utilisateur)
    assert "CONV-LENS" not in client.get(url("guichet_accueil", guichet_a)).text


def test_a_tacitly_renewed_convention_is_warned_again_before_its_new_end(guichet_a, voyage, lancer):
    convention = signee(guichet_a, reconduction_tacite=True, duree_reconduction_mois=12)
    voyage(date(2026, 12, 31))
    lancer()
    assert "reconduite tacitement après le 31/03/2027, sauf dénonciation" in mail.outbox[-1].body
    voyage(date(2027, 4, 1))
    assert lancer() == {"reconduites": 1, "alertes": 0, "echecs": 0}
    with guichet_a.scope():
        assert Convention.objects.get(pk=convention.pk).date_fin == date(2028, 3, 31)
    voyage(date(2028, 1, 1))
    assert lancer()["alertes"] == 1
    with guichet_a.scope():
        assert sorted(AlerteEcheance.objects.values_list("date_fin", flat=True)) == [FIN, date(2028, 3, 31)]


def test_the_warning_period_is_a_setting_of_the_guichet(guichet_a, voyage, lancer):
    signee(guichet_a)
    with guichet_a.scope():
        parametres_update(guichet=guichet_a.guichet, acting_user=None, alerte_fin_convention_jours=30)
    voyage(date(2026, 12, 31))
    assert lancer()["alertes"] == 0
    voyage(date(2027, 3, 1))
    assert lancer()["alertes"] == 1


def test_projects_terminated_and_expired_conventions_are_not_warned(guichet_a, voyage, lancer):
    with guichet_a.scope():
        ConventionFactory(guichet=guichet_a.guichet, date_fin=FIN)
        ConventionFactory(guichet=guichet_a.guichet, statut="resiliee", date_fin=FIN)
        ConventionFactory(guichet=guichet_a.guichet, signee=True, date_fin=date(2026, 12, 1))
    voyage(date(2026, 12, 31))
    assert lancer()["alertes"] == 0


def test_one_guichet_in_error_does_not_stop_the_others(deux_guichets, voyage, lancer, monkeypatch):
    a, b = deux_guichets
    signee(a)
    signee(b)
    alerter = services.conventions_alerter_echeances

    def en_panne(*, guichet, aujourdhui):
        if guichet == a.guichet:
            raise RuntimeError("panne")
        return alerter(guichet=guichet, aujourdhui=aujourdhui)

    monkeypatch.setattr(services, "conventions_alerter_echeances", en_panne)
    voyage(date(2026, 12, 31))
    assert lancer() == {"reconduites": 0, "alertes": 1, "echecs": 1}
    assert {message.to[0] for message in mail.outbox} == {"admin@guichet-b.test", "facilitateur@guichet-b.test"}
