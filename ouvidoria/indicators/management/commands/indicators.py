import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.cases.models import Manifestation
from ouvidoria.indicators.selectors import UnknownFilter, indicators
from ouvidoria.rules.periods import EARLIEST, LATEST

_OPTION = {"entity": "--entity", "instance": "--instance"}
_WHAT = {"entity": "Entidade desconhecida", "instance": "Instância desconhecida"}


def _date(value: str, option: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: data inválida “{value}”; use AAAA-MM-DD.") from None
    if not EARLIEST <= day <= LATEST:
        raise CommandError(f"{option}: “{value}” fora do intervalo aceito ({EARLIEST.year} a {LATEST.year}).")
    return day


class Command(BaseCommand):
    help = (
        "Indicadores de desempenho do período (recebidas, concluídas, pendentes, distribuições, tempo médio de "
        "resposta, respostas no prazo, procedência, resolução, satisfação, prorrogações). Fórmulas em "
        "docs/indicators.md."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="Início do período (AAAA-MM-DD).")
        parser.add_argument("--to", dest="date_to", required=True, help="Fim do período, inclusive (AAAA-MM-DD).")
        parser.add_argument("--entity", help="Identificador (slug) da entidade.")
        parser.add_argument("--instance", help="Código da instância (ex.: ouvidoria, sac, consumidor-gov).")
        parser.add_argument("--json", action="store_true", help="Saída em JSON: um objeto.")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from = _date(options["date_from"], "--from")
        date_to = _date(options["date_to"], "--to")
        if date_to < date_from:
            raise CommandError("--to: o fim do período é anterior ao início (--from).")
        try:
            figures = indicators(
                Manifestation.objects.all(),
                date_from,
                date_to,
                entity=options["entity"],
                instance=options["instance"],
            )
        except UnknownFilter as exc:
            raise CommandError(f"{_OPTION[exc.option]}: {_WHAT[exc.option]} “{exc.value}”.") from None
        if options["json"]:
            self.stdout.write(json.dumps(_plain(figures), ensure_ascii=False))
            return
        self._report(figures)

    def _report(self, f: dict[str, Any]) -> None:
        def pct(value: float | None) -> str:
            return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")

        def num(value: float | None) -> str:
            return "—" if value is None else f"{value:.2f}".replace(".", ",")

        lines = [
            f"Período: {f['period']['from']} a {f['period']['to']}",
            f"Recebidas: {f['received']}  Concluídas: {f['concluded']}  Pendentes: {f['pending']}",
            f"Tempo médio de resposta: {num(f['avg_response_days'])} dias",
            f"Respondidas no prazo: {pct(f['on_time_rate'])}",
            f"Procedentes: {pct(f['upheld_rate'])}",
            f"Resolvidas (avaliação do manifestante): {pct(f['resolved_rate'])}",
            f"Satisfação média (1 a 5): {num(f['satisfaction_avg'])}",
            f"Prorrogadas: {pct(f['extension_rate'])}",
        ]
        titles = {
            "by_type": "Por tipo",
            "by_instance": "Por instância",
            "by_medium": "Por meio",
            "by_subject": "Assuntos",
            "by_state": "Por UF",
        }
        for key, title in titles.items():
            lines.append(f"{title}:")
            lines += [f"  {row['label']}: {row['count']}" for row in f[key][:10]]
        self.stdout.write("\n".join(lines))


def _plain(figures: dict[str, Any]) -> dict[str, Any]:
    """The breakdowns as ``{key: count}`` (ordered by count), as the JSON output gives them."""
    out = dict(figures)
    for key in ("by_type", "by_instance", "by_medium", "by_subject", "by_state"):
        out[key] = {row["key"]: row["count"] for row in figures[key]}
    return out
