"""Django's admin behind the same gate as the workspace: our sign-in page, and the second factor."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from ouvidoria.accounts.decorators import second_factor_pending


class AdminSite(admin.AdminSite):
    site_header = "Ouvidoria — administração"
    site_title = "Ouvidoria"
    index_title = "Entidades, usuários, catálogos e calendários"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and second_factor_pending(request) is None

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.user.is_authenticated and second_factor_pending(request):
            from django.shortcuts import redirect

            return redirect(str(second_factor_pending(request)))
        return redirect_to_login(request.GET.get("next", request.get_full_path()))
