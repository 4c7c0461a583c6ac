from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.backups import services


class Command(BaseCommand):
    help = (
        "Grava uma cópia de segurança cifrada e consistente (banco de dados e anexos) em --out, ou, com --prune, "
        "apaga as cópias de --out que a política de retenção não guarda mais."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", default="", help="Pasta das cópias (padrão: OUVIDORIA_BACKUP_DIR, ou a pasta atual)."
        )
        parser.add_argument("--prune", action="store_true", help="Aplica a retenção em vez de gravar uma cópia.")
        parser.add_argument("--keep-daily", type=int, default=services.KEEP_DAILY, help="Últimos dias (padrão 7).")
        parser.add_argument("--keep-weekly", type=int, default=services.KEEP_WEEKLY, help="Últimas semanas (4).")
        parser.add_argument("--keep-monthly", type=int, default=services.KEEP_MONTHLY, help="Últimos meses (12).")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"] or settings.BACKUP_DIR or ".")
        if options["prune"]:
            removed = services.backups_prune(
                directory=out,
                daily=options["keep_daily"],
                weekly=options["keep_weekly"],
                monthly=options["keep_monthly"],
            )
            for path in removed:
                self.stdout.write(f"apagada: {path.name}")
            kept = len(services.archives_in(out))
            self.stdout.write(f"{len(removed)} cópias apagadas, {kept} guardadas em {out}")
            return
        try:
            done = services.backup_create(out_dir=out)
        except services.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{done.path} ({done.size:,} bytes): {done.tables} tabelas, {done.rows:,} linhas, {done.files} arquivos"
        )
