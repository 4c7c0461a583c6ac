from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.privacy.rotation import keys_rotate, values_under_old_keys


class Command(BaseCommand):
    help = (
        "Recifra todos os dados cifrados com a primeira chave de OUVIDORIA_ENCRYPTION_KEYS, em lotes, sem parar o "
        "sistema; interrompido, continua de onde parou ao rodar de novo (docs/security.md, “Rotação de chaves”)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="Linhas por transação (padrão: 1000).")
        parser.add_argument(
            "--check", action="store_true", help="Só conta os valores ainda cifrados com chaves antigas."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size: informe um número inteiro maior que zero.")
        if options["check"]:
            left = values_under_old_keys()
            self.stdout.write(f"Valores ainda cifrados com chaves antigas: {left}.")
            return
        verbose = options["verbosity"] > 1

        def progress(line: str) -> None:
            if verbose:
                self.stdout.write(line)

        result = keys_rotate(batch_size=options["batch_size"], progress=progress)
        for c in result.columns:
            self.stdout.write(f"{c.table}.{c.column}: {c.read} lidos, {c.rewritten} recifrados")
        self.stdout.write(f"Índices de busca reescritos: {result.hashes_rewritten}.")
        left = values_under_old_keys()
        self.stdout.write(
            "Nada mais cifrado com chaves antigas: elas podem ser retiradas de OUVIDORIA_ENCRYPTION_KEYS."
            if left == 0
            else f"Ainda {left} valores com chaves antigas (gravados durante a rotação): rode de novo."
        )
