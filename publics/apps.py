from django.apps import AppConfig


class PublicsConfig(AppConfig):
    name = "publics"
    default_auto_field = "django.db.models.BigAutoField"
