from typing import Any

from django.contrib import admin

from ouvidoria.accounts.models import PersonalDataView, StaffProfile
from ouvidoria.accounts.services import staff_role_apply


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin[StaffProfile]):
    list_display = ["user", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    filter_horizontal = ["entities", "economic_groups", "areas"]
    autocomplete_fields = ["user"]

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        staff_role_apply(form.instance)


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin[PersonalDataView]):
    """The record of who opened whose personal data: read only, for the DPO and auditors."""

    list_display = ["viewed_at", "user", "manifestation", "ip_address"]
    list_filter = ["viewed_at"]
    date_hierarchy = "viewed_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
