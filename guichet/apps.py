from django.apps import AppConfig


class GuichetConfig(AppConfig):
    name = "guichet"
    default_auto_field = "django.db.models.BigAutoField"
