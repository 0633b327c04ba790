"""The data's version (guichet/versions.py): the table of write statements and the database functions around it.

* ``ecritures_noter()``, ``ecritures_noter_guichet()``, ``ecritures_noter_tout()``: what the triggers run (installed
  on every table of a guichet's rows by ``versions.installer_declencheurs`` after each migrate). The first reads the
  statement's rows (its transition table ``lignes``) for their ``guichet_id``; the second, on ``guichet_guichet``,
  their ``id``; the third notes a write that may concern every guichet (TRUNCATE, a user's name).
* ``version_des_donnees(guichet)``: the version of one guichet's data, as text.
* ``ecritures_compacter()``: keeps the latest row of each guichet (the nightly job).

All run with the rights of their owner (SECURITY DEFINER: the tables' owner, to whom the row-level security policies
do not apply), so that the application role may note a write of every guichet its statement touched and read a
version without seeing the table. ``search_path`` is fixed, ``pg_temp`` last (as in migration 0010).
"""

import django.db.models.functions.datetime
from django.db import migrations, models

CORPS = """
CREATE OR REPLACE FUNCTION {s}.ecritures_noter() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
BEGIN
    INSERT INTO guichet_ecriture (guichet_id) SELECT DISTINCT guichet_id FROM lignes;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION {s}.ecritures_noter_guichet() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
BEGIN
    INSERT INTO guichet_ecriture (guichet_id) SELECT id FROM lignes;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION {s}.ecritures_noter_tout() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
BEGIN
    INSERT INTO guichet_ecriture (guichet_id) VALUES (NULL);
    RETURN NULL;
END $$;

-- Count, sum of ids and latest date: a commit always adds rows (the count grows), even one whose id was drawn
-- before a later commit's (so not the latest id); the date tells a table emptied and filled again.
CREATE OR REPLACE FUNCTION {s}.version_des_donnees(guichet bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
    SELECT concat_ws('-', count(*), sum(id), extract(epoch FROM max(le)))
    FROM guichet_ecriture WHERE guichet_id = guichet OR guichet_id IS NULL
$$;

CREATE OR REPLACE FUNCTION {s}.ecritures_compacter() RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = {s}, pg_temp AS $$
    WITH dernieres AS (
        SELECT coalesce(guichet_id, 0) AS guichet, max(id) AS id FROM guichet_ecriture GROUP BY 1
    ), supprimees AS (
        DELETE FROM guichet_ecriture e USING dernieres d
        WHERE coalesce(e.guichet_id, 0) = d.guichet AND e.id < d.id RETURNING 1
    )
    SELECT count(*) FROM supprimees
$$;
"""
FONCTIONS = [
    "ecritures_noter()",
    "ecritures_noter_guichet()",
    "ecritures_noter_tout()",
    "version_des_donnees(bigint)",
    "ecritures_compacter()",
]


def creer(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        cursor.execute(CORPS.format(s=connection.ops.quote_name(cursor.fetchone()[0])))


def supprimer(apps, schema_editor):
    for fonction in FONCTIONS:  # CASCADE: the triggers that run them go too
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {fonction} CASCADE")


class Migration(migrations.Migration):
    dependencies = [
        ("guichet", "0011_parametres_delais_bornes"),
    ]

    operations = [
        migrations.CreateModel(
            name="Ecriture",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("guichet_id", models.BigIntegerField(editable=False, null=True)),
                ("le", models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False)),
            ],
            options={
                "verbose_name": "écriture",
                "indexes": [models.Index(fields=["guichet_id", "id"], include=("le",), name="ecriture_guichet")],
            },
        ),
        migrations.RunPython(creer, supprimer, elidable=False),
    ]
