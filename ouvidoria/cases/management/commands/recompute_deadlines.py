import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.cases.services import deadlines_recompute
from ouvidoria.entities.models import Entity


class Command(BaseCommand):
    help = (
        "Recalcula os prazos abertos de uma entidade (ou de todas) no calendário atual — por exemplo, depois de "
        "atualizar a biblioteca de feriados."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entity", default="", help="Identificador (slug) da entidade; todas se omitido.")
        parser.add_argument("--json", action="store_true", help="Saída em JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        entities = Entity.objects.all()
        if options["entity"]:
            entities = entities.filter(slug=options["entity"])
            if not entities.exists():
                raise CommandError(f"--entity: entidade desconhecida “{options['entity']}”.")
        moved = {
            e.slug: deadlines_recompute(entity=e, reason="Prazos recalculados no calendário atual.") for e in entities
        }
        if options["json"]:
            self.stdout.write(json.dumps({"moved": moved, "total": sum(moved.values())}))
        else:
            for slug, count in moved.items():
                self.stdout.write(f"{slug}: {count} prazos alterados")
