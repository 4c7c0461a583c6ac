from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "ouvidoria.accounts"
    label = "accounts"
    verbose_name = "Contas e acessos"
    default = True


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by our AdminSite (same sign-in page and second factor as the workspace)."""

    default = False
    default_site = "ouvidoria.accounts.admin_site.AdminSite"
