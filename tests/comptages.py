"""What a refused input must leave untouched: the row count of every model of the tenant apps (all guichets, users
and guichets included) and the files of the private storage."""

from pathlib import Path

from django.apps import apps
from django.core.files.storage import default_storage

from .guichet.test_tenancy import TENANT_APPS


def instantane() -> dict[str, int]:
    """``{"app.modele": rows, …, "fichiers": files stored}``; compare two with ``==`` (``ecarts`` says where)."""
    comptes = {
        modele._meta.label_lower: modele._base_manager.count()
        for label in TENANT_APPS
        for modele in apps.get_app_config(label).get_models()
    }
    racine = Path(default_storage.location)
    comptes["fichiers"] = sum(1 for chemin in racine.rglob("*") if chemin.is_file()) if racine.exists() else 0
    return comptes


def ecarts(avant: dict[str, int], apres: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {
        cle: (avant.get(cle), apres.get(cle)) for cle in avant.keys() | apres.keys() if avant.get(cle) != apres.get(cle)
    }
