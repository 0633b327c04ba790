from django.apps import AppConfig


class MarchesConfig(AppConfig):
    name = "marches"
    default_auto_field = "django.db.models.BigAutoField"
