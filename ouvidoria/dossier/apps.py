from django.apps import AppConfig


class DossierConfig(AppConfig):
    name = "ouvidoria.dossier"
    verbose_name = "Dossiê assinado"
