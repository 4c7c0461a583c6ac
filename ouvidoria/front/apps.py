from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "ouvidoria.front"
    label = "front"
