import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.faq.evaluation import DEFAULT_FILE, EvaluationFileError, evaluate_by_regime, read_questions


class Command(BaseCommand):
    help = (
        "Mede a qualidade das respostas do assistente: acerto no 1º lugar e entre os 3 primeiros, por regime, sobre "
        "um arquivo de perguntas de avaliação (TOML ou CSV; formato em ouvidoria/faq/evaluation.py) e os artigos "
        "iniciais."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", type=Path, default=DEFAULT_FILE, help=f"Arquivo de perguntas (padrão: {DEFAULT_FILE})."
        )
        parser.add_argument("--json", action="store_true", help="Saída em JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = evaluate_by_regime(read_questions(options["file"]))
        except EvaluationFileError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps({r: e.as_dict() for r, e in results.items()}, ensure_ascii=False))
            return
        for regime, result in results.items():
            self.stdout.write(
                f"{regime}: perguntas {result.total}  top-1 {result.top1_accuracy:.1%} ({result.top1})  "
                f"top-3 {result.top3_accuracy:.1%} ({result.top3})"
            )
        for miss in results["todos"].misses:
            self.stdout.write(
                f"  {miss.question!r}: esperado {', '.join(miss.expected)}; veio {', '.join(miss.found) or 'nada'}"
            )
