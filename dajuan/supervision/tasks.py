"""Background work of supervision, through the Django tasks API (django-tasks)."""

import os
import socket

from django_tasks import task


@task()
def run_sweep() -> dict:
    """One supervision sweep (see sweep.py); returns its counts."""
    from dajuan.supervision.sweep import sweep

    run = sweep(worker=f"{socket.gethostname()}:{os.getpid()}")
    return {"run": run.pk, "counts": run.counts, "problems": len(run.problems)}
