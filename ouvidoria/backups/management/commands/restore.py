from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.backups import services


class Command(BaseCommand):
    help = (
        "Restaura uma cópia de segurança (manage.py backup) numa instalação vazia e confere cada tabela e cada "
        "arquivo com o manifesto; sai com erro se algo não confere."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="O arquivo ouvidoria-backup-….tar.enc.")
        parser.add_argument(
            "--yes", action="store_true", help="Substitui o banco e os anexos mesmo que a instalação não esteja vazia."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = services.backup_restore(archive=Path(options["archive"]), replace=options["yes"])
        except services.BackupError as exc:
            raise CommandError(f"Restauração recusada: {exc}") from exc
        for problem in done.mismatches:
            self.stderr.write(problem)
        self.stdout.write(
            f"{done.tables} tabelas ({done.rows:,} linhas) e {done.files} arquivos restaurados; "
            f"{len(done.mismatches)} divergências do manifesto"
        )
        if done.pending_migrations:
            self.stdout.write(
                f"A cópia é de uma versão anterior: rode `manage.py migrate` ({done.pending_migrations} migrações)."
            )
        if done.mismatches:
            raise CommandError("A restauração não confere com o manifesto.")
