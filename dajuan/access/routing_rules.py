"""Rules for dispatch intelligence (routing): suggestions, similar cases, standard answers and hotspot
warnings, and the scope of hotspots. Part of the access module: policy.RULES includes ROUTING_RULES."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.access.case_rules import can_see, handles
from dajuan.org.choices import Role

DISPATCHING = (Role.DISPATCHER, Role.ADMIN)


def _suggestions(user, case):
    ok = scope.has_role(user, *DISPATCHING) and can_see(user, case)
    return ok, _("Only a dispatcher sees the router's suggestions.")


def _train(user, obj):
    return scope.has_role(user, *DISPATCHING), _("Only a dispatcher or an administrator may train the router.")


def _similar(user, case):
    """Staff who see the case; what they are shown is then limited to the cases they may see."""
    ok = scope.is_staff_member(user) and can_see(user, case)
    return ok, _("Only staff who can see this case may look for similar cases.")


def _view_answers(user, obj):
    return scope.is_staff_member(user), _("Only staff of a unit may read the standard answers.")


def _manage_answers(user, case):
    """Dispatchers and supervisors; the lead unit for an answer drawn from its own reply."""
    if case is not None and not can_see(user, case):
        return False, _("You may not see this case.")
    if scope.has_role(user, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN):
        return True, ""
    ok = case is not None and case.lead_unit_id is not None and handles(user, case.lead_unit)
    return ok, _("Only dispatchers, supervisors, or the unit that replied may create standard answers.")


def _push(user, obj):
    return scope.has_role(user, *DISPATCHING), _("Only a dispatcher may push answers to enterprises.")


def _view_hotspot(user, hotspot):
    """The list (no object) is for all staff, scoped by visible_hotspots; one warning as that scope says."""
    if hotspot is None:
        return scope.is_staff_member(user), _("Only staff of a unit see hotspot warnings.")
    if scope.has_jurisdiction(user):
        return True, ""
    ok = hotspot is not None and hotspot.unit_id is not None and handles(user, hotspot.unit)
    return ok, _("Only the responsible unit and the district's offices see this warning.")


def _acknowledge_hotspot(user, hotspot):
    ok = scope.has_role(user, Role.DISPATCHER) or (hotspot.unit_id is not None and handles(user, hotspot.unit))
    return ok, _("Only the responsible unit or a dispatcher may acknowledge this warning.")


ROUTING_RULES = {
    Action.VIEW_ROUTING: _suggestions,
    Action.TRAIN_ROUTER: _train,
    Action.VIEW_SIMILAR: _similar,
    Action.VIEW_ANSWERS: _view_answers,
    Action.MANAGE_ANSWERS: _manage_answers,
    Action.PUSH_ANSWER: _push,
    Action.VIEW_HOTSPOT: _view_hotspot,
    Action.ACKNOWLEDGE_HOTSPOT: _acknowledge_hotspot,
}


def visible_hotspots(user) -> QuerySet:
    """Hotspot warnings matching `_view_hotspot`: all for the district's offices, else those whose
    responsible unit the user works (a leader: the subtree's)."""
    from dajuan.routing.models import Hotspot

    if not getattr(user, "is_authenticated", False) or not scope.is_staff_member(user):
        return Hotspot.objects.none()
    if scope.has_jurisdiction(user):
        return Hotspot.objects.all()
    return Hotspot.objects.filter(Q(unit__in=scope.unit_scope(user)))
