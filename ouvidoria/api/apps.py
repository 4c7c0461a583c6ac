from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ouvidoria.api"
    label = "api"
