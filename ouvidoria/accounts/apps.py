from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ouvidoria.accounts"
    label = "accounts"
    verbose_name = "Contas e acessos"
