from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "ouvidoria.catalogue"
    label = "catalogue"
