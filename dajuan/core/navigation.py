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
    badge_url_name: str = ""  # a URL answering a small badge (e.g. a count), loaded after the page by htmx


NAV_ITEMS = [
    NavItem(_("Home"), "core:home"),
    NavItem(_("Inbox"), "workbench:inbox-home", Action.USE_WORKBENCH, badge_url_name="workbench:inbox-badge"),
    NavItem(_("Cases"), "workbench:case_list", Action.USE_WORKBENCH),
    NavItem(_("Units"), "org:unit-tree", Action.VIEW_UNIT),
    NavItem(_("Import units"), "org:import", Action.IMPORT_ORG),
    NavItem(_("Holidays"), "worktime:holiday-list", Action.MANAGE_CALENDAR),
    NavItem(_("Supervision"), "supervision:overview", Action.VIEW_SUPERVISION),
    NavItem(_("Callbacks"), "supervision:callbacks", Action.SPOT_CHECK),
    NavItem(_("Inspections"), "supervision:visit-list", Action.VIEW_INSPECTIONS),
    NavItem(_("Notices"), "supervision:notice-list", Action.VIEW_NOTICE),
    NavItem(_("Hotspots"), "routing:hotspot-list", Action.VIEW_HOTSPOT),
    NavItem(_("Standard answers"), "routing:answer-list", Action.VIEW_ANSWERS),
    NavItem(_("Router"), "routing:versions", Action.TRAIN_ROUTER),
    NavItem(_("My notifications"), "notify:preferences"),
    NavItem(_("Enterprise portal"), "enterprise:portal-home", Action.USE_ENTERPRISE_PORTAL),
    NavItem(_("Import cases"), "intake:import", Action.IMPORT_CASES),
    NavItem(_("Enterprise service"), "enterprise:service", Action.VIEW_ENTERPRISE_SERVICE),
    NavItem(_("Import enterprises"), "enterprise:registry-import", Action.MANAGE_CARE),
    NavItem(_("Meetings"), "meetings:list", Action.VIEW_ENTERPRISE_SERVICE),
    NavItem(_("WeChat matrix groups"), "enterprise:groups", Action.VIEW_ENTERPRISE_SERVICE),
    NavItem(_("Policies"), "policies:list", Action.VIEW_ENTERPRISE_SERVICE),
    NavItem(_("Breakfast meetings"), "meetings:mine", Action.BOOK_MEETING),
    NavItem(_("Policies for my enterprise"), "policies:portal", Action.USE_ENTERPRISE_PORTAL),
    NavItem(_("Dashboard"), "dashboard:overview", Action.VIEW_DASHBOARD),
    NavItem(_("Assessment"), "assessment:period-list", Action.VIEW_ASSESSMENT),
]


def nav_for(user) -> list[dict]:
    return [
        {"label": item.label, "url": reverse(item.url_name), "name": item.url_name,
         "badge_url": reverse(item.badge_url_name) if item.badge_url_name else ""}
        for item in NAV_ITEMS
        if item.action is None or decide(user, item.action)
    ]
