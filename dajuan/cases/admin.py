"""Django admin for the cases app. The catalog (categories, deadline policies) is edited here; cases,
assignments and ledger events are read-only, because every write to them goes through cases.transitions
(STYLE §6.5). What a user may see is still decided by access: confidential cases only for inspectors."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dajuan.access.case_rules import case_scope_q
from dajuan.cases.models import Assignment, Case, Category, DeadlinePolicy, Event


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "default_lead_unit", "external_code", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["parent", "default_lead_unit"]
    search_fields = ["code", "name", "external_code"]
    autocomplete_fields = ["parent"]
    raw_id_fields = ["default_lead_unit"]
    fields = ["code", "name", "parent", "default_lead_unit", "external_code", "is_active"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "priority", "reply_limit", "limit_unit", "assist_report_limit"]
    list_filter = ["priority", "limit_unit"]
    list_select_related = ["category"]
    search_fields = ["category__name", "category__code"]
    autocomplete_fields = ["category"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never added, changed or deleted here: writes go through cases.transitions only."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        return {}


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "status", "priority", "lead_unit", "registered_at", "reply_due", "version"]
    list_filter = ["status", "priority", "source"]
    list_select_related = ["lead_unit"]
    search_fields = ["number", "title"]
    date_hierarchy = "registered_at"
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case_scope_q(request.user))


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["case_number", "unit", "role", "status", "round", "claim_due", "reply_due", "claimed_at"]
    list_filter = ["role", "status"]
    list_select_related = ["case", "unit"]
    search_fields = ["case__number"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case_scope_q(request.user, "case__"))

    @admin.display(description=_("case number"), ordering="case__number")
    def case_number(self, obj: Assignment) -> str:
        return obj.case.number


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["case_number", "seq", "verb", "actor_name", "at"]
    list_filter = ["verb"]
    list_select_related = ["case"]
    search_fields = ["case__number"]
    date_hierarchy = "at"
    ordering = ["case__number", "seq"]
    show_full_result_count = False
    fields = ["case", "seq", "verb", "actor", "actor_name", "at", "payload", "prev_hash", "hash"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case_scope_q(request.user, "case__"))

    @admin.display(description=_("case number"), ordering="case__number")
    def case_number(self, obj: Event) -> str:
        return obj.case.number
