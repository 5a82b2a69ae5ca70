"""政企早餐会: the leaders' rota, meetings published in advance, bookings and invitations within a
meeting's capacity, attendance, minutes, and problems raised that become cases.

Invariants: a meeting takes bookings only once published and before it starts; seats held (confirmed
bookings and pending invitations) never exceed its capacity — a conditional update on `seats_taken`
decides, so two enterprises racing for the last seat cannot both win; an enterprise has at most one
booking per meeting; every problem becomes a case through intake with its MeetingProblem link written
in the case's REGISTERED transaction.
"""

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.access.policy import require
from dajuan.cases.choices import Source
from dajuan.core.audit import audit_record
from dajuan.core.errors import Conflict, ValidationFailed
from dajuan.enterprise.care import Problem, problem_register, problems_check
from dajuan.meetings.models import (
    SEAT_STATUSES,
    Booking,
    BookingOrigin,
    BookingStatus,
    Meeting,
    MeetingKind,
    MeetingProblem,
    MeetingStatus,
    RotaSlot,
)

MAX_CAPACITY = 200


@transaction.atomic
def rota_set(*, day: date, leader, by) -> RotaSlot:
    """Put a leader on duty for a day (轮流坐班), replacing whoever was. Raises NotPermitted."""
    require(by, Action.MANAGE_MEETINGS)
    if not scope.is_staff_member(leader):
        raise ValidationFailed(_("%(user)s does not work for a unit; the rota is of leaders.") % {"user": leader},
                               field="leader")
    slot, _created = RotaSlot.objects.update_or_create(day=day, defaults={"leader": leader})
    audit_record(slot, "rota_set", by=by, after={"day": day.isoformat(), "leader": leader.pk})
    return slot


@transaction.atomic
def meeting_plan(*, starts_at: datetime, place: str, topic: str, capacity: int, host=None,
                 kind: str = MeetingKind.BREAKFAST, by) -> Meeting:
    """Plan a meeting (a draft until published). The host defaults to the rota's leader of that day.
    Raises NotPermitted, ValidationFailed."""
    require(by, Action.MANAGE_MEETINGS)
    if kind not in MeetingKind.values:
        raise ValidationFailed(_("Kind must be one of: %(values)s.") % {"values": ", ".join(MeetingKind.values)},
                               field="kind")
    if host is None:
        slot = RotaSlot.objects.filter(day=timezone.localtime(starts_at).date()).select_related("leader").first()
        if slot is None:
            raise ValidationFailed(_("Nobody is on the rota that day; name a host or add the day to the rota."),
                                   field="host")
        host = slot.leader
    place, topic = (place or "").strip(), (topic or "").strip()
    if not place:
        raise ValidationFailed(_("Give the meeting's place."), field="place")
    if not topic:
        raise ValidationFailed(_("Give the meeting's topic."), field="topic")
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationFailed(_("Capacity must be a whole number from 1 to %(max)s.") % {"max": MAX_CAPACITY},
                               field="capacity")
    meeting = Meeting.objects.create(kind=kind, starts_at=starts_at, host=host, place=place[:200], topic=topic[:200],
                                     capacity=capacity, created_by=by)
    audit_record(meeting, "meeting_planned", by=by, after={"starts_at": starts_at.isoformat(), "host": host.pk})
    return meeting


@transaction.atomic
def meeting_publish(meeting: Meeting, *, by, at: datetime | None = None) -> Meeting:
    """提前公示: publish a draft meeting on the public page. Raises NotPermitted, Conflict."""
    require(by, Action.MANAGE_MEETINGS)
    at = at or timezone.now()
    if meeting.starts_at <= at:
        raise Conflict(_("The meeting has already started; publish meetings in advance."), field="starts_at")
    if not Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.DRAFT).update(
            status=MeetingStatus.PUBLISHED, published_at=at):
        raise Conflict(_("Only a draft meeting can be published; this one is %(status)s.")
                       % {"status": meeting.get_status_display()}, field="status")
    meeting.refresh_from_db()
    audit_record(meeting, "meeting_published", by=by)
    return meeting


def _ensure_open(meeting: Meeting, at: datetime) -> None:
    if meeting.status != MeetingStatus.PUBLISHED:
        raise Conflict(_("This meeting is not open for booking (it is %(status)s).")
                       % {"status": meeting.get_status_display()}, field="meeting")
    if meeting.starts_at <= at:
        raise Conflict(_("This meeting has already started; book one of the coming meetings."), field="meeting")


def _take_seat(meeting: Meeting) -> None:
    if not Meeting.objects.filter(pk=meeting.pk, seats_taken__lt=F("capacity")).update(
            seats_taken=F("seats_taken") + 1):
        raise Conflict(_("The meeting is full (%(n)s places); choose another date.") % {"n": meeting.capacity},
                       field="meeting")


def _free_seat(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)


def _booking_add(meeting, enterprise, *, origin, status, by, at) -> Booking:
    if Booking.objects.filter(meeting=meeting, enterprise=enterprise).exclude(
            status__in=(BookingStatus.CANCELLED, BookingStatus.DECLINED)).exists():
        raise Conflict(_("%(name)s already has a place at this meeting.") % {"name": enterprise}, field="enterprise")
    _take_seat(meeting)
    try:
        with transaction.atomic():
            booking, _created = Booking.objects.update_or_create(
                meeting=meeting, enterprise=enterprise,
                defaults={"origin": origin, "status": status, "by": by, "at": at, "attended": False})
    except IntegrityError:
        raise Conflict(_("%(name)s already has a place at this meeting.") % {"name": enterprise},
                       field="enterprise") from None
    audit_record(booking, f"meeting_{origin}", by=by, after={"meeting": meeting.pk, "enterprise": enterprise.pk})
    return booking


@transaction.atomic
def booking_make(meeting: Meeting, *, by, at: datetime | None = None) -> Booking:
    """预约: an enterprise account books a place for its enterprise. Raises NotPermitted, Conflict."""
    from dajuan.enterprise.models import Enterprise

    require(by, Action.BOOK_MEETING)
    at = at or timezone.now()
    meeting.refresh_from_db()
    _ensure_open(meeting, at)
    enterprise = Enterprise.objects.get(pk=scope.enterprise_id_of(by))
    return _booking_add(meeting, enterprise, origin=BookingOrigin.BOOKED, status=BookingStatus.CONFIRMED, by=by, at=at)


@transaction.atomic
def invitation_send(meeting: Meeting, *, enterprise, by, at: datetime | None = None) -> Booking:
    """主动邀请: invite an enterprise; the invitation holds a seat until answered. Raises NotPermitted,
    Conflict."""
    require(by, Action.HOST_MEETING, meeting)
    at = at or timezone.now()
    meeting.refresh_from_db()
    _ensure_open(meeting, at)
    return _booking_add(meeting, enterprise, origin=BookingOrigin.INVITED, status=BookingStatus.INVITED, by=by, at=at)


@transaction.atomic
def invitation_answer(booking: Booking, *, accept: bool, by, at: datetime | None = None) -> Booking:
    """The invited enterprise accepts or declines; declining frees the seat. Raises NotPermitted, Conflict."""
    require(by, Action.BOOK_MEETING)
    if scope.enterprise_id_of(by) != booking.enterprise_id:
        raise Conflict(_("This invitation is for another enterprise."), field="booking")
    status = BookingStatus.CONFIRMED if accept else BookingStatus.DECLINED
    if not Booking.objects.filter(pk=booking.pk, status=BookingStatus.INVITED).update(status=status,
                                                                                      at=at or timezone.now()):
        raise Conflict(_("This invitation has already been answered."), field="booking")
    if not accept:
        _free_seat(booking.meeting)
    booking.refresh_from_db()
    audit_record(booking, "invitation_answered", by=by, after={"accept": accept})
    return booking


@transaction.atomic
def booking_cancel(booking: Booking, *, by, at: datetime | None = None) -> Booking:
    """The enterprise cancels its place before the meeting; the seat is freed. Raises Conflict."""
    require(by, Action.BOOK_MEETING)
    if scope.enterprise_id_of(by) != booking.enterprise_id:
        raise Conflict(_("This booking is for another enterprise."), field="booking")
    if booking.meeting.starts_at <= (at or timezone.now()):
        raise Conflict(_("The meeting has started; a booking can no longer be cancelled."), field="booking")
    if not Booking.objects.filter(pk=booking.pk, status__in=SEAT_STATUSES).update(status=BookingStatus.CANCELLED):
        raise Conflict(_("This booking is not active."), field="booking")
    _free_seat(booking.meeting)
    booking.refresh_from_db()
    audit_record(booking, "booking_cancelled", by=by)
    return booking


@transaction.atomic
def attendance_record(meeting: Meeting, *, enterprises, minutes: str = "", by, at: datetime | None = None) -> int:
    """After the meeting: who came (walk-ins get a booking of their own) and the minutes; the meeting is
    held. Returns the number attending. Raises NotPermitted, Conflict."""
    require(by, Action.HOST_MEETING, meeting)
    at = at or timezone.now()
    meeting.refresh_from_db()
    if meeting.status not in (MeetingStatus.PUBLISHED, MeetingStatus.HELD):
        raise Conflict(_("Only a published meeting can be held."), field="status")
    if meeting.starts_at > at:
        raise Conflict(_("The meeting has not started yet; record attendance afterwards."), field="starts_at")
    enterprises = list(enterprises)
    known = {b.enterprise_id: b for b in meeting.bookings.all()}
    walk_ins = [Booking(meeting=meeting, enterprise=e, origin=BookingOrigin.INVITED, status=BookingStatus.CONFIRMED,
                        attended=True, by=by, at=at) for e in enterprises if e.pk not in known]
    Booking.objects.bulk_create(walk_ins)
    Booking.objects.filter(meeting=meeting, enterprise__in=[e.pk for e in enterprises]).update(
        attended=True, status=BookingStatus.CONFIRMED)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD,
                                                 minutes=(minutes or meeting.minutes).strip())
    meeting.refresh_from_db()
    audit_record(meeting, "meeting_held", by=by, after={"attended": len(enterprises)})
    return len(enterprises)


def problem_raise(meeting: Meeting, *, enterprise, problem: Problem, by, at: datetime | None = None):
    """A problem an enterprise raised at the meeting becomes a case (source 政企早餐会) linked to the
    meeting. Raises NotPermitted, Conflict (the enterprise did not attend), CaseInvalid."""
    require(by, Action.HOST_MEETING, meeting)
    if not meeting.bookings.filter(enterprise=enterprise, attended=True).exists():
        raise Conflict(_("%(name)s is not recorded as attending this meeting; record attendance first.")
                       % {"name": enterprise}, field="enterprise")
    problems_check([problem], enterprise=enterprise)
    return problem_register(problem, enterprise=enterprise, channel=Source.BREAKFAST_MEETING, by=by, at=at,
                            link=lambda case: MeetingProblem.objects.create(meeting=meeting, case=case))
