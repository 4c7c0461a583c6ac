from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "ouvidoria.workspace"
    label = "workspace"
    verbose_name = "Área de trabalho da equipe"
