from django.apps import AppConfig


class AcheteursConfig(AppConfig):
    name = "acheteurs"
    default_auto_field = "django.db.models.BigAutoField"
