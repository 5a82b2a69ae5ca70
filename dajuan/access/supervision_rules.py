"""Rules for notifications and supervision (督查), and the scopes of their records. Part of the access
module: policy.RULES includes SUPERVISION_RULES."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.access.case_rules import can_see
from dajuan.org.choices import Role


def _own_or_admin(user, person):
    ok = person is not None and (person.pk == user.pk or scope.has_role(user, Role.ADMIN))
    return ok, _("You may choose only your own notification channels.")


def _supervision_readers(user, obj):
    ok = scope.has_role(user, Role.SUPERVISOR, Role.DISTRICT_LEADER, Role.ADMIN)
    return ok, _("Only supervisors, district leaders and administrators may see supervision records.")


def _configure(user, obj):
    ok = scope.has_role(user, Role.SUPERVISOR, Role.ADMIN)
    return ok, _("Only supervisors and administrators may change supervision rules.")


def _spot_check(user, obj):
    """Supervisors only: the callback queue shows the requester's full phone number."""
    from dajuan.cases.models import Case

    ok = scope.has_role(user, Role.SUPERVISOR) and (not isinstance(obj, Case) or can_see(user, obj))
    return ok, _("Only supervisors make spot-check callbacks.")


def _view_inspections(user, obj):
    ok = scope.has_role(user, Role.SUPERVISOR, Role.DISTRICT_LEADER, Role.ADMIN, Role.INSPECTOR)
    return ok, _("Only supervisors, district leaders, inspectors and administrators may see inspection records.")


def _supervisor(user, obj):
    return scope.has_role(user, Role.SUPERVISOR), _("Only supervisors may do this.")


def _view_notice(user, notice):
    """Published notices are for all staff; drafts only for the supervisors who compose them."""
    from dajuan.supervision.models import Notice

    if isinstance(notice, Notice) and not notice.is_published:
        return scope.has_role(user, Role.SUPERVISOR), _("This notice is a draft.")
    return scope.is_staff_member(user), _("Only staff of a unit may read supervision notices.")


SUPERVISION_RULES = {
    Action.SET_NOTIFICATION_PREFERENCE: _own_or_admin,
    Action.VIEW_SUPERVISION: _supervision_readers,
    Action.CONFIGURE_SUPERVISION: _configure,
    Action.SPOT_CHECK: _spot_check,
    Action.VIEW_INSPECTIONS: _view_inspections,
    Action.RECORD_INSPECTION: _supervisor,
    Action.VIEW_NOTICE: _view_notice,
    Action.COMPOSE_NOTICE: _supervisor,
}


def visible_notices(user) -> QuerySet:
    from dajuan.supervision.models import Notice

    if not getattr(user, "is_authenticated", False) or not scope.is_staff_member(user):
        return Notice.objects.none()
    if scope.has_role(user, Role.SUPERVISOR):
        return Notice.objects.all()
    return Notice.objects.filter(published_at__isnull=False)


def visible_inspections(user) -> QuerySet:
    from dajuan.supervision.models import FieldVisit

    if getattr(user, "is_authenticated", False) and _view_inspections(user, None)[0]:
        return FieldVisit.objects.all()
    return FieldVisit.objects.none()
