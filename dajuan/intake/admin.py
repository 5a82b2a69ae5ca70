from django.contrib import admin

from dajuan.intake.models import GroupMember, ImportBatch, Intake, MessageGroup


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    autocomplete_fields = ["enterprise"]


@admin.register(MessageGroup)
class MessageGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "industry", "manager", "is_active"]
    raw_id_fields = ["manager"]
    inlines = [GroupMemberInline]


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    """Read-only: intake records are written with the REGISTERED event."""

    list_display = ["case", "channel", "tracking_code", "enterprise", "group", "external_id", "media_url"]
    list_filter = ["channel"]
    search_fields = ["tracking_code", "external_id", "case__number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["file_name", "rows", "by", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
