from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class GuichetConfig(AppConfig):
    name = "guichet"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import SessionExpirationMiddleware

        # Sessions start their clocks at sign-in (idle and absolute expiry).
        user_logged_in.connect(SessionExpirationMiddleware.debuter, dispatch_uid="session_debut")

        from . import rls

        # Row-level security (guichet/rls.py): every connection sends the guichet's setting before its statements;
        # after every migrate (and flush), the owner puts the policies on every table with a guichet_id.
        connection_created.connect(rls.installer, dispatch_uid="guichet.rls.installer")
        post_migrate.connect(rls.apres_migration, sender=self, dispatch_uid="guichet.rls.apres_migration")

        from . import versions

        # The data's version (guichet/versions.py): triggers on every table of a guichet's rows, after every migrate.
        post_migrate.connect(
            versions.installer_declencheurs, sender=self, dispatch_uid="guichet.versions.installer_declencheurs"
        )
