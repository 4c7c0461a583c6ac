from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "ouvidoria.retention"
    verbose_name = "Retenção e bloqueios legais"
