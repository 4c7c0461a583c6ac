"""Changes to who works in the workspace."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from ouvidoria.accounts.access import forget_access
from ouvidoria.accounts.models import StaffProfile

ADMIN_GROUP = "Administradores"
# What administrators configure in Django's admin (seed-free choice, docs/regulation.md "Papéis"): entities with their
# areas, closures and contacts; users and their profiles; catalogues; answer templates.
ADMIN_APPS = ("entities", "catalogue", "accounts", "auth", "notify", "faq", "portal", "opin")


def admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    perms = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS).exclude(
        codename__in=["change_personaldataview", "delete_personaldataview", "add_personaldataview"]
    )
    group.permissions.set(perms)
    return group


@transaction.atomic
def staff_role_apply(profile: StaffProfile) -> None:
    """Administrators reach Django's admin with the configuration permissions; nobody else does."""
    user = profile.user
    is_admin = profile.role == "admin"
    if user.is_staff != is_admin and not user.is_superuser:
        user.is_staff = is_admin
        user.save(update_fields=["is_staff"])
    group = admin_group()
    if is_admin:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    forget_access(user)
