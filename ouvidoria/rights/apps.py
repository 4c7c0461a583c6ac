from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "ouvidoria.rights"
    verbose_name = "Direitos do titular (LGPD)"
