"""`dajuan worker`: run background work — the django-tasks database queue, plus a timer that queues the
periodic tasks (the supervision sweep, outbox delivery, hotspot detection, the similar-case index snapshot).
Several workers may run at once: the queue hands each task to one of them, and the sweep and delivery are
themselves safe to run concurrently."""

import os
import socket
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from dajuan.notify.tasks import deliver_outbox
from dajuan.routing.tasks import run_hotspots, warm_similarity
from dajuan.supervision.tasks import run_sweep


def enqueue_unless_waiting(task) -> bool:
    """Queue `task` unless one is already waiting (a slow worker should not pile sweeps up)."""
    path = f"{task.func.__module__}.{task.func.__qualname__}"
    if DBTaskResult.objects.ready().filter(task_path=path).exists():
        return False
    task.enqueue()
    return True


class Command(BaseCommand):
    help = ("Run the background worker: tasks from the database queue, the supervision sweep every "
            "--sweep-every seconds, outbox delivery every --deliver-every seconds, hotspot detection every "
            "--hotspots-every seconds and the similar-case index snapshot every --index-every seconds (first "
            "at start, so servers load it instead of building it). --once queues one sweep, one delivery and "
            "one hotspot detection, runs the queue dry and exits (for cron or a test).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--sweep-every", type=float, default=300.0, help="seconds between sweeps (default 300)")
        parser.add_argument("--deliver-every", type=float, default=15.0,
                            help="seconds between outbox deliveries (default 15)")
        parser.add_argument("--hotspots-every", type=float, default=3600.0,
                            help="seconds between hotspot detections (default 3600)")
        parser.add_argument("--index-every", type=float, default=86400.0,
                            help="seconds between rebuilds of the similar-case index snapshot (default 86400)")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between queue polls (default 1)")
        parser.add_argument("--once", action="store_true", help="queue the periodic tasks once, run dry, exit")
        parser.add_argument("--worker-id", default="", help="name in the task results (default host:pid)")

    def handle(self, *args, **options) -> None:
        for name in ("sweep_every", "deliver_every", "hotspots_every", "index_every", "interval"):
            if options[name] <= 0:
                raise CommandError(f"--{name.replace('_', '-')} must be a positive number of seconds.")
        worker_id = options["worker_id"] or f"{socket.gethostname()}:{os.getpid()}"
        worker = Worker(queue_names=["default"], interval=options["interval"], batch=options["once"],
                        backend_name="default", startup_delay=False, max_tasks=None, worker_id=worker_id[:64],
                        excluded_queue_names=[])
        if options["once"]:
            run_sweep.enqueue()
            deliver_outbox.enqueue()
            run_hotspots.enqueue()
            worker.run()
            self.stdout.write(f"worker {worker_id}: queue empty, exiting")
            return
        stop = threading.Event()
        timer = threading.Thread(target=self._timer, args=(stop, options), daemon=True, name="dajuan-timer")
        timer.start()
        self.stdout.write(f"worker {worker_id}: sweep every {options['sweep_every']:g}s, "
                          f"delivery every {options['deliver_every']:g}s, hotspots every "
                          f"{options['hotspots_every']:g}s, index snapshot every {options['index_every']:g}s; "
                          "Ctrl+C to stop")
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()

    def _timer(self, stop: threading.Event, options) -> None:
        schedule = [(run_sweep, options["sweep_every"]), (deliver_outbox, options["deliver_every"]),
                    (run_hotspots, options["hotspots_every"]), (warm_similarity, options["index_every"])]
        next_at = dict.fromkeys(range(len(schedule)), 0.0)
        clock = 0.0
        tick = min(every for _task, every in schedule) / 3
        while not stop.is_set():
            for index, (task, every) in enumerate(schedule):
                if clock >= next_at[index]:
                    try:
                        close_old_connections()
                        enqueue_unless_waiting(task)
                    except Exception as error:  # keep the timer alive through a database hiccup
                        self.stderr.write(f"could not queue {task.name}: {error}")
                    next_at[index] = clock + every
            connection.close()
            stop.wait(tick)
            clock += tick
