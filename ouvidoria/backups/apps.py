from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "ouvidoria.backups"
    label = "backups"
    verbose_name = "Cópias de segurança"
