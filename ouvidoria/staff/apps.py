from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "ouvidoria.staff"
    label = "staff"
    verbose_name = "Equipe"
