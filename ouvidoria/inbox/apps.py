from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "ouvidoria.inbox"
    label = "inbox"
    verbose_name = "Notificações da equipe"
