from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "ouvidoria.notify"
    label = "notify"
    verbose_name = "Avisos e e-mails"
