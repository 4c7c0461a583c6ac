from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ouvidoria.reports"
    label = "reports"
    verbose_name = "Relatórios regulatórios"
