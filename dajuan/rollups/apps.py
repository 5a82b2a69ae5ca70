from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    name = "dajuan.rollups"
    label = "rollups"
    verbose_name = _("Figure rollups")

    def ready(self) -> None:
        from dajuan.cases.signals import event_recorded
        from dajuan.rollups.services import on_event_recorded

        event_recorded.connect(on_event_recorded, dispatch_uid="rollups.on_event_recorded")
