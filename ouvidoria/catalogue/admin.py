from django.contrib import admin

from ouvidoria.catalogue.models import DeadlinePolicy, Instance, Medium, RecordType, Subject, SubjectCatalogue


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin[Subject]):
    list_display = ["label", "code", "area", "is_opin", "active"]
    list_filter = ["catalogues", "is_opin", "active", "area", "instances"]
    search_fields = ["label", "code", "topic", "problem_group"]
    filter_horizontal = ["record_types", "instances", "catalogues"]


@admin.register(SubjectCatalogue)
class SubjectCatalogueAdmin(admin.ModelAdmin[SubjectCatalogue]):
    """Shipped with rules/subjects.py; the administrator only chooses which entities use a catalogue instead of
    their regime's default (e.g. a Banco Central consórcio administrator: only "Consórcios")."""

    list_display = ["label", "code"]
    fields = ["code", "label", "entities"]
    readonly_fields = ["code", "label"]
    filter_horizontal = ["entities"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


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
