import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ouvidoria.opin.management.options import add_entity_and_quarter, entity_and_quarter
from ouvidoria.opin.services import OpinError, opin_mark_sent


class Command(BaseCommand):
    help = (
        "Marca como enviado à Gestão do Open Insurance o arquivo trimestral OPIN de uma entidade (a última "
        "geração do trimestre, ou a de --sha256). Os lembretes ao Ouvidor param."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        add_entity_and_quarter(parser)
        parser.add_argument("--sha256", default="", help="Início do SHA-256 da geração enviada (padrão: a última).")
        parser.add_argument("--by", default="", help="Quem enviou (padrão: o usuário do sistema operacional).")

    def handle(self, *args: Any, **options: Any) -> None:
        entity, quarter = entity_and_quarter(options)
        try:
            sent = opin_mark_sent(
                entity=entity, quarter=quarter, sent_by=options["by"] or getpass.getuser(), sha256=options["sha256"]
            )
        except OpinError as exc:
            raise CommandError(str(exc)) from exc
        assert sent.sent_at is not None
        self.stdout.write(
            f"{entity.name}, {quarter.label}: arquivo {sent.sha256[:12]}… ({sent.record_count} registros) "
            f"marcado como enviado em {timezone.localtime(sent.sent_at):%d/%m/%Y %H:%M}."
        )
