import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.audit.verify import PROBLEM_LABELS, chain_verify

ANCHOR = re.compile(r"^(\d+):([0-9a-fA-F]{64})$")


class Command(BaseCommand):
    help = (
        "Confere a cadeia de auditoria: recalcula cada hash e o resumo de cada registro selado, procura registros "
        "alterados, apagados, inseridos ou reordenados e confere as âncoras. Sai com código 1 se houver adulteração."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor", action="append", default=[], metavar="SEQ:HASH", help="Âncora recebida por e-mail."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        extra = []
        for given in options["anchor"]:
            match = ANCHOR.match(given.strip())
            if not match:
                raise CommandError(f"--anchor: “{given}” não está no formato SEQ:HASH (hash de 64 dígitos hex).")
            extra.append((int(match[1]), match[2]))
        report = chain_verify(extra_anchors=extra)
        self.stdout.write(
            f"registros na cadeia: {report.records}; linhas conferidas: {report.rows} "
            f"({report.redacted} anonimizadas com registro); âncoras: {report.anchors}; "
            f"{report.seconds:.2f} s ({report.per_second:,.0f} registros/s)".replace(",", ".")
        )
        first = report.first
        if first is None:
            self.stdout.write("cadeia íntegra: nenhuma adulteração encontrada")
            return
        for kind, count in report.counts.items():
            if count:
                self.stdout.write(f"{PROBLEM_LABELS[kind]}: {count}")
        self.stderr.write(f"ADULTERAÇÃO — primeiro problema: {first.describe()}")
        raise SystemExit(1)
