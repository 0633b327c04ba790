"""PostgreSQL row-level security, the last layer of tenancy (guichet/rls.py): the application's role, the policies
on every table with a guichet, the setting carried by each transaction, tasks, and the audited path across guichets.

Most tests connect as the application's role (``role_application`` in tests/conftest.py), so they commit what the
owner prepared first (``transaction=True``). ``tests/guichet/test_rls_demo.py`` checks the same on the demo data.
"""

import time

import psycopg
import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test import override_settings

from acheteurs.models import Acheteur
from entreprises import decompte
from entreprises.models import Allocation
from entreprises.tasks import decompte_guichet, decompte_nuit
from guichet import deux_facteurs, rls, selectors, services
from guichet.enums import ModeAcces, Role
from guichet.models import AccesTousGuichets, Guichet, JournalAudit, Membre, Tache
from guichet.tenancy import guichet_scope, pour_chaque_guichet, tous_guichets

from ..conftest import EN_ROLE_APPLICATION, connecte_en, lancer_worker, url_base
from ..entreprises.chantier import chantier, grand_livre
from ..factories import AcheteurFactory, MembreFactory

# These tests compare what the owner sees with what the application's role sees: they connect as the owner first.
pytestmark = pytest.mark.skipif(EN_ROLE_APPLICATION, reason="compare le propriétaire et le rôle de l'application")

transactionnel = pytest.mark.django_db(transaction=True)


def compter(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def tables_des_guichets():
    """Every table with a foreign key to the guichet, found here independently of guichet.rls."""
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is Guichet
        }
    )


# Buyers of each guichet: those made here, plus the one its ``acheteur`` member acts for (tests/conftest.py).
NA, NB = 4, 3


@pytest.fixture
def acheteurs(deux_guichets):
    a, b = deux_guichets
    for territoire, nombre in ((a, NA - 1), (b, NB - 1)):
        with territoire.scope():
            AcheteurFactory.create_batch(nombre, guichet=territoire.guichet)
    return a, b


# --- The role and the policies --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_application_role_is_not_superuser_cannot_bypass_the_policies_and_owns_no_table(role_application):
    with psycopg.connect(url_base(role_application), autocommit=True) as conn:
        pouvoirs = conn.execute(
            "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert pouvoirs == (False, False, False, False)
        possedees = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() "
            "AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
        ).fetchone()[0]
        assert possedees == 0
        for ordre in ("ALTER TABLE guichet_membre DISABLE ROW LEVEL SECURITY", "TRUNCATE guichet_membre"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(ordre)


@pytest.mark.django_db
def test_every_table_with_a_guichet_has_row_level_security_and_the_policy():
    tables = tables_des_guichets()
    assert len(tables) >= 40
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relrowsecurity "
            "AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s)",
            [rls.NOM_POLITIQUE],
        )
        protegees = {row[0] for row in cursor.fetchall()}
    assert set(tables) - protegees == set()


@pytest.mark.django_db
def test_the_policies_are_applied_again_when_a_table_lost_them():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP POLICY {rls.NOM_POLITIQUE} ON acheteurs_acheteur")
        cursor.execute("ALTER TABLE acheteurs_acheteur DISABLE ROW LEVEL SECURITY")
    assert "acheteurs_acheteur" in rls.appliquer_politiques(connection)
    assert rls.rls_active(connection, "acheteurs_acheteur") is False  # the owner is not subject
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity, (SELECT count(*) FROM pg_policy WHERE polrelid = c.oid) FROM pg_class c "
            "WHERE relname = 'acheteurs_acheteur'"
        )
        assert cursor.fetchone() == (True, 1)


@pytest.mark.django_db
def test_a_superuser_application_role_is_refused():
    with pytest.raises(ImproperlyConfigured, match="superutilisateur"):
        rls.preparer_role_application(connection, "postgres")


@transactionnel
def test_migrate_switches_to_the_owner_and_back(role_application):
    proprietaire = connection.settings_dict["USER"]
    with connecte_en(role_application), override_settings(DATABASE_OWNER={"USER": proprietaire, "PASSWORD": ""}):
        with rls.en_proprietaire() as owner, owner.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == proprietaire
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == role_application["USER"]


# --- Raw SQL as the application's role -------------------------------------------------------------------------


@transactionnel
def test_raw_sql_without_a_guichet_sees_nothing_and_writes_nothing(acheteurs, role_application):
    assert compter("acheteurs_acheteur") == NA + NB
    a, _ = acheteurs
    with psycopg.connect(url_base(role_application)) as conn:
        assert conn.execute("SELECT count(*) FROM acheteurs_acheteur").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM guichet_membre").fetchone()[0] == 0
        # Guichets themselves are not tenant rows: the middleware reads them before it knows the member.
        assert conn.execute("SELECT count(*) FROM guichet_guichet").fetchone()[0] == 2
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            _journal(conn, a.guichet.pk)


@transactionnel
def test_raw_sql_under_guichet_a_sees_and_writes_only_guichet_a(acheteurs, role_application):
    a, b = acheteurs
    with psycopg.connect(url_base(role_application)) as conn:
        conn.execute("SELECT set_config('app.guichet_id', %s, true)", [str(a.guichet.pk)])
        assert conn.execute("SELECT count(*) FROM acheteurs_acheteur").fetchone()[0] == NA
        assert conn.execute("SELECT DISTINCT guichet_id FROM guichet_membre").fetchall() == [(a.guichet.pk,)]
        assert (
            conn.execute("UPDATE acheteurs_acheteur SET nom = 'x' WHERE guichet_id = %s", [b.guichet.pk]).rowcount == 0
        )
        assert conn.execute("DELETE FROM acheteurs_acheteur WHERE guichet_id = %s", [b.guichet.pk]).rowcount == 0
        _journal(conn, a.guichet.pk)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"), conn.transaction():
            _journal(conn, b.guichet.pk)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"), conn.transaction():
            conn.execute("UPDATE acheteurs_acheteur SET guichet_id = %s", [b.guichet.pk])
    with b.scope():
        assert Acheteur.objects.count() == NB and not Acheteur.objects.filter(nom="x").exists()


def _journal(conn, guichet_id):
    conn.execute(
        "INSERT INTO guichet_journalaudit (guichet_id, action, cible_type, cible_id, cible_libelle, details, cree_le) "
        "VALUES (%s, 'essai', 't', '1', '', '{}', now())",
        [guichet_id],
    )


# --- The setting, carried by each transaction (Django connection as the application's role) -----------------


@transactionnel
def test_the_scope_opens_its_guichet_in_a_transaction_and_the_setting_ends_with_it(acheteurs, role_application):
    a, b = acheteurs
    with connecte_en(role_application):
        with transaction.atomic(), a.scope():
            assert compter("acheteurs_acheteur") == NA
            with b.scope():  # another guichet inside the same transaction: the setting follows
                assert compter("acheteurs_acheteur") == NB
            assert compter("acheteurs_acheteur") == NA
            with guichet_scope(None):
                assert compter("acheteurs_acheteur") == 0
        # Same (persistent) connection, next transaction: nothing left of the guichet.
        assert compter("acheteurs_acheteur") == 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(current_setting('app.guichet_id', true), '')")
            assert cursor.fetchone()[0] == ""


@transactionnel
def test_a_statement_in_autocommit_under_a_scope_gets_its_guichet(acheteurs, role_application):
    a, _ = acheteurs
    with connecte_en(role_application), a.scope():
        assert connection.get_autocommit()
        assert Acheteur.objects.count() == NA
        # A server-side cursor (WITH HOLD in autocommit) reads its rows inside the transaction of its setting.
        assert len(list(Acheteur.objects.iterator(chunk_size=1))) == NA
        nouveau = Acheteur.objects.create(guichet=a.guichet, nom="Créé en autocommit", type="commune")
        assert Acheteur.objects.filter(pk=nouveau.pk).exists()


@transactionnel
def test_a_rolled_back_savepoint_does_not_lose_the_setting(acheteurs, role_application):
    a, _ = acheteurs
    with connecte_en(role_application), transaction.atomic(), a.scope():
        try:
            with transaction.atomic():
                assert compter("acheteurs_acheteur") == NA  # the setting is sent inside this savepoint…
                raise RuntimeError
        except RuntimeError:
            pass
        assert compter("acheteurs_acheteur") == NA  # … undone by ROLLBACK TO, and sent again


@transactionnel
def test_my_guichets_lists_every_guichet_of_the_user_through_the_database_function(deux_guichets, role_application):
    a, b = deux_guichets
    utilisateur = a.membres[Role.LECTEUR].utilisateur
    with b.scope():
        MembreFactory(guichet=b.guichet, utilisateur=utilisateur, role=Role.LECTEUR)
    with connecte_en(role_application):
        assert {g.slug for g in selectors.guichets_of_user(user=utilisateur)} == {a.slug, b.slug}
        with b.scope():
            Membre.objects.filter(utilisateur=utilisateur).update(actif=False)
        assert [g.slug for g in selectors.guichets_of_user(user=utilisateur)] == [a.slug]


@transactionnel
def test_the_second_factor_is_still_required_under_row_level_security(deux_guichets, role_application):
    """Sign-in reads the person's roles before any guichet is chosen: through ``roles_du_membre``, not through the
    memberships table the policies hide (a facilitator would otherwise sign in with the password alone)."""
    a, b = deux_guichets
    lecteur, facilitateur = (a.membres[role].utilisateur for role in (Role.LECTEUR, Role.FACILITATEUR))
    with connecte_en(role_application):
        assert (deux_facteurs.requis(facilitateur), deux_facteurs.requis(lecteur)) == (True, False)
        with b.scope():  # a facilitator's role in another guichet is enough
            MembreFactory(guichet=b.guichet, utilisateur=lecteur, role=Role.FACILITATEUR)
        assert deux_facteurs.requis(lecteur)


# --- Tasks --------------------------------------------------------------------------------------------------


@transactionnel
def test_a_recompute_on_a_real_worker_connected_as_the_application_role(
    guichet_a, guichet_b, celery_eager_off, role_application
):
    territoire, entreprise, *_ = chantier(guichet_a)
    with territoire.scope():
        decompte.entreprise_recalculer(guichet=territoire.guichet, entreprise_id=entreprise.pk)
        attendu = grand_livre()
        assert attendu
        Allocation.objects.all().delete()
    process = lancer_worker(role_application)
    try:
        with territoire.scope():
            tache = services.tache_lancer(
                guichet=territoire.guichet, task=decompte_guichet, libelle="Recalcul", acting_user=None
            )
            fin = time.monotonic() + 60
            while time.monotonic() < fin and not Tache.objects.get(pk=tache.pk).finie:
                time.sleep(0.05)
            tache.refresh_from_db()
            assert tache.etat == "termine", (tache.erreur, process.poll())
            assert tache.progression == 100
            # The worker wrote the ledger through its temporary table (COPY FROM is refused under a policy).
            assert grand_livre() == attendu
    finally:
        process.terminate()
        process.wait(timeout=20)


@transactionnel
def test_a_nightly_job_takes_the_guichets_one_by_one_and_leaves_a_trace(deux_guichets, role_application):
    with connecte_en(role_application):
        assert decompte_nuit.delay().get() == 2
        acces = AccesTousGuichets.objects.get()
    assert acces.mode == ModeAcces.GUICHET_PAR_GUICHET
    assert acces.motif == "Recalcul de nuit des heures (Celery beat)" and acces.details == {"guichets": 2}


@transactionnel
def test_one_guichet_at_a_time_never_shows_another(acheteurs, role_application):
    with connecte_en(role_application):
        vus = {g.slug: compter("acheteurs_acheteur") for g in pour_chaque_guichet("Contrôle des acheteurs")}
    assert vus == {"guichet-a": NA, "guichet-b": NB}


# --- The one door across guichets ---------------------------------------------------------------------------


@transactionnel
def test_tous_guichets_opens_every_guichet_for_the_block_only_and_is_recorded(acheteurs, role_application):
    a, _ = acheteurs
    admin = a.membres[Role.ADMIN].utilisateur
    with connecte_en(role_application):
        assert compter("acheteurs_acheteur") == 0
        with tous_guichets("Consolidation nationale 2026", acteur=admin):
            assert compter("acheteurs_acheteur") == NA + NB
            assert Acheteur.objects.count() == NA + NB  # django-scopes lifted too
            with a.scope():  # entering one guichet narrows the database again
                assert compter("acheteurs_acheteur") == NA
            with transaction.atomic():
                assert JournalAudit.objects.exists()
        assert compter("acheteurs_acheteur") == 0
        acces = AccesTousGuichets.objects.get()
    assert (acces.mode, acces.motif, acces.acteur) == (ModeAcces.TOUS, "Consolidation nationale 2026", admin)


@pytest.mark.django_db
def test_tous_guichets_requires_a_motif():
    with pytest.raises(ValueError, match="motif"), tous_guichets(" "):
        pass
    assert not AccesTousGuichets.objects.exists()


# --- Cost ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_of_a_guichet_sends_the_setting_once(guichet_a, client, monkeypatch):
    """The request runs in one transaction (the middleware): one ``set_config`` for all its queries."""
    client.force_login(guichet_a.membres[Role.ADMIN].utilisateur)
    envois = []
    regler = rls._regler
    monkeypatch.setattr(rls, "_regler", lambda brute, voulu: envois.append(voulu) or regler(brute, voulu))
    response = client.get(f"/{guichet_a.slug}/membres/")
    assert response.status_code == 200
    assert envois == [guichet_a.guichet.pk]
