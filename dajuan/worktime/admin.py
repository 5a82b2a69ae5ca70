"""Django admin for the calendar tables. Every save and delete goes through worktime.services, so the
admin site checks Action.MANAGE_CALENDAR and writes the same audit rows as the holiday page."""

from django import forms
from django.contrib import admin
from django.db import transaction

from dajuan.access.actions import Action
from dajuan.access.policy import decide
from dajuan.core.errors import ValidationFailed
from dajuan.worktime import services
from dajuan.worktime.models import CalendarYear, Holiday


class CalendarAdmin(admin.ModelAdmin):
    """Permissions come from the access module, not from Django's model permissions."""

    def has_module_permission(self, request) -> bool:
        return bool(decide(request.user, Action.MANAGE_CALENDAR))

    def has_view_permission(self, request, obj=None) -> bool:
        return bool(decide(request.user, Action.MANAGE_CALENDAR))

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None) -> bool:
        return bool(decide(request.user, Action.MANAGE_CALENDAR))

    has_delete_permission = has_change_permission


class HolidayAdminForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "is_workday", "name", "note"]

    def clean(self):
        cleaned = super().clean()
        date = cleaned.get("date", self.instance.date)
        if date and "name" in cleaned and "is_workday" in cleaned:
            try:
                services.validate_holiday_fields(date=date, is_workday=cleaned["is_workday"],
                                                 name=cleaned["name"], note=cleaned.get("note", ""))
            except ValidationFailed as error:
                self.add_error(error.field if error.field in self.fields else None, str(error.message))
        return cleaned


@admin.register(Holiday)
class HolidayAdmin(CalendarAdmin):
    form = HolidayAdminForm
    list_display = ["date", "is_workday", "name", "note", "updated_at"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name", "note"]

    def get_readonly_fields(self, request, obj=None):
        # The date is the row's identity (holiday_set upserts by date): change another date by adding it.
        return ["date"] if obj is not None else []

    def save_model(self, request, obj, form, change) -> None:
        saved = services.holiday_set(date=obj.date, is_workday=obj.is_workday, name=obj.name, note=obj.note,
                                     by=request.user)
        obj.pk, obj.created_at, obj.updated_at = saved.pk, saved.created_at, saved.updated_at

    def delete_model(self, request, obj) -> None:
        services.holiday_delete(obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for holiday in queryset:
                services.holiday_delete(holiday, by=request.user)


class CalendarYearAdminForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "note"]

    def clean_year(self):
        try:
            return services.validate_year(self.cleaned_data["year"])
        except ValidationFailed as error:
            raise forms.ValidationError(str(error.message)) from None


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdmin):
    form = CalendarYearAdminForm
    list_display = ["year", "note", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj is not None else []

    def save_model(self, request, obj, form, change) -> None:
        saved = services.calendar_year_mark(year=obj.year, note=obj.note, by=request.user)
        obj.pk, obj.created_at, obj.updated_at = saved.pk, saved.created_at, saved.updated_at

    def delete_model(self, request, obj) -> None:
        services.calendar_year_unmark(obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for marked in queryset:
                services.calendar_year_unmark(marked, by=request.user)
