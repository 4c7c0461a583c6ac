from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "ouvidoria.imports"
    label = "imports"
