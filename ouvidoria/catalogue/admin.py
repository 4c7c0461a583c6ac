from django.contrib import admin

from ouvidoria.catalogue.models import DeadlinePolicy, Instance, Medium, RecordType, Subject


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin[Subject]):
    list_display = ["label", "code", "is_opin", "active"]
    list_filter = ["is_opin", "active", "instances"]
    search_fields = ["label", "code"]
    filter_horizontal = ["record_types", "instances"]


@admin.register(Instance)
class InstanceAdmin(admin.ModelAdmin[Instance]):
    list_display = ["code", "label", "kind", "opin_channel"]


@admin.register(Medium)
class MediumAdmin(admin.ModelAdmin[Medium]):
    list_display = ["code", "label"]


@admin.register(RecordType)
class RecordTypeAdmin(admin.ModelAdmin[RecordType]):
    list_display = ["code", "label"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin[DeadlinePolicy]):
    list_display = ["code", "label", "unit", "days", "source"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # shipped as data in ouvidoria/rules/data/policies.toml
