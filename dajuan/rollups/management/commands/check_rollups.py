"""dajuan check_rollups: compare the stored rollups with a full recount of the ledger (read-only)."""

import time

from django.core.management.base import BaseCommand, CommandError

from dajuan.rollups.services import recount_differences


class Command(BaseCommand):
    help = (
        "Recount every figure fact from the ledger and compare it with the stored rollups the dashboard and "
        "the assessment read. Read-only. Exits with an error listing the first disagreements; the fix is "
        "`dajuan rebuild_rollups`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--show", type=int, default=20, metavar="N", help="disagreements to list (default 20)")

    def handle(self, *args, show: int, **options) -> None:
        started = time.perf_counter()
        problems = recount_differences(progress=lambda n: self.stderr.write(f"… {n} cases recounted"))
        seconds = time.perf_counter() - started
        if problems:
            for key, column, stored, counted in problems[:show]:
                self.stderr.write(f"{key} {column}: stored {stored}, ledger {counted}")
            raise CommandError(
                f"{len(problems)} rollup count(s) disagree with the ledger (first {min(show, len(problems))} "
                f"listed above). Run `dajuan rebuild_rollups` to recompute them, then look for writes that "
                f"bypassed cases.transitions.")
        self.stdout.write(self.style.SUCCESS(f"Rollups agree with a full recount of the ledger ({seconds:.2f} s)."))
