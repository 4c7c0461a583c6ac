from django.apps import AppConfig


class FaqConfig(AppConfig):
    name = "ouvidoria.faq"
    label = "faq"
    verbose_name = "Perguntas frequentes"
