from django.apps import AppConfig


class GuichetConfig(AppConfig):
    name = "guichet"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import SessionExpirationMiddleware

        # Sessions start their clocks at sign-in (idle and absolute expiry).
        user_logged_in.connect(SessionExpirationMiddleware.debuter, dispatch_uid="session_debut")
