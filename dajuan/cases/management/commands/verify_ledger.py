"""dajuan verify_ledger [--batch-size N] [--progress-every N]: recompute every case's hash chain."""

import time

from django.core.management.base import BaseCommand, CommandError

from dajuan.cases import ledger
from dajuan.cases.models import Case


class Command(BaseCommand):
    help = (
        "Recompute the hash chain (台账) of every case: each event's seq must follow the previous one, its "
        "prev_hash must be the previous event's hash, and its hash must match its content. Also lists cases "
        "whose version is out of step with their last event (a write that bypassed the ledger). Read-only. "
        "Exits with an error naming the first broken case and seq, or the out-of-step cases."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=20000, metavar="N",
                            help="events fetched per query (default 20000)")
        parser.add_argument("--progress-every", type=int, default=100000, metavar="N",
                            help="print progress to stderr every N events (default 100000; 0 for none)")

    def handle(self, *args, batch_size: int, progress_every: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        started = time.perf_counter()
        breaks: list[ledger.Break] = []
        checked, next_report = 0, progress_every
        for checked, found in ledger.verify_chains(batch_size=batch_size):
            if found is not None:
                breaks.append(found)
                self.stderr.write(f"broken: case {found.case_number} seq {found.seq}: {found.problem}")
            if progress_every and checked >= next_report:
                elapsed = time.perf_counter() - started
                self.stderr.write(f"… {checked} events checked ({elapsed:.1f} s)")
                next_report = (checked // progress_every + 1) * progress_every
        seconds = time.perf_counter() - started
        out_of_step = ledger.versions_out_of_step()
        cases = Case.objects.count()
        rate = checked / seconds if seconds > 0 else 0.0
        self.stdout.write(f"Checked {checked} events of {cases} cases in {seconds:.2f} s ({rate:,.0f} events/s).")
        problems = []
        if breaks:
            first = breaks[0]
            problems.append(
                f"Ledger broken: first at case {first.case_number} seq {first.seq}: {first.problem}. "
                f"{len(breaks)} case(s) broken in all (listed above). Restore the altered events from a backup "
                f"and look into who could write to the database outside the application."
            )
        if out_of_step:
            shown = ", ".join(out_of_step[:20]) + (" …" if len(out_of_step) > 20 else "")
            problems.append(
                f"{len(out_of_step)} case(s) out of step with their last event (version ≠ last seq): {shown}. "
                f"A case row was written outside cases.transitions."
            )
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(self.style.SUCCESS("Ledger intact: every chain verifies and every case is in step."))
