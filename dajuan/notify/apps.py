from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "dajuan.notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from dajuan.cases.signals import event_recorded
        from dajuan.notify import events

        event_recorded.connect(events.on_event_recorded, dispatch_uid="notify.outbox")
