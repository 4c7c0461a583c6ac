from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "ouvidoria.entities"
    label = "entities"
