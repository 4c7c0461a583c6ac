"""What the OPIN commands share: reading --entity and --quarter, with the option named in each error."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from ouvidoria.entities.models import Entity
from ouvidoria.opin.services import OpinError, opin_entity
from ouvidoria.rules.opin import Quarter, parse_quarter


def add_entity_and_quarter(parser: CommandParser) -> None:
    parser.add_argument("--entity", required=True, help="Identificador (slug) da entidade participante.")
    parser.add_argument("--quarter", required=True, help="Trimestre no formato AAAAQn, por exemplo 2025Q1.")


def entity_and_quarter(options: dict[str, Any]) -> tuple[Entity, Quarter]:
    try:
        quarter = parse_quarter(options["quarter"])
    except ValueError as exc:
        raise CommandError(f"--quarter: {exc}") from exc
    try:
        entity = opin_entity(options["entity"])
    except OpinError as exc:
        raise CommandError(f"--entity: {exc}") from exc
    return entity, quarter
