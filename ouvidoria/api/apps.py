from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API. Its OpenAPI extension is registered by ``ouvidoria.api.urls``, which every schema generation
    (the documentation pages, ``manage.py spectacular``) loads first; importing drf-spectacular here would add
    0.06 s to the start-up of every command."""

    name = "ouvidoria.api"
    label = "api"
