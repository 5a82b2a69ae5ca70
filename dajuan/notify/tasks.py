"""Background work of notify, through the Django tasks API (django-tasks)."""

from django_tasks import task


@task()
def deliver_outbox() -> dict:
    """Send the messages whose time has come."""
    from dajuan.notify.services import deliver_due

    report = deliver_due()
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed, "skipped": report.skipped}

