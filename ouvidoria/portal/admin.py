from django.contrib import admin

from ouvidoria.portal.models import ChatConversation, ChatMessage


class ChatMessageInline(admin.TabularInline[ChatMessage, ChatConversation]):
    model = ChatMessage
    fields = ("created_at", "author", "text", "article")
    readonly_fields = ("created_at", "author", "text", "article")
    extra = 0
    can_delete = False


@admin.register(ChatConversation)
class ChatConversationAdmin(admin.ModelAdmin[ChatConversation]):
    """The assistant's transcripts, by protocol (already without sensitive data), read only."""

    list_display = ["protocol", "started_at", "entity", "state", "purpose", "resolved"]
    list_filter = ["state", "purpose", "resolved", "entity"]
    search_fields = ["protocol"]
    readonly_fields = ["protocol", "entity", "state", "participant", "purpose", "started_at", "resolved", "suggestion"]
    inlines = [ChatMessageInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
