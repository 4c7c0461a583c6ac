from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ouvidoria.api"
    label = "api"

    def ready(self) -> None:
        from ouvidoria.api import schema  # noqa: F401  (registers the OpenAPI extension)
