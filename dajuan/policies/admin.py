from django.contrib import admin

from dajuan.policies.models import Policy


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["title", "issuing_unit", "issued_on", "effective_from", "effective_to"]
    search_fields = ["title"]
    date_hierarchy = "issued_on"

    def has_add_permission(self, request):
        return False  # policies are registered through policies.services (dates and eligibility checked)

    def has_change_permission(self, request, obj=None):
        return False
