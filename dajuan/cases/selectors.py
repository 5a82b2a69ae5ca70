"""Reads of cases for lists, searches, exports and the API: always scoped by access.visible_cases, with
phone numbers masked row by row through the one access rule (VIEW_REQUESTER_CONTACT).

Pagination is by keyset (registered_at, id) rather than OFFSET, so page 1,000 costs what page 1 does.
"""

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from dajuan.access.actions import Action
from dajuan.access.policy import decide, visible_cases
from dajuan.cases import search
from dajuan.cases.choices import OPEN_STATUSES, CaseStatus, Priority, Satisfaction, Source, Verb
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Case, Category, Event
from dajuan.core.masking import mask_phone
from dajuan.org.models import Unit


@dataclass(frozen=True)
class CaseFilters:
    """What a case list can be narrowed by. Empty means "no filter" for every field."""

    statuses: tuple[str, ...] = ()
    category: Category | None = None  # and its sub-categories
    lead_unit: Unit | None = None  # and the units under it
    grid: Unit | None = None  # the grid the case lies in (the dashboard's map links here)
    sources: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    registered_from: date | None = None  # inclusive, local dates
    registered_to: date | None = None  # inclusive
    overdue: bool | None = None
    min_supervision_level: int | None = None
    satisfaction: str = ""
    text: str = ""  # number, title or content; plain substring, so Chinese works on every database

    @classmethod
    def from_query(cls, query) -> "CaseFilters":
        """Parse the case list's GET parameters (the contract the dashboard links to): status, source,
        priority (repeatable), category (code), unit (lead unit code, subtree), from/to (YYYY-MM-DD,
        registered date), overdue (1/0), level (1-3), satisfaction, q, grid (grid code). Raises CaseInvalid naming the
        first parameter at fault and saying what it accepts."""
        return cls(
            statuses=_choices(query, "status", CaseStatus),
            category=_by_code(query, "category", Category, _("No category has the code “%(code)s”.")),
            lead_unit=_by_code(query, "unit", Unit, _("No unit has the code “%(code)s”.")),
            grid=_by_code(query, "grid", Unit, _("No unit has the code “%(code)s”.")),
            sources=_choices(query, "source", Source),
            priorities=_choices(query, "priority", Priority),
            registered_from=_date(query, "from"),
            registered_to=_date(query, "to", not_before=_date(query, "from")),
            overdue=_flag(query, "overdue"),
            min_supervision_level=_level(query, "level"),
            satisfaction=(_choices(query, "satisfaction", Satisfaction) or ("",))[0],
            text=_text(query, "q"),
        )

    def is_empty(self) -> bool:
        return self == CaseFilters()


def _values(query, name: str) -> list[str]:
    return [v.strip() for v in query.getlist(name) if v.strip()]


def _choices(query, name: str, choices) -> tuple[str, ...]:
    values = _values(query, name)
    for value in values:
        if value not in choices.values:
            raise CaseInvalid(_("“%(value)s” is not a valid %(name)s; use one of: %(allowed)s.") % {
                "value": value, "name": name, "allowed": ", ".join(choices.values)}, field=name)
    return tuple(dict.fromkeys(values))


def _by_code(query, name: str, model, message):
    code = (query.get(name) or "").strip()
    if not code:
        return None
    found = model.objects.filter(code=code).first()
    if found is None:
        raise CaseInvalid(message % {"code": code}, field=name)
    return found


def _date(query, name: str, *, not_before: date | None = None) -> date | None:
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError as exc:
        raise CaseInvalid(_("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01.")
                          % {"value": raw}, field=name) from exc
    if not_before and value < not_before:
        raise CaseInvalid(_("The end date is before the start date; swap them."), field=name)
    return value


def _flag(query, name: str) -> bool | None:
    raw = (query.get(name) or "").strip()
    if raw not in ("", "0", "1"):
        raise CaseInvalid(_("%(name)s must be 1 (yes) or 0 (no).") % {"name": name}, field=name)
    return None if raw == "" else raw == "1"


def _level(query, name: str) -> int | None:
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    if raw not in ("1", "2", "3"):
        raise CaseInvalid(_("The supervision level must be 1 (催办), 2 (督办) or 3 (挂牌督办)."), field=name)
    return int(raw)


def _text(query, name: str) -> str:
    text = (query.get(name) or "").strip()
    if len(text) > 100:
        raise CaseInvalid(_("Search for at most 100 characters."), field=name)
    return text


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def case_list(user, filters: CaseFilters | None = None, *, at: datetime | None = None,
              where: Q | None = None, within: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Cases `user` may see that match `filters` (and `where`, e.g. an inbox's condition), newest first,
    with what a list row shows selected. `within`: a narrower access scope of the same user to start
    from instead of visible_cases (e.g. access.visible_unit_work for a unit inbox)."""
    f = filters or CaseFilters()
    qs = (visible_cases(user) if within is None else within).select_related("category", "lead_unit")
    if where is not None:
        qs = qs.filter(where)
    if f.statuses:
        qs = qs.filter(status__in=f.statuses)
    if f.category is not None:
        c = f.category
        qs = qs.filter(Q(category=c) | Q(category__parent=c) | Q(category__parent__parent=c))
    if f.grid is not None:
        qs = qs.filter(grid=f.grid)
    if f.lead_unit is not None:
        # An IN over the subtree's ids (not a join on path) lets the lead_unit indexes serve it.
        qs = qs.filter(lead_unit__in=Unit.objects.filter(path__startswith=f.lead_unit.path).values("pk"))
    if f.sources:
        qs = qs.filter(source__in=f.sources)
    if f.priorities:
        qs = qs.filter(priority__in=f.priorities)
    if f.registered_from:
        qs = qs.filter(registered_at__gte=_local_midnight(f.registered_from))
    if f.registered_to:
        qs = qs.filter(registered_at__lt=_local_midnight(f.registered_to + timedelta(days=1)))
    if f.overdue is not None:
        overdue = Q(status__in=OPEN_STATUSES, reply_due__lt=at or timezone.now(), suspended_at=None)
        qs = qs.filter(overdue) if f.overdue else qs.exclude(overdue)
    if f.min_supervision_level:
        qs = qs.filter(supervision_level__gte=f.min_supervision_level)
    if f.satisfaction:
        qs = qs.filter(satisfaction=f.satisfaction)
    if text := f.text.strip():
        qs = qs.filter(Q(number=text) | search.text_matches(text, using=qs.db))
    return qs.order_by("-registered_at", "-pk")


@dataclass(frozen=True)
class CaseRow:
    """One row of a list or export: the case and the requester's phone as this user may see it."""

    case: Case
    requester_phone: str
    phone_masked: bool


def requester_phone_for(user, case: Case) -> tuple[str, bool]:
    """(phone as `user` may see it, whether it was masked). No query when lead_unit is selected."""
    if not case.requester_phone or decide(user, Action.VIEW_REQUESTER_CONTACT, case):
        return case.requester_phone, False
    return mask_phone(case.requester_phone), True


def rows_for(user, cases) -> list[CaseRow]:
    rows = []
    for case in cases:
        phone, masked = requester_phone_for(user, case)
        rows.append(CaseRow(case=case, requester_phone=phone, phone_masked=masked))
    return rows


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    next_cursor: str | None = None
    has_more: bool = False
    extra: dict = field(default_factory=dict)


def encode_cursor(case: Case) -> str:
    raw = f"{case.registered_at.isoformat()}|{case.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Raises CaseInvalid(field="cursor") for anything that is not a cursor this module made."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        registered_at = parse_datetime(stamp)
        if registered_at is None:
            raise ValueError(stamp)
        return registered_at, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise CaseInvalid(_("The cursor is not valid; start again from the first page."), field="cursor") from exc


def case_page(user, filters: CaseFilters | None = None, *, after: str | None = None, limit: int = 50,
              at: datetime | None = None, where: Q | None = None, within: QuerySet[Case] | None = None) -> CasePage:
    """One page of `case_list` after the cursor `after` (None: the first page)."""
    if not 1 <= limit <= 500:
        raise CaseInvalid(_("Ask for between 1 and 500 rows per page."), field="limit")
    qs = case_list(user, filters, at=at, where=where, within=within)
    if after:
        registered_at, pk = decode_cursor(after)
        qs = qs.filter(Q(registered_at__lt=registered_at) | Q(registered_at=registered_at, pk__lt=pk))
    cases = list(qs[: limit + 1])
    has_more = len(cases) > limit
    cases = cases[:limit]
    return CasePage(rows=rows_for(user, cases), next_cursor=encode_cursor(cases[-1]) if has_more else None,
                    has_more=has_more)


def submitted_reply(case: Case) -> Event | None:
    """答复审核: the newest reply submitted for review (the one under review while the case is reviewing,
    else the one last sent back), read from the ledger: a draft is never written to the assignment."""
    return case.events.filter(verb=Verb.REPLY_SUBMITTED).order_by("-seq").first()
