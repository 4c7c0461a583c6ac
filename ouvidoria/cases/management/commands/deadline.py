import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.entities.models import Entity
from ouvidoria.entities.services import deadline_answer


class Command(BaseCommand):
    help = (
        "Calcula o prazo de uma política a partir da data de recebimento, no calendário da entidade ou da "
        "UF/cidade informadas (sem nenhuma delas, no calendário nacional)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--policy", required=True, help="Código da política (ex.: bcb-ouvidoria).")
        parser.add_argument("--received", required=True, help="Data de recebimento, AAAA-MM-DD.")
        parser.add_argument("--uf", default="", help="UF do calendário.")
        parser.add_argument("--city", default="", help="Cidade do calendário.")
        parser.add_argument("--entity", default="", help="Identificador (slug) da entidade.")
        parser.add_argument("--json", action="store_true", help="Saída em JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            received = date.fromisoformat(options["received"])
        except ValueError as exc:
            raise CommandError(f"--received: data inválida “{options['received']}”; use AAAA-MM-DD.") from exc
        entity = None
        if options["entity"]:
            entity = Entity.objects.filter(slug=options["entity"]).first()
            if entity is None:
                raise CommandError(f"--entity: entidade desconhecida “{options['entity']}”.")
        try:
            answer = deadline_answer(
                policy_code=options["policy"],
                received=received,
                state=options["uf"],
                city=options["city"],
                entity=entity,
            )
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise CommandError(f"--{field}: {' '.join(messages)}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
            return
        due = date.fromisoformat(str(answer["due"]))
        self.stdout.write(f"{answer['policy']}: recebida em {received:%d/%m/%Y}, prazo {due:%d/%m/%Y}")
        for holiday in answer["holidays"]:  # type: ignore[attr-defined]
            self.stdout.write(f"  feriado/fechamento no período: {holiday['date']} {holiday['name']}")
