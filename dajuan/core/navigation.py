"""The navigation bar, by role: each entry names the access action that shows it, so the menu never
offers a page the user would be refused."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dajuan.access.actions import Action
from dajuan.access.policy import decide


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: Action | None = None  # None: every logged-in user


NAV_ITEMS = [
    NavItem(_("Home"), "core:home"),
    NavItem(_("Units"), "org:unit-tree", Action.VIEW_UNIT),
    NavItem(_("Import units"), "org:import", Action.IMPORT_ORG),
    NavItem(_("Holidays"), "worktime:holiday-list", Action.MANAGE_CALENDAR),
    NavItem(_("Dashboard"), "dashboard:overview", Action.VIEW_DASHBOARD),
    NavItem(_("Assessment"), "assessment:period-list", Action.VIEW_ASSESSMENT),
]


def nav_for(user) -> list[dict]:
    return [
        {"label": item.label, "url": reverse(item.url_name), "name": item.url_name}
        for item in NAV_ITEMS
        if item.action is None or decide(user, item.action)
    ]
