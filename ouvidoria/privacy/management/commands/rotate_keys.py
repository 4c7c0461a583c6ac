from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouvidoria.privacy.rotation import files_under_old_keys, keys_rotate, values_under_old_keys


class Command(BaseCommand):
    help = (
        "Recifra todos os dados cifrados com a primeira chave de OUVIDORIA_ENCRYPTION_KEYS, em lotes, sem parar o "
        "sistema; interrompido, continua de onde parou ao rodar de novo (docs/security.md, “Rotação de chaves”)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="Linhas por transação (padrão: 1000).")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Só conta os valores e os arquivos ainda cifrados com chaves antigas (ou, arquivos, em claro).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size: informe um número inteiro maior que zero.")
        if options["check"]:
            self.stdout.write(f"Valores ainda cifrados com chaves antigas: {values_under_old_keys()}.")
            self.stdout.write(f"Arquivos ainda em claro ou com chaves antigas: {files_under_old_keys()}.")
            return
        verbose = options["verbosity"] > 1

        def progress(line: str) -> None:
            if verbose:
                self.stdout.write(line)

        result = keys_rotate(batch_size=options["batch_size"], progress=progress)
        for c in result.columns:
            self.stdout.write(f"{c.table}.{c.column}: {c.read} lidos, {c.rewritten} recifrados")
        for f in result.files:
            self.stdout.write(
                f"{f.table}.{f.column}: {f.read} arquivos lidos, {f.rewritten} recifrados, "
                f"{f.missing} ausentes do disco, {f.unreadable} ilegíveis"
            )
        self.stdout.write(f"Índices de busca reescritos: {result.hashes_rewritten}.")
        left, files_left = values_under_old_keys(), files_under_old_keys()
        if left == 0 and files_left == 0:
            self.stdout.write(
                "Nada mais cifrado com chaves antigas: elas podem ser retiradas de OUVIDORIA_ENCRYPTION_KEYS."
            )
        else:
            self.stdout.write(
                f"Ainda {left} valores e {files_left} arquivos com chaves antigas ou em claro "
                "(gravados durante a rotação, ou ilegíveis: veja o log): rode de novo."
            )
