from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ouvidoria.opin.models import OpinReminder, OpinTransmission


@admin.register(OpinTransmission)
class OpinTransmissionAdmin(admin.ModelAdmin[OpinTransmission]):
    """Read-mostly: generations come from ``export_opin``; only the notes change, and the sent mark."""

    list_display = ["entity", "quarter", "generated_at", "record_count", "omitted_count", "sent_at", "sent_by"]
    list_filter = ["quarter", "entity"]
    readonly_fields = [
        "entity",
        "quarter",
        "generated_at",
        "generated_by",
        "file",
        "spreadsheet",
        "sha256",
        "record_count",
        "omitted_count",
        "sent_at",
        "sent_by",
    ]
    actions = ["mark_sent"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Marcar como enviado à Gestão do OPIN")
    def mark_sent(self, request: HttpRequest, queryset: QuerySet[OpinTransmission]) -> None:
        marked = queryset.filter(sent_at__isnull=True).update(
            sent_at=timezone.now(), sent_by=request.user.get_username()
        )
        self.message_user(request, f"{marked} arquivo(s) marcado(s) como enviado(s).", messages.SUCCESS)


@admin.register(OpinReminder)
class OpinReminderAdmin(admin.ModelAdmin[OpinReminder]):
    list_display = ["entity", "quarter", "level", "sent_at"]
    readonly_fields = ["entity", "quarter", "level", "sent_at", "recipients"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
