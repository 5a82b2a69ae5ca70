from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "dajuan.routing"
    label = "routing"
    verbose_name = _("Dispatch intelligence")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from dajuan.routing import autodispatch  # noqa: F401  (connects the after-registration hook)
        from dajuan.routing.suggestions import forget_label_rows

        # Cache invalidation only: suggestions keep the rows of the labels the model names.
        for model in ("cases.Category", "org.Unit"):
            post_save.connect(forget_label_rows, sender=model, dispatch_uid=f"routing.forget_label_rows.{model}")
