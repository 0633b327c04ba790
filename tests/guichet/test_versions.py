"""The version of a guichet's data (guichet/versions.py): noted by PostgreSQL's triggers at every write, read in one
query, and the answers of the pages and API lists kept under it."""

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from acheteurs.models import Acheteur
from guichet import rls, versions
from guichet.enums import Role
from guichet.models import Ecriture, Guichet, Utilisateur
from guichet.tenancy import guichet_scope
from guichet.versions import version
from publics.models import AccesDonnees

from ..clients import api, connecte, url
from ..conftest import EN_ROLE_APPLICATION, url_base
from ..factories import AcheteurFactory, BeneficiaireFactory, EligibiliteFactory, PrescripteurFactory


def test_every_table_of_a_guichets_rows_notes_its_writes(db):
    """A new tenant table gets its triggers at the next migrate, like its row-level security policy."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, array_agg(t.tgname::text ORDER BY t.tgname) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE 'ecritures\\_%%' GROUP BY 1"
        )
        presents = dict(cursor.fetchall())
    tables = [table for table in rls.tables_protegees() if table != versions.TABLE]
    assert len(tables) > 40
    for table in tables:
        assert presents.get(table) == sorted(versions.DECLENCHEURS), table
    assert presents["guichet_guichet"] == sorted(versions.AUTRES["guichet_guichet"])
    assert presents["guichet_utilisateur"] == ["ecritures_nom"]
    assert versions.TABLE not in presents


def test_the_triggers_come_back_after_a_migrate_when_a_table_lost_them(db):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER ecritures_modif ON acheteurs_acheteur")
    versions.installer_declencheurs()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = 'ecritures_modif' AND tgrelid = 'acheteurs_acheteur'::regclass"
        )
        assert cursor.fetchone()


def test_each_write_changes_its_own_guichets_version_only(deux_guichets):
    a, b = deux_guichets
    avant_a, avant_b = version(a.guichet.pk), version(b.guichet.pk)
    with a.scope():
        acheteur = AcheteurFactory(guichet=a.guichet)
    apres_ajout = version(a.guichet.pk)
    assert apres_ajout != avant_a and version(b.guichet.pk) == avant_b
    with a.scope():
        Acheteur.objects.filter(pk=acheteur.pk).update(nom="Autre nom")  # a bulk update, no save(), no signal
    apres_modif = version(a.guichet.pk)
    assert apres_modif != apres_ajout and version(b.guichet.pk) == avant_b
    with a.scope():
        Acheteur.objects.filter(nom="aucun de ce nom").update(nom="x")  # no row: nothing written
    assert version(a.guichet.pk) == apres_modif
    with a.scope():
        acheteur.delete()
    assert version(a.guichet.pk) != apres_modif and version(b.guichet.pk) == avant_b


def test_a_write_rolled_back_leaves_the_version(guichet_a):
    avant = version(guichet_a.guichet.pk)
    with guichet_a.scope(), pytest.raises(RuntimeError), transaction.atomic():
        AcheteurFactory(guichet=guichet_a.guichet)
        raise RuntimeError
    assert version(guichet_a.guichet.pk) == avant


def test_renaming_a_guichet_changes_its_version_and_a_users_name_every_version(deux_guichets):
    a, b = deux_guichets
    avant_a, avant_b = version(a.guichet.pk), version(b.guichet.pk)
    Guichet.objects.filter(pk=a.guichet.pk).update(nom="PLIE renommé")
    assert version(a.guichet.pk) != avant_a and version(b.guichet.pk) == avant_b
    avant_a = version(a.guichet.pk)
    utilisateur = a.membres[Role.FACILITATEUR].utilisateur
    Utilisateur.objects.filter(pk=utilisateur.pk).update(last_login=None)  # not shown on pages: no new version
    assert (version(a.guichet.pk), version(b.guichet.pk)) == (avant_a, avant_b)
    Utilisateur.objects.filter(pk=utilisateur.pk).update(nom="Nouveau nom")  # shown on pages of any guichet
    assert version(a.guichet.pk) != avant_a and version(b.guichet.pk) != avant_b


def test_compacting_keeps_one_row_per_guichet_and_changes_the_versions(deux_guichets):
    a, b = deux_guichets
    with a.scope():
        AcheteurFactory.create_batch(3, guichet=a.guichet)
    avant = version(a.guichet.pk)
    assert versions.compacter() > 0
    restantes = list(Ecriture.objects.values_list("guichet_id", flat=True))
    assert len(restantes) == len(set(restantes)) and {a.guichet.pk, b.guichet.pk} <= set(restantes)
    assert version(a.guichet.pk) != avant
    with a.scope():
        AcheteurFactory(guichet=a.guichet)
    assert version(a.guichet.pk) != avant


@pytest.mark.skipif(EN_ROLE_APPLICATION, reason="compare le propriétaire et le rôle de l'application")
@pytest.mark.django_db(transaction=True)
def test_the_application_role_notes_and_reads_versions_without_seeing_the_table(deux_guichets, role_application):
    a, b = deux_guichets
    avant_b = version(b.guichet.pk)
    with psycopg.connect(url_base(role_application)) as conn:
        conn.execute("SELECT set_config('app.guichet_id', %s, true)", [str(a.guichet.pk)])
        avant = conn.execute("SELECT version_des_donnees(%s)", [a.guichet.pk]).fetchone()[0]
        conn.execute(
            "INSERT INTO guichet_journalaudit (guichet_id, action, cible_type, cible_id, cible_libelle, details, "
            "cree_le) VALUES (%s, 'essai', 't', '1', '', '{}', now())",
            [a.guichet.pk],
        )
        assert conn.execute("SELECT version_des_donnees(%s)", [a.guichet.pk]).fetchone()[0] != avant
        # Its policy shows the application only its guichet's rows (not those of all guichets, nor another's).
        lignes = "SELECT count(*) FROM guichet_ecriture WHERE guichet_id IS DISTINCT FROM %s"
        assert conn.execute(lignes, [a.guichet.pk]).fetchone()[0] == 0
        conn.commit()
    assert version(b.guichet.pk) == avant_b


# --- Answers kept in the cache -------------------------------------------------------------------------------------


def _requetes(client, adresse, **kwargs):
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(adresse, **kwargs)
    assert reponse.status_code == 200
    return reponse, len(requetes.captured_queries)


def test_a_list_page_is_kept_until_the_guichet_writes(client, guichet_a):
    with guichet_a.scope():
        AcheteurFactory.create_batch(3, guichet=guichet_a.guichet)
    connecte(client, guichet_a)
    adresse = url("acheteurs", guichet_a)
    client.get(adresse)  # the first visit gets its CSRF cookie: pages are kept from then on
    premiere, calcul = _requetes(client, adresse)
    seconde, gardee = _requetes(client, adresse)
    assert seconde.content == premiere.content and gardee < calcul
    with guichet_a.scope():
        AcheteurFactory(guichet=guichet_a.guichet, nom="Commune écrite par un test")
    troisieme, _ = _requetes(client, adresse)
    assert "Commune écrite par un test" in troisieme.text


def test_a_kept_page_is_the_members_own_and_its_guichets_own(client, deux_guichets):
    a, b = deux_guichets
    with a.scope():
        AcheteurFactory(guichet=a.guichet, nom="Commune du guichet A")
    adresse = url("guichet_accueil", a)
    connecte(client, a, Role.FACILITATEUR)
    client.get(adresse)
    facilitateur = client.get(adresse)
    client.logout()
    connecte(client, a, Role.LECTEUR)
    client.get(adresse)
    lecteur = client.get(adresse)
    assert lecteur.content != facilitateur.content  # the copil's dashboard, not the facilitator's kept one
    assert "reporting/copil.html" in [t.name for t in lecteur.templates]
    client.logout()
    connecte(client, b, Role.FACILITATEUR)
    assert client.get(url("acheteurs", a)).status_code == 404
    assert "Commune du guichet A" not in client.get(url("acheteurs", b)).text


def test_htmx_gets_its_results_and_a_message_is_shown_once(client, guichet_a):
    with guichet_a.scope():
        prescripteur = PrescripteurFactory(guichet=guichet_a.guichet)
    connecte(client, guichet_a)
    adresse = url("prescripteurs", guichet_a)
    client.get(adresse)
    page = client.get(adresse).text
    resultats = client.get(adresse, headers={"HX-Request": "true"}).text
    assert "<html" in page and "<html" not in resultats
    # The deletion leads back to the list with its message: shown on that visit, and not on the next.
    suppression = client.post(url("prescripteur_supprimer", guichet_a, pk=prescripteur.pk), follow=True)
    assert suppression.redirect_chain[-1][0] == adresse and "Prescripteur supprimé." in suppression.text
    assert "Prescripteur supprimé." not in client.get(adresse).text


def test_kept_answers_are_encrypted(client, guichet_a):
    with guichet_a.scope():
        BeneficiaireFactory(guichet=guichet_a.guichet, nom="Nomtrèsrare")
    connecte(client, guichet_a)
    adresse = url("beneficiaires", guichet_a)
    client.get(adresse)
    assert "Nomtrèsrare" in client.get(adresse).text
    brut = cache._cache.get_client()
    cles = list(brut.scan_iter(f"{cache.key_prefix}:*reponse*"))
    assert cles and not any(b"Nomtr" in brut.get(cle) for cle in cles)
    # Nor does a key name the session (whose key opens it).
    assert not any(client.session.session_key.encode() in cle for cle in cles)


def test_an_api_list_is_kept_until_the_guichet_writes(guichet_a):
    client = api(guichet_a.membres[Role.FACILITATEUR])
    adresse = url("api:acheteur-list", guichet_a)
    premiere, calcul = _requetes(client, adresse)
    seconde, gardee = _requetes(client, adresse)
    assert seconde.json() == premiere.json() and gardee < calcul
    with guichet_a.scope():
        AcheteurFactory(guichet=guichet_a.guichet, nom="Commune de l'API")
    assert "Commune de l'API" in [x["nom"] for x in client.get(adresse).json()["results"]]


def test_a_list_that_logs_its_reads_of_personal_data_logs_them_at_every_visit(guichet_a):
    with guichet_a.scope():
        EligibiliteFactory(guichet=guichet_a.guichet)
    client = api(guichet_a.membres[Role.FACILITATEUR])
    adresse = url("api:eligibilite-list", guichet_a)
    for visite in (1, 2, 3):
        assert client.get(adresse).status_code == 200
        with guichet_a.scope():
            assert AccesDonnees.objects.count() == visite


def test_nothing_is_kept_when_the_setting_is_zero(client, guichet_a, settings):
    settings.PAGES_CACHE_SECONDES = 0
    connecte(client, guichet_a)
    adresse = url("acheteurs", guichet_a)
    client.get(adresse)
    _, premiere = _requetes(client, adresse)
    _, seconde = _requetes(client, adresse)
    assert premiere == seconde


def test_the_version_is_read_under_the_guichets_scope_in_one_query(guichet_a):
    with guichet_scope(guichet_a.guichet.pk), CaptureQueriesContext(connection) as requetes:
        version(guichet_a.guichet.pk)
    assert len(requetes.captured_queries) == 1
