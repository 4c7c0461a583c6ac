from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ouvidoria.entities.models import Area, Closure, EconomicGroup, Entity, KeyContact
from ouvidoria.entities.services import entity_closure_add, entity_closure_remove


class ClosureInline(admin.TabularInline[Closure, Entity]):
    model = Closure
    extra = 0


class KeyContactInline(admin.TabularInline[KeyContact, Entity]):
    model = KeyContact
    extra = 0


class AreaInline(admin.TabularInline[Area, Entity]):
    model = Area
    extra = 0


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin[Entity]):
    list_display = [
        "name",
        "slug",
        "regime",
        "institution_kind",
        "opin_participant",
        "opin_structure",
        "state",
        "city",
        "group",
        "active",
    ]
    list_filter = ["regime", "institution_kind", "opin_participant", "opin_structure", "state", "active"]
    search_fields = ["name", "slug", "cnpj"]
    prepopulated_fields = {"slug": ["name"]}
    # Closures are edited on their own page (ClosureAdmin), where they recompute open deadlines.
    inlines = [KeyContactInline, AreaInline]


@admin.register(EconomicGroup)
class EconomicGroupAdmin(admin.ModelAdmin[EconomicGroup]):
    list_display = ["name", "slug", "single_ombudsman"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin[Closure]):
    """Closures go through the calendar services, so the entity's open deadlines are recomputed at once."""

    list_display = ["entity", "date", "reason"]
    list_filter = ["entity"]
    fields = ["entity", "date", "reason"]

    def has_change_permission(self, request: HttpRequest, obj: Closure | None = None) -> bool:
        return False  # remove and add again: a change of date is a calendar change

    def save_model(self, request: HttpRequest, obj: Closure, form: Any, change: bool) -> None:
        moved = entity_closure_add(entity=obj.entity, day=obj.date, reason=obj.reason)
        obj.pk = Closure.objects.get(entity=obj.entity, date=obj.date).pk
        if moved is None:
            self.message_user(request, _("Fechamento registrado; os prazos abertos serão recalculados em instantes."))
        else:
            self.message_user(request, _("Fechamento registrado; %(n)d prazos recalculados.") % {"n": moved})

    def delete_model(self, request: HttpRequest, obj: Closure) -> None:
        moved = entity_closure_remove(entity=obj.entity, day=obj.date)
        if moved is None:
            self.message_user(request, _("Fechamento removido; os prazos abertos serão recalculados em instantes."))
        else:
            self.message_user(request, _("Fechamento removido; %(n)d prazos recalculados.") % {"n": moved})

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Closure]) -> None:
        for closure in queryset:
            self.delete_model(request, closure)
