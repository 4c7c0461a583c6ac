from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "ouvidoria.privacy"
    verbose_name = "Privacidade"

    def ready(self) -> None:
        from ouvidoria.privacy import checks  # noqa: F401  (registers the deployment checks)
