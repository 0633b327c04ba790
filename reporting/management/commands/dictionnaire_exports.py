from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from reporting.exports import dictionnaire_markdown

CHEMIN = Path(settings.BASE_DIR) / "docs" / "exports.md"


class Command(BaseCommand):
    help = "Écrit docs/exports.md, le dictionnaire des exports, à partir de reporting/exports.py."

    def handle(self, *args, **options):
        CHEMIN.write_text(dictionnaire_markdown() + "\n", encoding="utf-8")
        self.stdout.write(f"Dictionnaire écrit : {CHEMIN}")
