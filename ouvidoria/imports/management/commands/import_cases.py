import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ouvidoria.imports.readers import TableError, count_rows, open_table
from ouvidoria.imports.services import COLUMNS, ImportResult, cases_import


class Command(BaseCommand):
    help = (
        "Importa manifestações históricas de um arquivo .csv ou .xlsx com cabeçalho na linha 1: as colunas do "
        "arquivo OPIN (Anexo II: " + ", ".join(COLUMNS[:9]) + ") e “Data de abertura” (obrigatória; AAAA-MM-DD ou "
        "DD/MM/AAAA), e opcionalmente " + ", ".join(COLUMNS[10:]) + ". Sem data de conclusão, ela é a abertura "
        "mais o prazo praticado; com situação pendente, a manifestação entra em análise. Meio de contato: “chat” "
        "para o Chatbot, “plataforma externa” para órgãos externos, “telefone” para os demais canais (SAC, "
        "Transacional, Ouvidoria), pois o arquivo OPIN não o informa. Importar o mesmo arquivo de novo não "
        "duplica nada. Linhas com erro não são importadas e o comando termina com status 1."
    )

    # A data command: skipping the project-wide checks (URL configuration, admin…) saves a second at start-up;
    # ``manage.py check`` and the test suite run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Arquivo .csv (; ou , como separador; UTF-8 ou Windows-1252) ou .xlsx.")
        parser.add_argument(
            "--create-entities",
            action="store_true",
            help="Cria as entidades desconhecidas (identificador a partir do nome, regime “outro”).",
        )
        parser.add_argument("--json", action="store_true", help="Saída em JSON: contagens e erros por linha.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Arquivo não encontrado: {path}.")
        show_progress = not options["json"] and self.stderr.isatty()
        try:
            rows = open_table(path)
            with tqdm(
                total=count_rows(path) if show_progress else None,
                desc="Importando",
                unit=" linhas",
                file=sys.stderr,
                disable=not show_progress,
                dynamic_ncols=True,
            ) as bar:
                result = cases_import(rows, create_entities=options["create_entities"], progress=bar.update)
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._report(result)
        if result.errors:
            lines = len({e.line for e in result.errors})
            raise CommandError(f"{lines} linha(s) com erro não foram importadas.")

    def _report(self, result: ImportResult) -> None:
        lines_with_errors = len({e.line for e in result.errors})
        self.stdout.write(
            f"Importadas: {result.imported}. Já presentes: {result.already_present}. "
            f"Linhas com erro: {lines_with_errors}."
        )
        if result.entities_created:
            self.stdout.write("Entidades criadas: " + ", ".join(result.entities_created) + ".")
        if result.ignored_columns:
            self.stdout.write("Colunas ignoradas: " + ", ".join(result.ignored_columns) + ".")
        for error in result.errors:
            self.stderr.write(f"Linha {error.line}, coluna “{error.field}”: {error.message}")
