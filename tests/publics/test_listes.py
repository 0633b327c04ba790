"""The list pages of the people's records, and the API lists not covered beside them, answer in a number of queries
that does not grow with the data (two sizes)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guichet.enums import Role

from ..clients import connecte, url
from ..factories import (
    ContactPrescripteurFactory,
    ContratFactory,
    EligibiliteFactory,
    LotFactory,
    PositionnementFactory,
    SortieFactory,
)


def _peupler(territoire, n):
    """``n`` people with an eligibility ending soon, an ended contract (outcome to record), an outcome, a
    positioning and a prescriber with a contact."""
    g = territoire.guichet
    with territoire.scope():
        lot = LotFactory(guichet=g)
        for _ in range(n):
            contrat = ContratFactory(guichet=g, lot=lot, date_fin=date(2026, 3, 31))
            personne = contrat.beneficiaire
            EligibiliteFactory(guichet=g, beneficiaire=personne, valide_jusqu_au=date(2026, 6, 1))
            SortieFactory(guichet=g, contrat=ContratFactory(guichet=g, beneficiaire=personne))
            PositionnementFactory(guichet=g, beneficiaire=personne)
            ContactPrescripteurFactory(guichet=g)


@pytest.mark.parametrize(
    "name",
    [
        "beneficiaires",
        "contrats",
        "prescripteurs",
        "doublons",
        "eligibilites_echeances",
        "sorties_a_saisir",
        "journal_acces",
        "api:prescripteur-list",
        "api:positionnement-list",
        "api:acces-donnees-list",
    ],
)
def test_lists_answer_in_a_constant_number_of_queries(
    client, sans_cache, guichet_a, voyage, name, django_assert_max_num_queries
):
    voyage(date(2026, 5, 20))
    _peupler(guichet_a, 1)
    connecte(client, guichet_a, Role.ADMIN)
    with CaptureQueriesContext(connection) as peu:
        assert client.get(url(name, guichet_a)).status_code == 200
    _peupler(guichet_a, 8)
    with django_assert_max_num_queries(len(peu.captured_queries)):
        assert client.get(url(name, guichet_a)).status_code == 200
