from django.contrib import admin

from dajuan.enterprise.models import CareTeam, Enterprise, EnterpriseUser, Industry, Visit


class EnterpriseUserInline(admin.TabularInline):
    model = EnterpriseUser
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "industry", "kind", "is_four_above", "is_active"]
    list_filter = ["industry", "kind", "is_four_above"]
    search_fields = ["name", "credit_code"]
    inlines = [EnterpriseUserInline]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    """Industries are configuration: administrators add and retire them here."""

    list_display = ["name", "code", "is_active"]
    search_fields = ["name", "code"]


@admin.register(CareTeam)
class CareTeamAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "leader", "cadre", "since"]
    raw_id_fields = ["enterprise", "leader", "cadre", "staff"]
    search_fields = ["enterprise__name"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "visited_on", "recorded_by"]
    raw_id_fields = ["enterprise", "visitors", "recorded_by"]
    date_hierarchy = "visited_on"
