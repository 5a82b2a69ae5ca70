"""The administrators' side of the working-day calendar. Both tables are small (tens of rows a year)
and are read whole, one year at a time, by calendar.WorkCalendar; they are written only by
worktime.services so every change leaves an AuditEntry."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dajuan.core.models import TimeStampedModel

# The years an administrator may enter: wide enough for any case the platform will hold, narrow
# enough to catch a typo such as 2206.
YEAR_MIN = 2000
YEAR_MAX = 2100


class Holiday(TimeStampedModel):
    """节假日调整: one day whose status an administrator has fixed. It wins over chinese-calendar:
    a make-up working day (调休上班) when `is_workday` is True, a day off (a holiday the package
    lacks, or a local closure) when False."""

    # unique: one verdict per day; its index also serves WorkCalendar's per-year range read.
    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"),
        help_text=_("Checked: a make-up working day (offices open). Unchecked: a day off."),
    )
    name = models.CharField(
        _("name"), max_length=50, help_text=_("For example: Spring Festival, local closure.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("holiday adjustment")
        verbose_name_plural = _("holiday adjustments")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    def as_audit(self) -> dict:
        """The fields an audit entry records, JSON-ready."""
        return {
            "date": self.date.isoformat(),
            "is_workday": self.is_workday,
            "name": self.name,
            "note": self.note,
        }


class CalendarYear(TimeStampedModel):
    """已录入年度: an administrator's statement that the official national schedule for this year
    (国务院办公厅 notice) has been entered as Holiday rows, so the year counts as covered even when
    chinese-calendar does not know it yet."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("For example, the notice the schedule was taken from."),
    )

    class Meta:
        verbose_name = _("covered calendar year")
        verbose_name_plural = _("covered calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    def as_audit(self) -> dict:
        return {"year": self.year, "note": self.note}
