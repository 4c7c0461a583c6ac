import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ouvidoria.catalogue.services import catalogues_load
from ouvidoria.faq.services import faq_articles_load


class Command(BaseCommand):
    help = (
        "Carrega instâncias, meios, tipos, assuntos (OPIN e os catálogos por regime de rules/data/subjects.toml), "
        "políticas de prazo e os artigos iniciais do FAQ "
        "(idempotente; nunca sobrescreve um artigo editado)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Saída em JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = catalogues_load() | faq_articles_load()
        if options["json"]:
            self.stdout.write(json.dumps(counts))
        else:
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
