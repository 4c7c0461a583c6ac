import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.rules.opin import FILE_NAME_RE, Problem, StreamCheck


class Command(BaseCommand):
    help = (
        "Confere um arquivo trimestral OPIN (.zip com AAAA0n.json, ou o .json) contra o layout do Anexo I do manual "
        "OPIN: chaves obrigatórias, tipos e valores permitidos (canais, tipos de manifestação, gêneros, as 27 UFs, "
        "os assuntos da seção 6). Lista cada problema com o número do registro (1 para o primeiro), a chave e o "
        "problema; termina com status 1 quando encontra algum. Lê o arquivo registro a registro."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Arquivo .zip (com AAAA0n.json dentro) ou .json.")
        parser.add_argument(
            "--max-errors", type=int, default=1000, help="Quantos problemas listar no máximo (todos são contados)."
        )
        parser.add_argument("--json", action="store_true", help="Relatório em JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Arquivo não encontrado: {path}.")
        limit = max(options["max_errors"], 0)
        shown: list[Problem] = []
        total = 0
        holder: list[StreamCheck] = []
        for problem in self._problems(path, holder):
            total += 1
            if len(shown) < limit:
                shown.append(problem)
                if not options["json"]:
                    self.stdout.write(str(problem))
        records = holder[0].records if holder else 0
        if options["json"]:
            report = {
                "arquivo": str(path),
                "registros": records,
                "problemas": total,
                "valido": total == 0,
                "erros": [p.as_dict() for p in shown],
            }
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        elif total == 0:
            self.stdout.write(f"{path}: {records} registro(s), nenhum problema: o arquivo segue o layout do Anexo I.")
        if total:
            more = f" (listados os primeiros {limit})" if total > len(shown) else ""
            raise CommandError(f"{path}: {records} registro(s) lidos, {total} problema(s){more}.")

    def _problems(self, path: Path, holder: list[StreamCheck]) -> Iterator[Problem]:
        """The file's problems; one that stops the reading (a damaged zip, a file that cannot be read) is the last."""
        try:
            yield from self._read(path, holder)
        except (zipfile.BadZipFile, zlib.error, EOFError):
            yield Problem(None, None, "o zip está danificado ou incompleto: não foi possível descompactá-lo")
        except PermissionError:
            yield Problem(None, None, "sem permissão para ler o arquivo")
        except OSError:
            yield Problem(None, None, "o arquivo não pôde ser lido até o fim (erro de leitura)")

    def _read(self, path: Path, holder: list[StreamCheck]) -> Iterator[Problem]:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                expected = f"{path.stem}.json"
                if FILE_NAME_RE.match(path.stem):
                    if expected not in names:
                        listed = ", ".join(names) or "nada"
                        yield Problem(None, None, f"o zip não contém “{expected}” (contém: {listed})")
                        return
                    name = expected
                else:
                    candidates = [n for n in names if n.lower().endswith(".json")]
                    if len(candidates) != 1:
                        yield Problem(None, None, f"o zip deve conter um único arquivo .json (contém: {names})")
                        return
                    name = candidates[0]
                yield from self._name_problems(Path(name).stem)
                with archive.open(name) as raw:
                    yield from self._check(raw, holder)
            return
        yield from self._name_problems(path.stem)
        with path.open("rb") as raw:
            yield from self._check(raw, holder)

    @staticmethod
    def _name_problems(stem: str) -> Iterator[Problem]:
        # Seed 000 §8.5: the title names the quarter (202401 for the first quarter of 2024).
        if not FILE_NAME_RE.match(stem):
            yield Problem(None, None, f"o nome “{stem}” não indica o trimestre no formato AAAA0n (ex.: 202401)")

    @staticmethod
    def _check(raw: IO[bytes], holder: list[StreamCheck]) -> Iterator[Problem]:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig")
        check = StreamCheck(text)
        holder.append(check)
        try:
            yield from check
        except UnicodeDecodeError:
            yield Problem(None, None, f"o texto não está em UTF-8 (depois do registro {check.records})")
