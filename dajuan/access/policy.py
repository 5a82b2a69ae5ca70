"""THE permission module (DESIGN §2): every "may this user do X to this object" and every "which
objects may this user see" is answered here and nowhere else.

`decide` returns a Decision with a reason the UI and API can show; `require` raises NotPermitted;
`visible_*` return the querysets every list, search, export and figure starts from.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.access.case_rules import CASE_RULES, case_scope_q
from dajuan.access.enterprise_rules import ENTERPRISE_RULES
from dajuan.access.routing_rules import ROUTING_RULES, visible_hotspots
from dajuan.access.supervision_rules import SUPERVISION_RULES, visible_inspections, visible_notices
from dajuan.core.errors import NotPermitted
from dajuan.org.choices import Role
from dajuan.org.models import Unit

# Scopes of supervision and routing records, defined beside their rules.
__all__ = ["visible_hotspots", "visible_inspections", "visible_notices"]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def deny(reason) -> Decision:
    return Decision(False, str(reason))


def is_admin(user) -> bool:
    return scope.has_role(user, Role.ADMIN)


# --- rules: one per Action, each a few lines over the named predicates in scope ----------------


def _view_unit(user, unit: Unit | None) -> Decision:
    if scope.is_staff_member(user):
        return ALLOW
    return deny(_("Only staff of a unit may see the unit tree."))


def _admin_only(user, obj: Any) -> Decision:
    if is_admin(user):
        return ALLOW
    return deny(_("Only a system administrator may do this."))


def _use_workbench(user, obj: Any) -> Decision:
    if scope.is_staff_member(user):
        return ALLOW
    return deny(_("The workbench is for staff of a unit; ask an administrator to grant you a role."))


def _view_members(user, unit: Unit) -> Decision:
    if scope.has_jurisdiction(user) or scope.in_led_subtree(user, unit) or scope.works_in(user, unit):
        return ALLOW
    return deny(_("You may see the people of your own unit, or of the units you lead."))


def _grant_role(user, unit: Unit) -> Decision:
    if is_admin(user) or scope.in_led_subtree(user, unit):
        return ALLOW
    return deny(_("Only an administrator, or the leader of this unit, may grant roles here."))


def _view_audit(user, obj: Any) -> Decision:
    if scope.has_role(user, Role.ADMIN, Role.SUPERVISOR, Role.INSPECTOR):
        return ALLOW
    return deny(_("Only administrators, supervisors and inspectors may read the audit log."))


def _create_api_token(user, owner) -> Decision:
    if owner is not None and owner.pk == user.pk:
        return ALLOW
    return deny(_("You may create API tokens only for your own account."))


def _revoke_api_token(user, token) -> Decision:
    if token.user_id == user.pk or is_admin(user):
        return ALLOW
    return deny(_("Only the token's owner or a system administrator may revoke it."))


def _dispatcher_or_admin(user, obj: Any) -> Decision:
    if scope.has_role(user, Role.DISPATCHER, Role.ADMIN):
        return ALLOW
    return deny(_("Only a dispatcher or a system administrator may do this."))


def _enterprise_portal(user, obj: Any) -> Decision:
    if scope.enterprise_id_of(user) is not None:
        return ALLOW
    return deny(_("Only an account linked to an enterprise may use the enterprise portal."))


def _view_dashboard(user, unit: Unit | None) -> Decision:
    if scope.has_jurisdiction(user):
        return ALLOW
    if unit is None and scope.unit_scope(user).exists():
        return ALLOW  # the menu entry: some unit's figures are theirs
    if unit is not None and (scope.in_led_subtree(user, unit) or scope.works_in(user, unit)):
        return ALLOW
    return deny(_("You may see the figures of your own unit, or of the units you lead."))


def _view_assessment(user, obj: Any) -> Decision:
    if scope.has_jurisdiction(user) or scope.units_with_role(user, Role.UNIT_LEADER):
        return ALLOW
    return deny(_("Assessment results are for leaders, supervisors and the assessment office."))


def _manage_assessment(user, obj: Any) -> Decision:
    if scope.has_role(user, Role.ADMIN, Role.SUPERVISOR):
        return ALLOW
    return deny(_("Only the assessment office (督查考核办) or an administrator may change the assessment."))


RULES: dict[Action, Callable[[Any, Any], Decision]] = {
    Action.VIEW_UNIT: _view_unit,
    Action.MANAGE_UNIT: _admin_only,
    Action.IMPORT_ORG: _admin_only,
    Action.VIEW_MEMBERS: _view_members,
    Action.GRANT_ROLE: _grant_role,
    Action.MANAGE_CALENDAR: _admin_only,
    Action.VIEW_AUDIT: _view_audit,
    Action.CREATE_API_TOKEN: _create_api_token,
    Action.REVOKE_API_TOKEN: _revoke_api_token,
    Action.USE_WORKBENCH: _use_workbench,
    Action.IMPORT_CASES: _dispatcher_or_admin,
    Action.MANAGE_ENTERPRISE: _dispatcher_or_admin,
    Action.USE_ENTERPRISE_PORTAL: _enterprise_portal,
    Action.VIEW_DASHBOARD: _view_dashboard,
    Action.VIEW_ASSESSMENT: _view_assessment,
    Action.MANAGE_ASSESSMENT: _manage_assessment,
}


def _from_pair(rule: Callable[[Any, Any], tuple[bool, str]]) -> Callable[[Any, Any], Decision]:
    def wrapped(user, obj) -> Decision:
        allowed, reason = rule(user, obj)
        return ALLOW if allowed else deny(reason)

    return wrapped


RULES.update({action: _from_pair(rule) for action, rule in CASE_RULES.items()})
RULES.update({action: _from_pair(rule) for action, rule in SUPERVISION_RULES.items()})
RULES.update({action: _from_pair(rule) for action, rule in ENTERPRISE_RULES.items()})
RULES.update({action: _from_pair(rule) for action, rule in ROUTING_RULES.items()})


def decide(user, action: Action, obj: Any = None) -> Decision:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return deny(_("Please log in."))
    return RULES[action](user, obj)


def require(user, action: Action, obj: Any = None) -> None:
    """Raise NotPermitted (403) with the rule's reason unless `decide` allows."""
    decision = decide(user, action, obj)
    if not decision:
        raise NotPermitted(decision.reason)


def available_actions(user, obj: Any, actions: list[Action]) -> dict[Action, Decision]:
    """The decisions a page needs to show enabled buttons, or disabled ones with their reason."""
    return {action: decide(user, action, obj) for action in actions}


# --- scopes -----------------------------------------------------------------------------------


def visible_units(user) -> QuerySet[Unit]:
    """Staff see the whole tree (they must be able to pick any unit to hand work to)."""
    if decide(user, Action.VIEW_UNIT):
        return Unit.objects.all()
    return Unit.objects.none()


def visible_people(user) -> QuerySet:
    """People whose membership lies in a unit the user may see the people of."""
    User = get_user_model()
    if not getattr(user, "is_authenticated", False):
        return User.objects.none()
    if scope.has_jurisdiction(user):
        return User.objects.all()
    return User.objects.filter(memberships__unit__in=scope.unit_scope(user)).distinct()


def visible_cases(user) -> QuerySet:
    """Every case list, search, export and figure starts here (DESIGN §2): units see the cases they
    work on (a leader: the subtree's), requesters their own, jurisdiction roles every case but the
    confidential ones, which only inspectors see."""
    from dajuan.cases.models import Case

    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Case.objects.none()
    return Case.objects.filter(case_scope_q(user))


def visible_case(user, *, number: str, select_related=(), prefetch_related=()):
    """The case with this number if `user` may see it, else None — for pages that show one case. Decided
    by the VIEW_CASE rule over the fetched case and its assignments (prefetch "assignments__unit" or an
    equal Prefetch), which agrees with visible_cases row for row (access tests), without building and
    running the scope's subqueries for one row."""
    from dajuan.cases.models import Case

    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    case = (Case.objects.filter(number=number).select_related(*select_related)
            .prefetch_related(*prefetch_related).first())
    if case is None or not decide(user, Action.VIEW_CASE, case):
        return None
    return case


def visible_unit_work(user, **assignment_conditions) -> QuerySet:
    """Cases on which the user's units (their own, a leader's subtree: scope.unit_scope) hold an
    assignment matching `assignment_conditions` — the unit inboxes' cases. The same rows as
    `visible_cases(user).filter(pk__in=<those assignments' cases>)`, because a unit's assignment is what
    makes its case visible to the unit (case_rules.can_see: `handles`) and confidential cases follow the
    same rule; but without the union of everything else the user may see, whose size grows with the
    units' whole history (a 3× cheaper inbox count at 200,000 cases)."""
    from dajuan.cases.models import Assignment, Case

    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Case.objects.none()
    units = scope.unit_scope(user).values("pk")
    cases = Case.objects.filter(pk__in=Assignment.objects.filter(unit__in=units, **assignment_conditions)
                                .values("case_id"))
    return cases if scope.has_role(user, Role.INSPECTOR) else cases.filter(confidential=False)


# Channels whose cases are public by nature: the citizen filed them in the open (FixMyStreet's idea).
PUBLIC_FEED_SOURCES = ("web", "open311")


def public_cases() -> QuerySet:
    """Cases anyone may list without logging in (the Open311 public feed): never confidential, only
    those filed through the public channels, and the feed never shows who filed them."""
    from dajuan.cases.models import Case

    return Case.objects.filter(confidential=False, source__in=PUBLIC_FEED_SOURCES)


def visible_figure_units(user) -> QuerySet[Unit]:
    """Units whose figures (dashboard, assessment detail) the user may see: jurisdiction roles the whole
    tree, everyone else the units they work in and the subtrees they lead — the VIEW_DASHBOARD rule."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Unit.objects.none()
    if scope.has_jurisdiction(user):
        return Unit.objects.all()
    return scope.unit_scope(user)
