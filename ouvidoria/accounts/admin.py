from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from ouvidoria.accounts.models import PersonalDataView, StaffProfile
from ouvidoria.accounts.services import staff_role_apply

User = get_user_model()
admin.site.unregister(User)


def _own_or_superuser(request: HttpRequest, user: Any) -> bool:
    return bool(user is not None and (user.is_superuser or user.pk == request.user.pk))


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    """Administrators manage people's accounts, never rights above their own: no superuser flag, groups or
    permissions, no superuser's account, and not their own account (a review found an administrator making itself
    superuser, and so reading every requester's data)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not getattr(request.user, "is_superuser", False):
            fields += ["is_superuser", "is_staff", "groups", "user_permissions", "last_login", "date_joined"]
        return fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        return qs if getattr(request.user, "is_superuser", False) else qs.filter(is_superuser=False)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not getattr(request.user, "is_superuser", False) and _own_or_superuser(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not getattr(request.user, "is_superuser", False) and _own_or_superuser(request, obj):
            return False
        return super().has_delete_permission(request, obj)


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

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Nobody but a superuser changes their own role or grants, nor a superuser's profile.
        if (
            obj is not None
            and not getattr(request.user, "is_superuser", False)
            and _own_or_superuser(request, obj.user)
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj) and super().has_delete_permission(request, obj)


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
