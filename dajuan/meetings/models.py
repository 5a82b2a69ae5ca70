from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")  # 提前公示
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingKind(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast meeting")  # 政企早餐会
    RECEPTION = "reception", _("Leader reception day")  # 领导接访 (petitions reuse the scheduling)


class BookingOrigin(models.TextChoices):
    BOOKED = "booked", _("Booked by the enterprise")  # 预约
    INVITED = "invited", _("Invited")  # 主动邀请


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")  # a booking, or an accepted invitation
    INVITED = "invited", _("Invitation pending")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


SEAT_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.INVITED)  # hold a seat


class RotaSlot(models.Model):
    """轮流坐班: the leader on duty for breakfast meetings on a day."""

    day = models.DateField(_("day"), unique=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("leader"))

    class Meta:
        verbose_name = _("rota slot")
        verbose_name_plural = _("rota")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.leader}"


class Meeting(models.Model):
    """政企早餐会: a leader meets enterprises over breakfast; published in advance, booked up to its
    capacity, its problems become cases (MeetingProblem)."""

    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices, default=MeetingKind.BREAKFAST)
    starts_at = models.DateTimeField(_("starts at"))
    host = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("host"))
    place = models.CharField(_("place"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    # Seats held by confirmed bookings and pending invitations; moved only by a conditional update, so
    # two enterprises taking the last seat at once cannot both win.
    seats_taken = models.PositiveSmallIntegerField(_("seats taken"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=models.Q(seats_taken__lte=models.F("capacity")),
                                              name="meeting_seats_within_capacity")]
        indexes = [models.Index(fields=["status", "starts_at"], name="meeting_status_start")]  # public list

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d} {self.topic}"


class Booking(models.Model):
    """An enterprise's place at a meeting: booked by it or an invitation to it, and whether it came."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="bookings", verbose_name=_("meeting"))
    enterprise = models.ForeignKey("enterprise.Enterprise", models.PROTECT, related_name="bookings",
                                   verbose_name=_("enterprise"))
    origin = models.CharField(_("origin"), max_length=10, choices=BookingOrigin.choices)
    status = models.CharField(_("status"), max_length=10, choices=BookingStatus.choices)
    attended = models.BooleanField(_("attended"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [models.UniqueConstraint(fields=["meeting", "enterprise"], name="booking_one_per_enterprise")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.enterprise}"


class MeetingProblem(models.Model):
    """A problem raised at a meeting: the case it became (written in the REGISTERED transaction)."""

    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="problems", verbose_name=_("meeting"))
    case = models.OneToOneField("cases.Case", models.PROTECT, related_name="meeting_problem", verbose_name=_("case"))

    class Meta:
        verbose_name = _("meeting problem")
        verbose_name_plural = _("meeting problems")

    def __str__(self) -> str:
        return f"{self.meeting} → {self.case_id}"
