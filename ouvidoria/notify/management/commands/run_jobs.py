import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.notify.jobs import area_reminders_send, deadline_warnings_send, overdue_escalate
from ouvidoria.notify.outbox import outbox_requeue


class Command(BaseCommand):
    help = (
        "Executa uma vez as tarefas periódicas (avisos de prazo, escalonamento de atrasos, lembretes às áreas, "
        "reenvio de e-mails parados) e mostra o que foi feito. Rodar de novo não repete avisos."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", default="", help="Data de referência AAAA-MM-DD (padrão: hoje).")
        parser.add_argument("--json", action="store_true", help="Saída em JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as exc:
            raise CommandError(f"--today: data inválida “{options['today']}”; use AAAA-MM-DD.") from exc
        done = {
            "outbox_requeued": outbox_requeue(),
            "deadline_warnings": deadline_warnings_send(today=today),
            "overdue_escalations": overdue_escalate(today=today),
            "area_reminders": area_reminders_send(today=today),
        }
        if options["json"]:
            self.stdout.write(json.dumps(done))
            return
        for job, value in done.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k}: {v}" for k, v in value.items())
            self.stdout.write(f"{job}: {value}")
