import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ouvidoria.imports.consumidor_gov import ConsumidorGovResult, consumidor_gov_import
from ouvidoria.imports.readers import TableError, count_rows


class Command(BaseCommand):
    help = (
        "Importa os dados abertos do consumidor.gov.br (arquivos .csv separados por “;”, com ou sem cabeçalho, "
        "Windows-1252 ou UTF-8) como manifestações da instância Consumidor.gov.br: a empresa (Nome Fantasia) é a "
        "entidade (criada como externa quando não existe), Data Abertura é o recebimento, Tempo Resposta o tempo "
        "até a resposta em dias, Avaliação Reclamação e Nota do Consumidor a avaliação. Linhas com erro são "
        "informadas com o número e ignoradas (status 1 ao final). Importar o mesmo arquivo de novo não duplica nada."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="ARQUIVO", help="Arquivos .csv dos dados abertos.")
        parser.add_argument("--json", action="store_true", help="Saída em JSON: contagens e erros por linha.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(name) for name in options["files"]]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"Arquivo não encontrado: {path}.")
        show_progress = not options["json"] and self.stderr.isatty()
        total = sum(count_rows(p) or 0 for p in paths) + len(paths) if show_progress else None
        try:
            with tqdm(
                total=total,
                desc="Importando",
                unit=" linhas",
                file=sys.stderr,
                disable=not show_progress,
                dynamic_ncols=True,
            ) as bar:
                result = consumidor_gov_import(paths, progress=bar.update)
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        except PermissionError as exc:
            raise CommandError(f"Sem permissão para ler o arquivo {exc.filename}.") from exc
        except OSError as exc:
            raise CommandError(f"Não foi possível ler o arquivo {exc.filename or ''}.".replace(" .", ".")) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self._report(result)
        if result.errors:
            raise CommandError(f"{len(result.errors)} linha(s) com erro não foram importadas.")

    def _report(self, result: ConsumidorGovResult) -> None:
        self.stdout.write(
            f"Importadas: {result.imported}. Já presentes: {result.already_present}. "
            f"Linhas com erro: {len(result.errors)}."
        )
        if result.entities_created:
            self.stdout.write(f"Empresas criadas como entidades externas: {len(result.entities_created)}.")
        for error in result.errors:
            self.stderr.write(f"{error.file}, linha {error.line}: {error.message}")
