"""The account the router acts as when it dispatches on its own or is trained by a job (STYLE: jobs
pass a system user, never None): a dispatcher without a password, created on first use in the unit
where dispatchers sit (else the district)."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from dajuan.core.errors import Conflict
from dajuan.org.choices import Role, UnitKind
from dajuan.org.models import Membership, Unit
from dajuan.org.services import membership_add

SYSTEM_USERNAME = "system-router"
SYSTEM_NAME = "智能分派（自动）"


def system_actor():
    User = get_user_model()
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User(username=SYSTEM_USERNAME, full_name=SYSTEM_NAME)
                user.set_unusable_password()
                user.save()
        except IntegrityError:  # another worker created it first
            user = User.objects.get(username=SYSTEM_USERNAME)
    if not Membership.objects.filter(user=user, role=Role.DISPATCHER).exists():
        dispatchers = Membership.objects.filter(role=Role.DISPATCHER, unit__is_active=True).select_related("unit")
        unit = next((m.unit for m in dispatchers.order_by("pk")[:1]), None)
        unit = unit or Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("pk").first()
        if unit is None:
            raise Conflict("Create the district unit before training or running the router.")
        try:
            with transaction.atomic():
                membership_add(user=user, unit=unit, role=Role.DISPATCHER, title="智能分派")
        except (Conflict, IntegrityError):
            pass
    return User.objects.get(pk=user.pk)
