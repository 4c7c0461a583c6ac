from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "ouvidoria.indicators"
    label = "indicators"
