from django.contrib import admin

from ouvidoria.entities.models import Area, Closure, EconomicGroup, Entity, KeyContact


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
    list_display = ["name", "slug", "regime", "opin_participant", "state", "city", "group", "active"]
    list_filter = ["regime", "opin_participant", "state", "active"]
    search_fields = ["name", "slug", "cnpj"]
    prepopulated_fields = {"slug": ["name"]}
    # Closures change deadlines: they go through entity_closure_add so open cases are recomputed.
    inlines = [KeyContactInline, AreaInline]


@admin.register(EconomicGroup)
class EconomicGroupAdmin(admin.ModelAdmin[EconomicGroup]):
    list_display = ["name", "slug", "single_ombudsman"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin[Closure]):
    list_display = ["entity", "date", "reason"]
    list_filter = ["entity"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
