from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from ouvidoria.notify.models import OutboundEmail, ReplyTemplate
from ouvidoria.rules.answers import PLACEHOLDERS, placeholders_in, render_placeholders
from ouvidoria.rules.errors import RuleViolation


class ReplyTemplateForm(forms.ModelForm[ReplyTemplate]):
    class Meta:
        model = ReplyTemplate
        fields = ["entity", "title", "category", "record_types", "body", "active"]

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        # Every known placeholder filled with itself: only unknown ones fail, with their name.
        try:
            render_placeholders(body, {name: name for name in placeholders_in(body) if name in PLACEHOLDERS})
        except RuleViolation as exc:
            raise forms.ValidationError(exc.message) from exc
        return body


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin[ReplyTemplate]):
    form = ReplyTemplateForm
    list_display = ["title", "category", "entity", "active"]
    list_filter = ["category", "active", "entity", "record_types"]
    search_fields = ["title", "body"]
    filter_horizontal = ["record_types"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    """Delivery status only: the address and the text carry personal data and stay out of the admin."""

    list_display = ["pk", "key", "status", "attempts", "last_error", "created_at", "sent_at"]
    list_filter = ["status"]
    fields = ["key", "manifestation", "status", "attempts", "last_error", "created_at", "attempted_at", "sent_at"]
    readonly_fields = [
        "key",
        "manifestation",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "attempted_at",
        "sent_at",
    ]
    search_fields = ["key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
