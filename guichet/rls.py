"""PostgreSQL row-level security: the last layer of tenancy (architecture.md, "Tenancy: defence in depth").

What PostgreSQL enforces, whatever the Python code does:

* every table with a ``guichet_id`` column (every tenant model, found in the app registry, so a new table is
  covered without anyone remembering to) has row-level security enabled and the policy ``POLITIQUE``: a row is
  visible, and may be written, only when its ``guichet_id`` is the transaction's ``app.guichet_id``, or when the
  transaction set ``app.tous_guichets`` to ``on`` (``tenancy.tous_guichets``, audited). Without a setting, a query
  sees nothing and an INSERT is refused;
* the application connects as a role that owns no table, is not superuser and has no BYPASSRLS (``DATABASE_URL``);
  the owner (``DATABASE_OWNER_URL``) runs the migrations. Owners and superusers bypass the policies, and we do not
  FORCE them on the owner: the owner is the maintenance role, whose data migrations must reach every guichet;
* both settings are transaction-local (``set_config(…, true)``): they vanish at COMMIT or ROLLBACK, so a pooled or
  persistent connection (CONN_MAX_AGE) never carries a guichet from one request or task to the next.

How the settings reach PostgreSQL: :func:`executer_sous_rls`, an execute wrapper installed on every connection,
looks before each statement at the guichet the code runs for (``tenancy.guichet_scope``, the scope the middleware
and ``GuichetTask`` already enter, or ``tenancy.tous_guichets``) and, when the current transaction does not carry it
yet, sends ``set_config`` first, in the same transaction. A guichet request runs in one transaction (the middleware),
so it costs one statement per request; a statement run in autocommit under a scope (a task's progress, a beat job)
is put in a transaction of its own with its ``set_config``.

:func:`apres_migration` (``post_migrate``, run as the owner) enables the policies and grants the application role
its rights (SELECT, INSERT, UPDATE, DELETE; never TRUNCATE, ALTER or ownership) after every ``migrate``.
"""

import re
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from psycopg import errors, sql
from psycopg.pq import TransactionStatus

# Bump the suffix when the expression changes: apres_migration replaces the policies of an older name.
NOM_POLITIQUE = "isolation_guichet_v1"
PREFIXE_POLITIQUE = "isolation_guichet"
# ``(SELECT …)``: PostgreSQL evaluates the setting once per query (an InitPlan) instead of once per row, and may use
# it in an index condition. ``current_setting(…, true)`` is NULL when never set, '' after a transaction that set it:
# both compare unequal to every guichet_id.
CONDITION = (
    "guichet_id = (SELECT nullif(current_setting('app.guichet_id', true), '')::bigint) "
    "OR (SELECT current_setting('app.tous_guichets', true)) = 'on'"
)


def tables_protegees():
    """The tables under the policy: every concrete model with a ``guichet_id`` column (app registry)."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        if any(field.column == "guichet_id" for field in model._meta.concrete_fields):
            tables.add(model._meta.db_table)
    return sorted(tables)


# --------------------------------------------------------------------------------------------------------
# Schema side: policies and rights, applied by the owner after each migrate
# --------------------------------------------------------------------------------------------------------


def appliquer_politiques(connection):
    """Enable row-level security and the policy on each protected table that lacks them (idempotent: one catalogue
    query when everything is in place, as after each test's flush)."""
    tables = tables_protegees()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relrowsecurity,
                   EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s),
                   ARRAY(SELECT p.polname FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname LIKE %s
                         AND p.polname <> %s)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relname = ANY(%s) AND c.relkind IN ('r', 'p')
            """,
            [NOM_POLITIQUE, PREFIXE_POLITIQUE + "%", NOM_POLITIQUE, tables],
        )
        etats = cursor.fetchall()
        for table, active, politique, anciennes in etats:
            nom = connection.ops.quote_name(table)
            for ancienne in anciennes:
                cursor.execute(f"DROP POLICY {connection.ops.quote_name(ancienne)} ON {nom}")
            if not active:
                cursor.execute(f"ALTER TABLE {nom} ENABLE ROW LEVEL SECURITY")
            if not politique:
                cursor.execute(
                    f"CREATE POLICY {NOM_POLITIQUE} ON {nom} FOR ALL USING ({CONDITION}) WITH CHECK ({CONDITION})"
                )
    return [etat[0] for etat in etats]


def accorder_droits(connection, role):
    """The application role's rights on every table and sequence of the schema: reading and writing rows, nothing
    on the schema itself (no TRUNCATE, which ignores the policies, no ALTER, no ownership)."""
    nom = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {nom}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {nom}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {nom}")


def preparer_role_application(connection, role, mot_de_passe=None):
    """Make sure the application role exists as the policies need it: LOGIN, not superuser, no BYPASSRLS, unable to
    create roles or databases. Created when missing (the owner needs CREATEROLE, as the cluster's admin has);
    refused when it exists with a power that would bypass the policies."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        existant = cursor.fetchone()
        cursor.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        peut_creer = cursor.fetchone()[0]
        if existant and any(existant):
            raise ImproperlyConfigured(
                f"Le rôle de l'application « {role} » est superutilisateur ou ignore la sécurité au niveau des lignes "
                f"(BYPASSRLS) : les politiques ne s'appliqueraient pas. Utilisez un rôle ordinaire (NOSUPERUSER "
                f"NOBYPASSRLS) dans DATABASE_URL."
            )
        if not peut_creer:
            if existant is None:
                raise ImproperlyConfigured(
                    f"Le rôle de l'application « {role} » n'existe pas et le propriétaire ne peut pas le créer : créez-"
                    f"le (CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '…') ou donnez CREATEROLE au "
                    f"propriétaire."
                )
            return
    attributs = sql.SQL("LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS")
    if mot_de_passe:
        attributs += sql.SQL(" PASSWORD {}").format(sql.Literal(mot_de_passe))
    connection.ensure_connection()
    brute = connection.connection
    if existant is None:
        try:
            with brute.transaction():
                brute.execute(sql.SQL("CREATE ROLE {} ").format(sql.Identifier(role)) + attributs)
            return
        except (errors.DuplicateObject, errors.UniqueViolation):
            pass  # created meanwhile by another migrate on the same server (roles belong to the whole server)
    brute.execute(sql.SQL("ALTER ROLE {} ").format(sql.Identifier(role)) + attributs)


@contextmanager
def en_proprietaire(alias="default"):
    """The connection ``alias`` logged in as the owner (``DATABASE_OWNER_URL``) for the duration: ``migrate``."""
    proprietaire = settings.DATABASE_OWNER
    connection = connections[alias]
    if alias != "default" or not proprietaire or connection.settings_dict["USER"] == proprietaire["USER"]:
        yield connection
        return
    avant = {cle: connection.settings_dict.get(cle) for cle in proprietaire}
    connection.close()
    connection.settings_dict.update(proprietaire)
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(avant)


def apres_migration(using="default", **kwargs):
    """``post_migrate`` (after ``migrate`` and ``flush``): policies on every protected table, rights to the
    application role when it is not the role migrating."""
    connection = connections[using]
    appliquer_politiques(connection)
    role = settings.DATABASE_APP["USER"]
    if role and role != connection.settings_dict["USER"]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            existe = cursor.fetchone()
        if existe:
            accorder_droits(connection, role)


# --------------------------------------------------------------------------------------------------------
# Run time: the guichet's setting in each transaction
# --------------------------------------------------------------------------------------------------------

# Statements that read or write rows: alone in autocommit under a scope, they get a transaction with the setting.
# Anything else (BEGIN, SET, VACUUM, CREATE DATABASE…) runs as written: wrapping it could change its meaning.
_LIT_OU_ECRIT = re.compile(r"\s*\(*\s*(SELECT|INSERT|UPDATE|DELETE|WITH|MERGE|VALUES|TABLE)\b", re.IGNORECASE)
_REGLER = "SELECT set_config('app.guichet_id', %s, true), set_config('app.tous_guichets', %s, true)"


def _regler(brute, voulu):
    from .tenancy import TOUS

    guichet = "" if voulu in (None, TOUS) else str(int(voulu))
    brute.execute(_REGLER, [guichet, "on" if voulu == TOUS else ""])


def executer_sous_rls(execute, sql_, params, many, context):
    """Execute wrapper (see the module's doc): the transaction carries the setting of the current scope before the
    statement runs.

    ``_rls_applique`` remembers, per connection, the setting sent in the current transaction and the savepoints open
    at that moment: a new transaction (status IDLE) or the end of one of those savepoints (a ROLLBACK TO undoes a
    ``set_config``) makes it unknown, and it is sent again."""
    from .tenancy import reglage_courant

    db = context["connection"]
    voulu = reglage_courant()
    brute = db.connection
    statut = brute.info.transaction_status
    applique = getattr(db, "_rls_applique", None)
    if statut == TransactionStatus.IDLE or (
        applique is not None and tuple(db.savepoint_ids[: len(applique[1])]) != applique[1]
    ):
        applique = db._rls_applique = None
    if voulu == (applique[0] if applique else None) or statut == TransactionStatus.INERROR:
        return execute(sql_, params, many, context)
    if statut == TransactionStatus.IDLE and brute.autocommit:
        if voulu is None or not _LIT_OU_ECRIT.match(sql_):
            return execute(sql_, params, many, context)
        # A statement alone in autocommit: BEGIN, the setting, the statement, COMMIT (a deferred constraint fails
        # at the COMMIT: Django's error classes, as without us).
        with db.wrap_database_errors, brute.transaction():
            _regler(brute, voulu)
            return execute(sql_, params, many, context)
    with db.wrap_database_errors:
        _regler(brute, voulu)
    db._rls_applique = (voulu, tuple(db.savepoint_ids))
    return execute(sql_, params, many, context)


def installer(sender=None, connection=None, **kwargs):
    """``connection_created``: the wrapper on every connection (the first of its wrappers, so the outermost)."""
    if connection.vendor == "postgresql" and executer_sous_rls not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, executer_sous_rls)


def rls_active(connection, table):
    """Whether the policies apply to the current role on ``table`` (false for the owner and superusers); asked once
    per role and table, then remembered on the connection."""
    cle = (connection.settings_dict["USER"], table)
    connues = connection.__dict__.setdefault("_rls_actives", {})
    if cle not in connues:
        with connection.cursor() as cursor:
            cursor.execute("SELECT row_security_active(%s::regclass)", [table])
            connues[cle] = cursor.fetchone()[0]
    return connues[cle]
