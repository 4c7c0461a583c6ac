from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ouvidoria.portal"
    label = "portal"
    verbose_name = "Portal do cidadão"
