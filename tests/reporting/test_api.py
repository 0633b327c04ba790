"""``indicateurs/`` (api.md): the figures of ``jeux.py``, as integrators read them, and the roles' scopes."""

from decimal import Decimal

import pytest

from acheteurs.models import Acheteur
from guichet.enums import Role

from ..clients import api, url
from .jeux import ANNEE, ATTENDU, ATTENDU_V, territoire_calcule

CHAMPS_API = [
    "marches_notifies",
    "marches_avec_consideration_sociale",
    "part_consideration_sociale",
    "heures_dues",
    "heures_realisees",
    "taux_realisation",
    "beneficiaires",
    "contrats_travail",
    "entreprises",
    "etp",
]


@pytest.fixture
def jeu(deux_guichets):
    a, b = deux_guichets
    territoire_calcule(b)
    return a, territoire_calcule(a)


def _lire(membre, territoire, **params):
    return api(membre).get(url("api:indicateurs", territoire), params)


def _comme_attendu(data, attendu):
    return {champ: data[champ] if isinstance(data[champ], int) else Decimal(data[champ]) for champ in CHAMPS_API} == {
        champ: attendu[champ] for champ in CHAMPS_API
    }


def test_the_figures_of_a_year_as_api_md_names_them(jeu):
    a, _ = jeu
    response = _lire(a.membres[Role.FACILITATEUR], a, annee=ANNEE)
    assert response.status_code == 200
    data = response.json()
    assert set(CHAMPS_API) <= set(data)
    assert _comme_attendu(data, ATTENDU)
    # Hours due are whole hours (a JSON integer, as on the clauses); other decimals are decimal strings.
    assert data["heures_dues"] == 1670 and data["heures_realisees"] == "405.00" and data["taux_realisation"] == "0.2425"
    assert data["part_consideration_sociale"] == "0.6667" and data["etp"] == "0.25"
    assert (data["annee"], data["acheteur"], data["structures_inclusives"]) == (ANNEE, None, 1)


def test_filtered_by_buyer(jeu):
    a, t = jeu
    data = _lire(a.membres[Role.LECTEUR], a, annee=ANNEE, acheteur=t.v.pk).json()
    assert _comme_attendu(data, ATTENDU_V) and data["acheteur"] == t.v.pk


def test_a_buyer_member_reads_its_own_buyer_only(jeu):
    a, t = jeu
    membre = a.membres[Role.ACHETEUR]
    with a.scope():
        t.m1.acheteur = membre.acheteur
        t.m1.save()
    data = _lire(membre, a, annee=ANNEE).json()
    assert data["acheteur"] == membre.acheteur_id
    assert (data["marches_notifies"], data["heures_dues"], data["heures_realisees"]) == (1, 640, "220.00")
    response = _lire(membre, a, annee=ANNEE, acheteur=t.v.pk)
    assert response.status_code == 400
    assert response.json() == {"acheteur": ["Cet acheteur n'existe pas ou ne vous est pas visible."]}


def test_a_company_member_is_refused(jeu):
    a, _ = jeu
    assert _lire(a.membres[Role.ENTREPRISE], a, annee=ANNEE).status_code == 403


def test_a_buyer_of_another_guichet_is_refused_and_the_other_guichet_is_404(jeu, guichet_b):
    a, _ = jeu
    with guichet_b.scope():
        autre = Acheteur.objects.first()
    response = _lire(a.membres[Role.ADMIN], a, annee=ANNEE, acheteur=autre.pk)
    assert response.status_code == 400 and "acheteur" in response.json()
    assert _lire(a.membres[Role.ADMIN], guichet_b, annee=ANNEE).status_code == 404


@pytest.mark.parametrize(
    ("annee", "message"),
    [
        ("deux-mille", "Indiquez une année sur quatre chiffres, par exemple 2026."),
        ("1999", "Indiquez une année à partir de 2000."),
    ],
)
def test_a_bad_year_is_a_clear_french_error(guichet_a, annee, message):
    response = _lire(guichet_a.membres[Role.ADMIN], guichet_a, annee=annee)
    assert response.status_code == 400 and response.json() == {"annee": [message]}


def test_the_year_defaults_to_the_current_one(guichet_a, voyage):
    from datetime import date

    voyage(date(2031, 6, 1))
    assert _lire(guichet_a.membres[Role.ADMIN], guichet_a).json()["annee"] == 2031
