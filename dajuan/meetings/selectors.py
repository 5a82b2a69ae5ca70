"""Reads of breakfast meetings: the public list of published meetings, a host's meetings with their
cases, an enterprise's bookings, and the quarterly coverage of 四上 enterprises."""

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from dajuan.enterprise.models import Enterprise
from dajuan.enterprise.selectors import Coverage, quarter_bounds
from dajuan.meetings.models import Booking, BookingStatus, Meeting, MeetingProblem, MeetingStatus


def published_upcoming(*, at: datetime | None = None) -> QuerySet[Meeting]:
    """提前公示: published meetings still to come, soonest first (the public page)."""
    return (Meeting.objects.filter(status=MeetingStatus.PUBLISHED, starts_at__gt=at or timezone.now())
            .select_related("host").order_by("starts_at"))


def meeting_cases(meeting: Meeting) -> QuerySet[MeetingProblem]:
    """The cases raised at a meeting, with their status (what the host follows)."""
    return (meeting.problems.select_related("case", "case__lead_unit", "case__intake__enterprise")
            .order_by("case__registered_at"))


def bookings_of(enterprise_id: int) -> QuerySet[Booking]:
    return (Booking.objects.filter(enterprise_id=enterprise_id).select_related("meeting", "meeting__host")
            .order_by("-meeting__starts_at"))


def seats_left(meeting: Meeting) -> int:
    return max(meeting.capacity - meeting.seats_taken, 0)


def four_above_coverage(year: int, quarter: int) -> Coverage:
    """Every 四上 enterprise met at least once per quarter: attended a meeting held in the quarter."""
    start, end = quarter_bounds(year, quarter)
    met = Booking.objects.filter(enterprise=OuterRef("pk"), attended=True, status=BookingStatus.CONFIRMED,
                                 meeting__starts_at__date__gte=start, meeting__starts_at__date__lte=end)
    rows = list(Enterprise.objects.filter(is_four_above=True, is_active=True).annotate(met=Exists(met))
                .order_by("name"))
    missing = [e for e in rows if not e.met]
    return Coverage(start=start, end=end, total=len(rows), covered=len(rows) - len(missing), missing=missing)
