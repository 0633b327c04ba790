"""Two reads across guichets that the application needs before any guichet is chosen, where row-level security
shows the application's role no ``guichet_membre`` row:

* ``guichets_du_membre(utilisateur)``: the guichets where a user is an active member (the "Mes guichets" page);
* ``roles_du_membre(utilisateur)``: the roles of those memberships, guichet by guichet (sign-in: does one of them
  require a second factor, guichet/deux_facteurs.py).

Both run with the rights of their owner (SECURITY DEFINER: the tables' owner, to whom the policies do not apply)
and return only ids and roles of the one user they are given. ``search_path`` is fixed, with ``pg_temp`` last, so
that no temporary table of the caller can stand in for ``guichet_membre``.
"""

from django.db import migrations

CORPS = """
CREATE OR REPLACE FUNCTION {schema}.guichets_du_membre(utilisateur bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp
AS $$ SELECT guichet_id FROM {schema}.guichet_membre WHERE utilisateur_id = utilisateur AND actif $$;

CREATE OR REPLACE FUNCTION {schema}.roles_du_membre(utilisateur bigint)
RETURNS TABLE (guichet_id bigint, role varchar)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp
AS $$ SELECT guichet_id, role FROM {schema}.guichet_membre WHERE utilisateur_id = utilisateur AND actif $$;
"""


def creer(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
        cursor.execute(CORPS.format(schema=schema))


def supprimer(apps, schema_editor):
    schema_editor.execute("DROP FUNCTION IF EXISTS roles_du_membre(bigint)")
    schema_editor.execute("DROP FUNCTION IF EXISTS guichets_du_membre(bigint)")


class Migration(migrations.Migration):
    dependencies = [
        ("guichet", "0009_acces_tous_guichets"),
    ]

    operations = [
        migrations.RunPython(creer, supprimer, elidable=False),
    ]
