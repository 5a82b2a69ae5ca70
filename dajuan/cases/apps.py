from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_index(sender, using="default", **kwargs) -> None:
    """SQLite's table remake (a later migration altering cases_case) drops the FTS triggers: put them back
    and rebuild the index (cases.search)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from dajuan.cases.search import ensure_sqlite_index

    connection = connections[using]
    if connection.vendor == "sqlite" and ("cases", "0005_case_search_fts5") in MigrationRecorder(
            connection).applied_migrations():
        ensure_sqlite_index(connection)


class CasesConfig(AppConfig):
    name = "dajuan.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        post_migrate.connect(_ensure_search_index, sender=self, dispatch_uid="cases_search_index")
