from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "dajuan.routing"
    label = "routing"
    verbose_name = _("Dispatch intelligence")

    def ready(self) -> None:
        from dajuan.routing import autodispatch  # noqa: F401  (connects the after-registration hook)
