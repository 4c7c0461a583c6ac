import json
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from ouvidoria.cases.models import Manifestation
from ouvidoria.imports.demo import demo_seed


class Command(BaseCommand):
    help = (
        "Cria dados sintéticos realistas: quatro entidades (consórcio BCB, operadora ANS, duas seguradoras SUSEP do "
        "mesmo grupo, uma delas participante do Open Insurance) com áreas e contatos, e N manifestações dos "
        "últimos 18 meses com manifestantes fictícios. As entidades são criadas uma vez só; as manifestações "
        "são somadas a cada execução. Recusado em produção."
    )
    # A data command: skipping the project-wide checks saves a second at start-up (``make run`` calls it).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=200, help="Quantas manifestações criar (padrão: 200).")
        parser.add_argument("--if-empty", action="store_true", help="Não faz nada se já existir alguma manifestação.")
        parser.add_argument("--seed", type=int, default=1, help="Semente dos sorteios (mesma semente, mesmos dados).")
        parser.add_argument("--json", action="store_true", help="Saída em JSON: entidades criadas e manifestações.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Dados de demonstração não podem ser criados em produção.")
        cases = options["cases"]
        if cases < 0:
            raise CommandError("--cases deve ser zero ou mais.")
        if options["if_empty"] and Manifestation.objects.exists():
            self._report(options, entities=0, cases=0, skipped=True)
            return
        show_progress = not options["json"] and self.stderr.isatty()
        with tqdm(
            total=cases,
            desc="Manifestações",
            unit=" casos",
            file=sys.stderr,
            disable=not show_progress,
            dynamic_ncols=True,
        ) as bar:
            result = demo_seed(cases=cases, seed=options["seed"], progress=bar.update)
        self._report(options, entities=result.entities_created, cases=result.cases, skipped=False)

    def _report(self, options: dict[str, Any], *, entities: int, cases: int, skipped: bool) -> None:
        if options["json"]:
            self.stdout.write(json.dumps({"entities": entities, "cases": cases}))
        elif skipped:
            self.stdout.write("Já existem manifestações; nenhum dado de demonstração foi criado.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Dados de demonstração: {entities} entidade(s) criada(s), {cases} manifestação(ões) criada(s)."
                )
            )
