"""Background work of dispatch intelligence, through the Django tasks API (django-tasks): the worker
queues hotspot detection on a timer (see `dajuan worker --hotspots-every`) and rebuilds the similar-case
index snapshot that servers load instead of building it on first use."""

from django_tasks import task


@task()
def run_hotspots() -> dict:
    """One hotspot detection over the window ending now (see hotspots.py); returns what it raised."""
    from dajuan.routing.hotspots import hotspots_detect

    raised = hotspots_detect()
    return {"open": len(raised), "hotspots": [h.pk for h in raised]}


@task()
def warm_similarity() -> dict:
    """Rebuild the similar-case index from every case and write its snapshot (see similar.py)."""
    from dajuan.routing.similar import index_snapshot_write

    return index_snapshot_write()
