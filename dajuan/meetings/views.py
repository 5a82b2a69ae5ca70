"""政企早餐会 pages: the public list of published meetings (提前公示), an enterprise's bookings and the
cases raised for it there, and the staff pages (all meetings with coverage; one meeting with its
bookings, attendance and the cases raised, which the host follows)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dajuan.access.actions import Action
from dajuan.access.policy import decide, require, visible_cases
from dajuan.access.scope import enterprise_id_of
from dajuan.core.errors import DomainError, ValidationFailed
from dajuan.enterprise.care import Problem
from dajuan.enterprise.models import Enterprise
from dajuan.enterprise.selectors import quarter_of
from dajuan.meetings import selectors, services
from dajuan.meetings.forms import AttendanceForm, MeetingPlanForm, ProblemForm
from dajuan.meetings.models import Booking, Meeting, MeetingStatus


@login_not_required
def meeting_public_list(request: HttpRequest) -> HttpResponse:
    meetings = list(selectors.published_upcoming())
    can_book = bool(decide(request.user, Action.BOOK_MEETING))
    booked = set()
    if can_book:
        booked = set(Booking.objects.filter(enterprise_id=enterprise_id_of(request.user), meeting__in=meetings,
                                            status__in=("confirmed", "invited")).values_list("meeting_id", flat=True))
    rows = [{"meeting": m, "seats_left": selectors.seats_left(m), "booked": m.pk in booked} for m in meetings]
    return render(request, "meetings/public_list.html", {"rows": rows, "can_book": can_book,
                                                         "error": request.GET.get("error", "")})


@require_POST
def meeting_book(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.BOOK_MEETING)
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        services.booking_make(meeting, by=request.user)
    except DomainError as error:
        rows = [{"meeting": m, "seats_left": selectors.seats_left(m), "booked": False}
                for m in selectors.published_upcoming()]
        return render(request, "meetings/public_list.html", {"rows": rows, "can_book": True, "error": error.message},
                      status=error.http_status)
    return redirect("meetings:mine")


def meeting_mine(request: HttpRequest) -> HttpResponse:
    """An enterprise's bookings and invitations, and the cases raised for it at those meetings."""
    require(request.user, Action.BOOK_MEETING)
    enterprise = Enterprise.objects.get(pk=enterprise_id_of(request.user))
    bookings = list(selectors.bookings_of(enterprise.pk))
    cases = (visible_cases(request.user).filter(meeting_problem__meeting__in=[b.meeting_id for b in bookings])
             .select_related("meeting_problem__meeting").order_by("-registered_at"))
    return render(request, "meetings/mine.html", {"enterprise": enterprise, "bookings": bookings, "cases": cases,
                                                  "now": timezone.now()})


@require_POST
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.BOOK_MEETING)
    booking = get_object_or_404(Booking, pk=pk, enterprise_id=enterprise_id_of(request.user))
    try:
        if request.POST.get("answer") == "cancel":
            services.booking_cancel(booking, by=request.user)
        else:
            services.invitation_answer(booking, accept=request.POST.get("answer") == "accept", by=request.user)
    except DomainError as error:
        return HttpResponse(error.message, status=error.http_status)
    return redirect("meetings:mine")


@require_http_methods(["GET", "POST"])
def meeting_list(request: HttpRequest) -> HttpResponse:
    """All meetings, the quarter's 四上 coverage, and (for the office) planning: the host comes from the
    rota of the day."""
    require(request.user, Action.VIEW_ENTERPRISE_SERVICE)
    can_plan = bool(decide(request.user, Action.MANAGE_MEETINGS))
    form, status = MeetingPlanForm(), 200
    if request.method == "POST":
        require(request.user, Action.MANAGE_MEETINGS)
        form = MeetingPlanForm(request.POST)
        if form.is_valid():
            try:
                meeting = services.meeting_plan(**form.cleaned_data, by=request.user)
                return redirect("meetings:detail", pk=meeting.pk)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        status = 400
    year, quarter = quarter_of(timezone.localdate())
    meetings = Meeting.objects.select_related("host").order_by("-starts_at")[:200]
    return render(request, "meetings/meeting_list.html", {
        "meetings": meetings, "coverage": selectors.four_above_coverage(year, quarter), "year": year,
        "quarter": quarter, "form": form, "can_plan": can_plan}, status=status)


@require_POST
def meeting_act(request: HttpRequest, pk: int) -> HttpResponse:
    """The office publishes a draft; the host invites an enterprise or records attendance and minutes."""
    meeting = get_object_or_404(Meeting, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "publish":
            services.meeting_publish(meeting, by=request.user)
        elif action == "invite":
            enterprise = Enterprise.objects.filter(credit_code=request.POST.get("credit_code", "").strip().upper(),
                                                   is_active=True).first()
            if enterprise is None:
                raise ValidationFailed(_("No registered enterprise has that credit code."), field="credit_code")
            services.invitation_send(meeting, enterprise=enterprise, by=request.user)
        elif action == "attendance":
            bookings = list(meeting.bookings.select_related("enterprise"))
            form = AttendanceForm(request.POST, bookings=bookings)
            if not form.is_valid():
                raise ValidationFailed(_("Tick the enterprises that came."), field="attended")
            came = [b.enterprise for b in bookings if b.enterprise_id in set(form.cleaned_data["attended"])]
            services.attendance_record(meeting, enterprises=came, minutes=form.cleaned_data["minutes"],
                                       by=request.user)
        else:
            raise ValidationFailed(_("Unknown action."), field="action")
    except DomainError as error:
        return meeting_detail(request, pk, error=error.message, status=error.http_status)
    return redirect("meetings:detail", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, pk: int, *, error: str = "", status: int = 200) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("host"), pk=pk)
    can_host = bool(decide(request.user, Action.HOST_MEETING, meeting))
    if not can_host:
        require(request.user, Action.VIEW_ENTERPRISE_SERVICE)
    bookings = list(meeting.bookings.select_related("enterprise").order_by("enterprise__name"))
    attendees = [b.enterprise for b in bookings if b.attended]
    form = ProblemForm(attendees=attendees)
    if request.method == "POST" and not error:
        require(request.user, Action.HOST_MEETING, meeting)
        form = ProblemForm(request.POST, attendees=attendees)
        if form.is_valid():
            data = form.cleaned_data
            enterprise = next(e for e in attendees if e.pk == data["enterprise"])
            try:
                services.problem_raise(meeting, enterprise=enterprise, by=request.user,
                                       problem=Problem(data["title"], data["content"], data["category"]))
                return redirect("meetings:detail", pk=meeting.pk)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
        status = 400
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "bookings": bookings, "problems": selectors.meeting_cases(meeting), "form": form,
        "can_host": can_host, "seats_left": selectors.seats_left(meeting), "error": error,
        "can_publish": meeting.status == MeetingStatus.DRAFT and bool(decide(request.user, Action.MANAGE_MEETINGS)),
        "attendance_form": AttendanceForm(bookings=bookings, initial={
            "attended": [b.enterprise_id for b in bookings if b.status == "confirmed"], "minutes": meeting.minutes}),
        "now": timezone.now()}, status=status)
