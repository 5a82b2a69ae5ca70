from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "dajuan.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from dajuan.intake import receivers  # noqa: F401  (connects to cases.signals.event_recorded)
