from django.db import models


class TypeBilan(models.TextChoices):
    """The PDF bilans (domain.md §9; api.md ``bilans/``)."""

    COPIL = "copil", "Bilan annuel du comité de pilotage"
    ACHETEUR = "acheteur", "Bilan annuel d'un acheteur"
    MARCHE = "marche", "Bilan de fin de marché"
    ATTESTATION = "attestation_entreprise", "Attestation de réalisation"


class TypeExport(models.TextChoices):
    """The spreadsheets (api.md ``exports/``)."""

    RESTITUTION = "restitution_annuelle", "Restitution annuelle"
    CONSOLIDATION = "consolidation_nationale", "Consolidation nationale"
    DECP = "decp", "Données essentielles (DECP) : considérations sociales"


class FormatExport(models.TextChoices):
    XLSX = "xlsx", "Classeur (XLSX)"
    CSV = "csv", "CSV (point-virgule, UTF-8)"
