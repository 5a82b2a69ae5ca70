"""`dajuan supervision_sweep`: run one supervision sweep now (or at --at), print what it did."""

import time
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dajuan.supervision.sweep import sweep


class Command(BaseCommand):
    help = ("Run one supervision sweep: reminders, same-day-claim flags, overdue marks, escalation and closure "
            "of unevaluated replies. Safe to run twice or from several workers at once.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--at", help="sweep as if it were this time (ISO 8601, e.g. 2026-03-12T18:00+08:00)")
        parser.add_argument("--worker", default="command", help="name recorded on the sweep run")
        parser.add_argument("--start-when", help="wait until this file exists, then sweep (to start workers together)")

    def handle(self, *args, **options) -> None:
        now = None
        if options["at"]:
            try:
                now = datetime.fromisoformat(options["at"])
            except ValueError:
                raise CommandError(f"--at {options['at']!r}: use ISO 8601, e.g. 2026-03-12T18:00+08:00.") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        if options["start_when"]:
            flag = Path(options["start_when"])
            deadline = time.monotonic() + 120
            while not flag.exists():
                if time.monotonic() > deadline:
                    raise CommandError(f"--start-when {flag}: the file did not appear within 120 seconds.")
                time.sleep(0.01)
        run = sweep(now=now, worker=options["worker"])
        counts = ", ".join(f"{k}={v}" for k, v in sorted(run.counts.items())) or "nothing to do"
        self.stdout.write(f"sweep {run.pk}: {counts}")
        for problem in run.problems:
            self.stderr.write(f"problem: {problem}")
