from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ouvidoria.audit"
    label = "audit"
    verbose_name = "Auditoria"
