from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CasesConfig(AppConfig):
    name = "ouvidoria.cases"
    label = "cases"

    def ready(self) -> None:
        from ouvidoria.cases.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="cases.sqlite_functions")
