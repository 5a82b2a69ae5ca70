"""Django admin for units: the tree itself is edited on the org pages and by import; here an
administrator switches a unit's settings. Every save goes through org.services (checked and audited)."""

from django.contrib import admin

from dajuan.access.actions import Action
from dajuan.access.policy import decide
from dajuan.org import services
from dajuan.org.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_active", "reply_review"]
    list_filter = ["kind", "reply_review", "is_active"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "kind", "is_active", "reply_review"]
    readonly_fields = ["code", "name", "kind", "is_active"]
    ordering = ["path"]

    def has_module_permission(self, request) -> bool:
        return bool(decide(request.user, Action.MANAGE_UNIT))

    def has_view_permission(self, request, obj=None) -> bool:
        return bool(decide(request.user, Action.MANAGE_UNIT, obj))

    def has_change_permission(self, request, obj=None) -> bool:
        return bool(decide(request.user, Action.MANAGE_UNIT, obj))

    def has_add_permission(self, request) -> bool:
        return False  # units are created on the org pages and by import (treebeard keeps the paths)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        services.unit_set_reply_review(obj, required=form.cleaned_data["reply_review"], by=request.user)
