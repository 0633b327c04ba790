from django.apps import AppConfig


class EntreprisesConfig(AppConfig):
    name = "entreprises"
    default_auto_field = "django.db.models.BigAutoField"
