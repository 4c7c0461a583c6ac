from django.contrib import admin

from ouvidoria.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "prefix", "active", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    filter_horizontal = ["entities"]
