"""The navigation bar, by role: each entry names the access action that shows it, so the menu never
offers a page the user would be refused."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from dajuan.access.actions import Action
from dajuan.access.policy import decide


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: Action | None = None  # None: every logged-in user
    badge: str = ""  # dotted path of a function(user) -> int | None shown beside the label


NAV_ITEMS = [
    NavItem(_("Home"), "core:home"),
    NavItem(_("Inbox"), "workbench:inbox-home", Action.USE_WORKBENCH, badge="dajuan.workbench.selectors.inbox_total"),
    NavItem(_("Cases"), "workbench:case_list", Action.USE_WORKBENCH),
    NavItem(_("Units"), "org:unit-tree", Action.VIEW_UNIT),
    NavItem(_("Import units"), "org:import", Action.IMPORT_ORG),
    NavItem(_("Holidays"), "worktime:holiday-list", Action.MANAGE_CALENDAR),
]


def nav_for(user) -> list[dict]:
    return [
        {"label": item.label, "url": reverse(item.url_name), "name": item.url_name,
         "badge": import_string(item.badge)(user) if item.badge else None}
        for item in NAV_ITEMS
        if item.action is None or decide(user, item.action)
    ]
