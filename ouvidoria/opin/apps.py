from django.apps import AppConfig


class OpinConfig(AppConfig):
    name = "ouvidoria.opin"
    label = "opin"
    verbose_name = "Open Insurance (OPIN)"
