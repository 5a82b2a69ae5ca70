from django.contrib import admin

from dajuan.enterprise.models import Enterprise, EnterpriseUser


class EnterpriseUserInline(admin.TabularInline):
    model = EnterpriseUser
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "contact_name", "is_active"]
    search_fields = ["name", "credit_code"]
    inlines = [EnterpriseUserInline]
