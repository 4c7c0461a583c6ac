from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "ouvidoria.cases"
    label = "cases"
