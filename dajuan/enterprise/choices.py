from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseKind(models.TextChoices):
    """The kinds of 包保 objects the report names (DESIGN §3)."""

    ABOVE_SCALE = "above_scale", _("Above designated size")  # 规上
    KEY_BELOW_SCALE = "key_below_scale", _("Key enterprise below designated size")  # 重点规下
    PROJECT_BUILDING = "project_building", _("Project under construction")  # 在建项目
    PROJECT_PLANNED = "project_planned", _("Project to be landed")  # 拟落地项目
    SAMPLE_VILLAGE = "sample_village", _("Sample village")  # 样本村
    OTHER = "other", _("Other")


class EnterpriseSize(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")


class CallbackOutcome(models.TextChoices):
    """What the joint inspection group heard when it phoned an enterprise about a visit (电话回访)."""

    CONFIRMED = "confirmed", _("Visit confirmed")
    NOT_VISITED = "not_visited", _("Enterprise says it was not visited")
    UNREACHABLE = "unreachable", _("Could not be reached")
