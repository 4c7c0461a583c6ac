import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ouvidoria.faq.evaluation import evaluate
from ouvidoria.faq.starter import starter_index
from ouvidoria.faq.tests.questions import QUESTIONS


class Command(BaseCommand):
    help = (
        "Mede a qualidade das respostas da busca do FAQ: acerto no 1º lugar e entre os 3 primeiros, sobre as "
        "perguntas de avaliação (ouvidoria/faq/tests/questions.py) e os artigos iniciais."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Saída em JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = evaluate(starter_index(), QUESTIONS)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"perguntas: {result.total}  top-1: {result.top1_accuracy:.1%} ({result.top1})  "
            f"top-3: {result.top3_accuracy:.1%} ({result.top3})"
        )
        for miss in result.misses:
            where = "fora dos 3" if miss.expected not in miss.found else f"{miss.found.index(miss.expected) + 1}º"
            self.stdout.write(f"  [{where}] {miss.question!r}: esperado {miss.expected}, veio {', '.join(miss.found)}")
