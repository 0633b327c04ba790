"""``guichets_du_membre(utilisateur)``: the guichets where a user is an active member.

The one read across guichets that the application needs without a guichet (the "Mes guichets" page, before any
guichet is chosen): under row-level security the application's role sees no ``guichet_membre`` row outside a
guichet. This function runs with the rights of its owner (SECURITY DEFINER: the tables' owner, to whom the
policies do not apply) and returns only guichet ids of the one user it is given. ``search_path`` is fixed, with
``pg_temp`` last, so that no temporary table of the caller can stand in for ``guichet_membre``.
"""

from django.db import migrations

CORPS = """
CREATE OR REPLACE FUNCTION {schema}.guichets_du_membre(utilisateur bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp
AS $$ SELECT guichet_id FROM {schema}.guichet_membre WHERE utilisateur_id = utilisateur AND actif $$
"""


def creer(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
        cursor.execute(CORPS.format(schema=schema))


def supprimer(apps, schema_editor):
    schema_editor.execute("DROP FUNCTION IF EXISTS guichets_du_membre(bigint)")


class Migration(migrations.Migration):
    dependencies = [
        ("guichet", "0007_acces_tous_guichets"),
    ]

    operations = [
        migrations.RunPython(creer, supprimer, elidable=False),
    ]
