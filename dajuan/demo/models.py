from django.db import models
from django.utils.translation import gettext_lazy as _


class ReplayStep(models.Model):
    """A demo replay step that has run on this database, so `demo_load` adds only what is new."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    done_at = models.DateTimeField(_("done at"), auto_now_add=True)
    summary = models.CharField(_("summary"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("demo replay step")
        verbose_name_plural = _("demo replay steps")

    def __str__(self) -> str:
        return self.name
