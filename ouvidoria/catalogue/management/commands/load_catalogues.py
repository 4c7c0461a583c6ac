import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ouvidoria.catalogue.services import catalogues_load


class Command(BaseCommand):
    help = "Carrega instâncias, meios, tipos, assuntos OPIN e políticas de prazo (idempotente)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Saída em JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = catalogues_load()
        if options["json"]:
            self.stdout.write(json.dumps(counts))
        else:
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
