from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("District")  # 区/县
    DEPARTMENT = "department", _("Department")  # 部门
    TOWN = "town", _("Town / street")  # 乡镇/街道
    VILLAGE = "village", _("Village / community")  # 村/社区
    GRID = "grid", _("Grid")  # 网格
    SERVICE_CENTRE = "service_centre", _("Service centre")  # 服务中心 (e.g. 信访服务中心)


class Role(models.TextChoices):
    """A person's role in one unit (DESIGN §2). A person may hold several memberships."""

    ADMIN = "admin", _("System administrator")  # 系统管理员
    DISPATCHER = "dispatcher", _("Dispatcher")  # 派单员
    HANDLER = "handler", _("Handler")  # 承办人
    UNIT_LEADER = "unit_leader", _("Unit leader")  # 单位负责人
    SUPERVISOR = "supervisor", _("Supervisor")  # 督查员
    DISTRICT_LEADER = "district_leader", _("District leader")  # 区领导
    INSPECTOR = "inspector", _("Discipline inspector")  # 纪检监察
    GRID_WORKER = "grid_worker", _("Grid worker")  # 网格员


# Roles whose holders see and act across the whole jurisdiction rather than their own unit.
JURISDICTION_ROLES = frozenset(
    {Role.ADMIN, Role.DISPATCHER, Role.SUPERVISOR, Role.DISTRICT_LEADER, Role.INSPECTOR}
)
