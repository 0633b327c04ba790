from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    default_auto_field = "django.db.models.BigAutoField"
