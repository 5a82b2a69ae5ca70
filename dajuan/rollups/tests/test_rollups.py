"""Rollups stay equal to a full recount of the ledger, whatever the history (DESIGN §1, issue 7 item 5)."""

from datetime import date, datetime, timedelta

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from dajuan.cases.figures import figures_from_counts, unit_figures
from dajuan.rollups.models import CaseContribution, DailyRollup, GridDay
from dajuan.rollups.selectors import grid_counts, period_rows, registered_by, summed, summed_by
from dajuan.rollups.services import recount_differences, rollups_rebuild, stored_totals
from dajuan.rollups.tests.histories import OPERATIONS, play, register, step
from dajuan.testing import LoopTestCase

START = timezone.make_aware(datetime(2026, 3, 1))
TODAY = date(2026, 11, 29)  # any day after the histories: every deadline in them has passed

PLANS = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(OPERATIONS), st.integers(0, 60)), max_size=30)


class RandomHistoryTests(LoopTestCase, HypothesisTestCase):
    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plan=PLANS)
    def test_rollups_equal_a_full_recount(self, plan):
        """After any history the incremental rollups equal a recount, and rebuilding changes nothing."""
        play(self, plan)
        self.assertEqual(recount_differences(), [])
        before = {key: counts for key, counts in stored_totals().items() if counts}
        rollups_rebuild()
        self.assertEqual(stored_totals(), before)

    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plan=PLANS)
    def test_rollup_rates_equal_the_ledger_figures(self, plan):
        """Over a period holding the whole (past) history, the six rates from the rollups are the ledger's."""
        play(self, plan)
        end = timezone.make_aware(datetime(2026, 9, 1))
        ledger = unit_figures(user=self.supervisor, units=[self.housing, self.labour], start=START, end=end)
        for unit in (self.housing, self.labour):
            rows = period_rows(start=START.date(), end=end.date(), unit_codes=[unit.code])
            self.assertEqual(figures_from_counts(unit.code, summed(rows, today=TODAY)), ledger[unit.code])
            cube = period_rows(start=START.date(), end=end.date(), unit_codes=[unit.code], by_unit=False)
            self.assertEqual(summed(cube, today=TODAY), summed(rows, today=TODAY))


class RollupBehaviourTests(LoopTestCase):
    def test_a_transfer_moves_counts_between_units(self):
        """Counts follow the case: after a transfer the registration is under the new lead unit."""
        play(self, [(0, "dispatch", 1), (0, "transfer", 1)], cases=1)
        by_unit = summed_by(period_rows(start=date(2026, 3, 1), end=date(2026, 4, 1)), "unit_code", today=TODAY)
        self.assertEqual(by_unit["QC-RSJ"]["registered"], 1)
        self.assertEqual(by_unit["QC-ZJJ"]["registered"], 0)
        self.assertEqual(by_unit["QC-ZJJ"]["handed"], 1)
        self.assertEqual(by_unit["QC-RSJ"]["handed"], 1)
        self.assertEqual(by_unit["QC-RSJ"]["status_dispatched"], 1)
        march = {"start": date(2026, 3, 1), "end": date(2026, 4, 1)}
        self.assertEqual(registered_by("channel", **march, unit_codes=None), {"hotline": 1})
        self.assertEqual(registered_by("channel", **march, unit_codes=["QC-ZJJ"]), {})
        self.assertEqual(registered_by("category", **march, unit_codes=["QC-RSJ"]), {self.property_mgmt.pk: 1})
        self.assertEqual(registered_by("category", **march, unit_codes=None), {self.property_mgmt.pk: 1})

    def test_an_open_deadline_counts_only_once_passed(self):
        """An unclaimed assignment is missed only from the day after its claim deadline."""
        play(self, [(0, "dispatch", 1)], cases=1)
        rows = period_rows(start=date(2026, 3, 1), end=date(2026, 4, 1))
        self.assertEqual(summed(rows, today=date(2026, 3, 2))["claim_den"], 0)
        self.assertEqual(summed(rows, today=date(2026, 3, 3))["claim_den"], 1)

    def test_confidential_cases_are_never_counted(self):
        case = register(self, at=START + timedelta(days=2), confidential=True)
        self.assertFalse(DailyRollup.objects.filter(day=date(2026, 3, 3)).exists())
        self.assertFalse(CaseContribution.objects.filter(case=case).exists())
        self.assertEqual(recount_differences(), [])

    def test_grid_cases_are_counted_per_grid(self):
        register(self, at=START + timedelta(days=2), grid=self.grid)
        self.assertEqual(grid_counts(start=date(2026, 3, 1), end=date(2026, 4, 1), grid_ids=[self.grid.pk]),
                         {self.grid.pk: 1})
        self.assertEqual(GridDay.objects.get().registered, 1)

    def test_spot_check_failures_and_escalations_are_counted(self):
        play(self, [(0, "dispatch", 1), (0, "claim", 1), (0, "supervise", 1), (0, "reply", 2),
                     (0, "evaluate_ok", 2), (0, "spot_check", 24)], cases=1)
        totals = summed(period_rows(start=date(2026, 3, 1), end=date(2026, 4, 1), unit_codes=["QC-ZJJ"]),
                        today=TODAY)
        self.assertEqual((totals["spot_check_failures"], totals["supervised"], totals["reopened"]), (1, 1, 1))
        self.assertEqual((totals["claims"], totals["same_day_claims"]), (1, 1))

    def test_check_command_names_a_disagreement_and_rebuild_fixes_it(self):
        play(self, [(0, "dispatch", 1), (0, "claim", 1)], cases=1)
        call_command("check_rollups", stdout=_Null(), stderr=_Null())
        DailyRollup.objects.filter(claims=1).update(claims=5)
        with self.assertRaisesMessage(CommandError, "rebuild_rollups"):
            call_command("check_rollups", stdout=_Null(), stderr=_Null())
        call_command("rebuild_rollups", stdout=_Null(), stderr=_Null())
        call_command("check_rollups", stdout=_Null(), stderr=_Null())

    def test_a_failed_transition_leaves_the_rollups_alone(self):
        [case] = play(self, [(0, "dispatch", 1)], cases=1)
        before = list(DailyRollup.objects.values())
        self.assertFalse(step(self, case, "reply", START + timedelta(days=3)))  # not claimed yet: refused
        self.assertEqual(list(DailyRollup.objects.values()), before)


class _Null:
    def write(self, *args) -> None:
        pass

    def flush(self) -> None:
        pass


class ArrayLiteralTests(LoopTestCase):
    def test_array_literal_round_trips_through_postgresql(self):
        """The rebuild's array literals keep quotes, backslashes, braces and commas in strings (JSON
        contributions) and dates as ISO text."""
        from django.db import connection

        from dajuan.rollups.services import _pg_array

        values = ['{"u|2026-03-01|QC-ZJJ|1|hotline": {"registered": 1}}', 'a"b\\c,d', "", "2026-03-01"]
        self.assertEqual(_pg_array([1, 22]), "{1,22}")
        self.assertEqual(_pg_array([date(2026, 3, 1)]), '{"2026-03-01"}')
        if connection.vendor != "postgresql":
            self.skipTest("the literal is read by PostgreSQL only")
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::text[], %s::bigint[], %s::date[]",
                           [_pg_array(values), _pg_array([1, 22]), _pg_array([date(2026, 3, 1)])])
            self.assertEqual(cursor.fetchone(), (values, [1, 22], [date(2026, 3, 1)]))
