from django.contrib import admin

from dajuan.meetings.models import Meeting, RotaSlot


@admin.register(RotaSlot)
class RotaSlotAdmin(admin.ModelAdmin):
    list_display = ["day", "leader"]
    raw_id_fields = ["leader"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Read here; plan, publish and run meetings through the services (seats are counted there)."""

    list_display = ["starts_at", "topic", "host", "status", "seats_taken", "capacity"]
    list_filter = ["status", "kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
