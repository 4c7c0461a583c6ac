from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ouvidoria.audit.services import anchor_write, chain_seal


class Command(BaseCommand):
    help = (
        "Sela na cadeia de auditoria os registros novos da linha do tempo e dos acessos a dados pessoais "
        "(idempotente). Com --anchor, grava também a âncora da cabeça da cadeia e a envia aos auditores."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--anchor", action="store_true", help="Grava e envia a âncora depois de selar.")

    def handle(self, *args: Any, **options: Any) -> None:
        sealed = chain_seal()
        self.stdout.write(f"selados: {sealed.records}; cabeça: {sealed.head_seq}:{sealed.head_hash}")
        if options["anchor"]:
            anchor = anchor_write()
            if anchor is None:
                self.stdout.write("cadeia vazia: nenhuma âncora gravada")
            else:
                self.stdout.write(f"âncora: {anchor.seq}:{anchor.hash} ({anchor.recipients} auditor(es) avisado(s))")
