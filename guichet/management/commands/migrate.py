"""``migrate`` as the owner of the tables (``DATABASE_OWNER_URL``), whatever role the application connects with.

The application's role (``DATABASE_URL``) may not create or alter tables: that is what keeps it under the
row-level security policies (guichet/rls.py). Before migrating, the owner makes sure that role exists without any
power that would bypass the policies; after, ``post_migrate`` puts the policies and the role's rights in place.
"""

from django.conf import settings
from django.core.management.commands import migrate

from guichet import rls


class Command(migrate.Command):
    def handle(self, *args, **options):
        with rls.en_proprietaire(options["database"]) as connection:
            role = settings.DATABASE_APP["USER"]
            if settings.DATABASE_OWNER and role and role != connection.settings_dict["USER"]:
                rls.preparer_role_application(connection, role, settings.DATABASE_APP["PASSWORD"])
            return super().handle(*args, **options)
