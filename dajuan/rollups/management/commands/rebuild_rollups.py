"""dajuan rebuild_rollups: recompute the dashboard's rollups from the ledger, all or nothing."""

import time

from django.core.management.base import BaseCommand

from dajuan.rollups.services import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Replace the figure rollups (per day × lead unit × category × channel, and per grid) with a full "
        "recount of the ledger, in one transaction: on any error nothing changes. Run it after restoring a "
        "backup or changing how facts are counted, while no one is working cases (events written meanwhile "
        "would be missed; `dajuan check_rollups` tells)."
    )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()

        def progress(n: int) -> None:
            self.stderr.write(f"… {n} cases ({time.perf_counter() - started:.1f} s)")

        cases = rollups_rebuild(progress=progress)
        self.stdout.write(self.style.SUCCESS(
            f"Rollups rebuilt from the ledger of {cases} cases in {time.perf_counter() - started:.2f} s."))
