import getpass
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from ouvidoria.opin.management.options import add_entity_and_quarter, entity_and_quarter
from ouvidoria.opin.services import OpinError, opin_export, opin_selection


class Command(BaseCommand):
    help = (
        "Gera o arquivo trimestral OPIN (manual OPIN, seção 8) de uma entidade participante: DIR/AAAA0n.zip com "
        "AAAA0n.json no layout do Anexo I — as manifestações dos canais SAC, Transacional, Ouvidoria e Chatbot "
        "concluídas no trimestre e as pendentes no fim dele, qualquer que seja a data de início, sem nenhum dado "
        "pessoal. Com --xlsx, também DIR/AAAA0n.xlsx no layout do Anexo II. Cada geração fica registrada (com uma "
        "cópia em var/opin/) para depois ser marcada como enviada (opin_sent)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        add_entity_and_quarter(parser)
        parser.add_argument("--out", required=True, help="Diretório onde gravar AAAA0n.zip (criado se não existir).")
        parser.add_argument("--xlsx", action="store_true", help="Grava também a planilha do Anexo II (AAAA0n.xlsx).")
        parser.add_argument(
            "--omit-invalid",
            action="store_true",
            help="Deixa de fora (e lista) as manifestações que não cabem no layout, em vez de recusar a geração.",
        )
        parser.add_argument("--by", default="", help="Quem gera (padrão: o usuário do sistema operacional).")
        parser.add_argument("--json", action="store_true", help="Saída em JSON: caminho e número de registros.")

    def handle(self, *args: Any, **options: Any) -> None:
        entity, quarter = entity_and_quarter(options)
        if not quarter.is_over(timezone.localdate()):
            raise CommandError(f"--quarter: o {quarter.label} ainda não terminou.")
        out_dir = Path(options["out"])
        if out_dir.exists() and not out_dir.is_dir():
            raise CommandError(f"--out: “{out_dir}” é um arquivo, não um diretório.")
        show_progress = not options["json"] and self.stderr.isatty()
        by = options["by"] or f"manage.py export_opin ({getpass.getuser()})"
        try:
            with tqdm(
                total=opin_selection(entity, quarter).count() if show_progress else None,
                desc="Exportando",
                unit=" manifestações",
                file=sys.stderr,
                disable=not show_progress,
                dynamic_ncols=True,
            ) as bar:
                result = opin_export(
                    entity=entity,
                    quarter=quarter,
                    out_dir=out_dir,
                    generated_by=by,
                    xlsx=options["xlsx"],
                    omit_invalid=options["omit_invalid"],
                    progress=bar.update,
                )
        except OpinError as exc:
            raise CommandError(str(exc)) from exc
        except PermissionError as exc:
            raise CommandError(f"--out: sem permissão para gravar em “{out_dir}”.") from exc
        except OSError as exc:
            raise CommandError(
                f"--out: não foi possível gravar em “{out_dir}”: confira se o caminho existe e se há espaço em disco."
            ) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(f"{result.path}: {result.records} registro(s) do {quarter.label} (SHA-256 {result.sha256}).")
        if result.spreadsheet:
            self.stdout.write(f"Planilha: {result.spreadsheet}.")
        for omission in result.omitted:
            self.stderr.write(f"Deixada de fora: {omission}")
