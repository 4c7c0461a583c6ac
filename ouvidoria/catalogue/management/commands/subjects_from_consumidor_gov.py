import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.catalogue.services import subjects_generate
from ouvidoria.imports.readers import TableError
from ouvidoria.rules.subjects import SUBJECTS_FILE


class Command(BaseCommand):
    help = (
        "Gera o catálogo de assuntos por regime (ouvidoria/rules/data/subjects.toml) a partir dos dados abertos do "
        "consumidor.gov.br (Segmento de Mercado → Área → Assunto → Grupo Problema → Problema; arquivos .csv "
        "separados por “;”, com ou sem cabeçalho, Windows-1252 ou UTF-8), completado com "
        "subjects_supplement.toml. Depois, manage.py load_catalogues o carrega no banco."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="ARQUIVO", help="Arquivos .csv dos dados abertos.")
        parser.add_argument("--out", type=Path, default=SUBJECTS_FILE, help="Arquivo gerado (padrão: o do produto).")
        parser.add_argument("--json", action="store_true", help="Saída em JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(name) for name in options["files"]]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"Arquivo não encontrado: {path}.")
        try:
            result = subjects_generate(paths, out=options["out"])
        except (TableError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Não foi possível ler ou gravar o arquivo {exc.filename or ''}.") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        counts = ", ".join(f"{k}: {v}" for k, v in result.by_catalogue.items())
        self.stdout.write(
            f"{result.subjects} assuntos de {result.rows} linhas ({counts}) gravados em {result.path}."
            + (f" {result.unrepaired} linha(s) com acentos perdidos ficaram de fora." if result.unrepaired else "")
        )
