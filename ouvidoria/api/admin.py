from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ouvidoria.api.authentication import forget_token
from ouvidoria.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "prefix", "active", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    filter_horizontal = ["entities"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        forget_token(form.instance)  # a revocation or a change of entities applies at once in this process
