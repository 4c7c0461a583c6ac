"""``manage.py dossier_verify FILE.pdf [--json]``: the verification of the workspace's "Verificar dossiê" page."""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.dossier.services import dossier_verify


class Command(BaseCommand):
    help = "Verifica a assinatura PAdES de um dossiê (sai com código 1 se inválida ou alterada)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"Arquivo: não foi possível ler {options['file']} ({exc.strerror}).") from exc
        try:
            result = dossier_verify(data)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        facts = {
            "ok": result.ok,
            "intact": result.intact,
            "valid": result.valid,
            "trusted": result.trusted,
            "modified": result.modified,
            "coverage": result.coverage,
            "signer": result.signer,
            "signed_at": result.signed_at.isoformat() if result.signed_at else None,
            "protocol": result.protocol,
            "development_certificate": result.development,
            "problems": result.problems,
        }
        if options["json"]:
            self.stdout.write(json.dumps(facts, ensure_ascii=False))
        else:
            self.stdout.write("válida e íntegra" if result.ok else "INVÁLIDA OU ALTERADA")
            for key in ("protocol", "signer", "signed_at", "coverage"):
                self.stdout.write(f"{key}: {facts[key]}")
            for problem in result.problems:
                self.stdout.write(f"- {problem}")
        if not result.ok:
            raise SystemExit(1)
