import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from ouvidoria.indicators import ledger


class Command(BaseCommand):
    help = (
        "Reinstala os gatilhos do PostgreSQL que mantêm os totais diários dos indicadores e os recalcula a partir das "
        "manifestações (após mudar TIME_ZONE, ou para conferência); depois, condensa-os. Nada a fazer no SQLite."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Saída em JSON: um objeto.")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            summary = {"rebuilt": False, "reason": "SQLite: os indicadores são lidos das manifestações."}
        else:
            ledger.rebuild()
            figures, flows = ledger.compact()
            summary = {"rebuilt": True, "figure_rows": figures, "flow_rows": flows}
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        elif summary["rebuilt"]:
            self.stdout.write(
                f"Totais diários recalculados: {figures} linhas de indicadores, {flows} de conclusões e pendências."
            )
        else:
            self.stdout.write(str(summary["reason"]))
