"""Reads of the unit tree and its people, always scoped through access."""

from django.db.models import Count, QuerySet

from dajuan.access.policy import visible_units
from dajuan.core.masking import mask_phone
from dajuan.org.models import Membership, Unit


def unit_tree(*, user) -> QuerySet[Unit]:
    """The visible units in tree order (path), each with its member count."""
    return visible_units(user).annotate(member_count=Count("memberships")).order_by("path")


def unit_members(*, unit: Unit) -> list[Membership]:
    """People of one unit, phones masked; the caller has checked Action.VIEW_MEMBERS for it."""
    members = list(unit.memberships.select_related("user").order_by("role", "user__full_name"))
    for membership in members:
        membership.phone_masked = mask_phone(membership.user.phone)
    return members
