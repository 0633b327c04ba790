"""Fault: the database refuses a write in the middle of a service that writes several rows (here the disk is full
when the audit entry, written last, goes in: a trigger raises SQLSTATE 53100). The service's one transaction is
rolled back: every table of the application is as before (row counts and contents), and the user reads a French
message (503), JSON for the API."""

from datetime import date

import pytest
from django.apps import apps
from django.db import connection

from guichet.enums import Role
from guichet.middleware import MESSAGE_ERREUR_BASE
from guichet.models import JournalAudit

from ..clients import api, connecte, url
from ..entreprises.chantier import chantier as construire_chantier
from ..entreprises.chantier import ligne
from ..factories import AchatPrevuFactory, EntrepriseFactory, LotFactory

APPLICATIONS = ("guichet", "acheteurs", "conventions", "marches", "entreprises", "publics", "reporting")


def photographie():
    """``{table: (rows, md5 of every row)}`` for every table of the application, read in SQL (no tenancy scope)."""
    tables = sorted({m._meta.db_table for a in APPLICATIONS for m in apps.get_app_config(a).get_models()})
    with connection.cursor() as cursor:
        resultat = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {table} t"
            )
            resultat[table] = cursor.fetchone()
    return resultat


@pytest.fixture
def disque_plein():
    """``disque_plein(action)``: from now on, writing an audit entry of ``action`` fails as on a full disk."""

    def panne(action):
        table = JournalAudit._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE OR REPLACE FUNCTION panne_simulee() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.action = TG_ARGV[0] THEN RAISE EXCEPTION 'disque plein (panne simulée)' "
                "USING ERRCODE = 'disk_full'; END IF; RETURN NEW; END $$"
            )
            cursor.execute(f"DROP TRIGGER IF EXISTS panne_simulee ON {table}")
            cursor.execute(
                f"CREATE TRIGGER panne_simulee BEFORE INSERT ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION panne_simulee(%s)".replace("%s", f"'{action}'")
            )

    return panne


def _releve_soumis(territoire, contrat):
    with territoire.scope():
        juillet = ligne(territoire, contrat, date(2026, 7, 1), date(2026, 7, 31), 60, valide=False)
        juillet.releve.statut = "soumis"
        juillet.releve.save()
    return juillet.releve


def _verifier(reponse, avant, *, json=False):
    assert reponse.status_code == 503
    if json:
        assert reponse.json() == {"detail": MESSAGE_ERREUR_BASE}
    else:
        assert MESSAGE_ERREUR_BASE.replace("'", "&#x27;") in reponse.text
    apres = photographie()
    assert apres == avant, {t: (avant[t], apres[t]) for t in avant if avant[t] != apres[t]}


CAS = ["validation d'un relevé (page)", "validation d'un relevé (API)", "attribution", "marché d'un achat prévu"]


@pytest.mark.parametrize("cas", CAS)
def test_a_database_error_in_the_middle_of_a_service_writes_nothing_and_says_so(
    client, guichet_a, voyage, disque_plein, cas
):
    voyage(date(2026, 8, 1))
    territoire, _, _, _, contrat, _ = construire_chantier(guichet_a)
    g = territoire.guichet
    page = connecte(client, territoire)  # signed in before the photograph (the sign-in writes its date)
    client_api = api(territoire.membres[Role.FACILITATEUR])
    if cas.startswith("validation"):
        releve = _releve_soumis(territoire, contrat)
        disque_plein("releve.validate")  # after the lines' and the relevé's updates
        avant = photographie()
        if cas.endswith("(API)"):
            _verifier(client_api.post(url("api:releve-valider", territoire, pk=releve.pk), {}), avant, json=True)
        else:
            _verifier(page.post(url("releve_valider", territoire, pk=releve.pk)), avant)
    elif cas == "attribution":
        with territoire.scope():
            lot = LotFactory(guichet=g)
            autre = EntrepriseFactory(guichet=g)
        disque_plein("attribution.create")  # after the attribution's insert
        avant = photographie()
        donnees = {"entreprise": autre.pk, "role": "titulaire", "montant_ht": "1000", "date_notification": "2026-03-01"}
        _verifier(page.post(url("attribution_creer", territoire, pk=lot.pk), donnees), avant)
    else:
        with territoire.scope():
            achat = AchatPrevuFactory(guichet=g)
        disque_plein("achat_prevu.transformer")  # after the marché, its audit entry and the purchase's update
        avant = photographie()
        donnees = {"reference": "2026-PANNE", "objet": "Travaux", "type_contrat": "marche", "montant_estime_ht": "9000"}
        reponse = page.post(url("achat_prevu_transformer", territoire, pk=achat.pk), donnees)
        _verifier(reponse, avant)
    print(f"\nPanne « erreur de base » ({cas}) : 503 en français, {len(avant)} tables inchangées")
