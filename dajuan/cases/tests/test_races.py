"""Races: two threads, each with its own database connection (on PostgreSQL two real server
connections; on SQLite two connections to the test file), perform the same transition on two copies of
the same case read before either started. Exactly one wins; the other gets a 409 and writes nothing."""

import threading
from functools import partial

from django.db import close_old_connections, connection
from django.test import TransactionTestCase

from dajuan.cases import transitions as t
from dajuan.cases.models import Case, Event
from dajuan.cases.tests.loop_specs import SPECS, persona, reach
from dajuan.core.errors import Conflict
from dajuan.testing import build_cast, build_loop


def run_together(*calls):
    """Run the calls in threads released together; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # the test inspects whatever happened
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


class RaceTests(TransactionTestCase):
    def setUp(self) -> None:
        build_cast(self)
        build_loop(self)

    def fresh(self, user):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(pk=user.pk)

    def test_the_loser_of_every_transition_race_gets_a_409_and_writes_nothing(self):
        for spec in SPECS:
            with self.subTest(spec=spec.name):
                case = reach(self, spec.start, **spec.setup)
                copies = [Case.objects.get(pk=case.pk) for _ in range(2)]
                actors = [self.fresh(persona(self, spec.actor)) for _ in range(2)]
                events_before = Event.objects.filter(case=case).count()

                calls = [partial(spec.act, self, copy, actor) for copy, actor in zip(copies, actors, strict=True)]
                results = run_together(*calls)

                errors = [r for r in results if isinstance(r, Exception)]
                self.assertEqual(len(errors), 1, results)
                self.assertIsInstance(errors[0], Conflict, repr(errors[0]))
                self.assertEqual(errors[0].http_status, 409)
                self.assertIn(errors[0].code, {"stale_case", "invalid_transition", "conflict"})
                self.assertEqual(Event.objects.filter(case=case).count(), events_before + len(spec.appended()))
                self.assertEqual(Case.objects.get(pk=case.pk).status, spec.ends)

    def test_two_registrations_with_one_idempotency_key_make_one_case(self):
        fields = {"title": "路灯不亮", "content": "路灯坏了", "source": "api", "requester_kind": "citizen",
                  "requester_name": "孙女士"}
        dispatchers = [self.fresh(self.dispatcher) for _ in range(2)]
        results = run_together(*(partial(t.register, by=by, idempotency_key="race-1", **fields) for by in dispatchers))
        self.assertFalse([r for r in results if isinstance(r, Exception)], results)
        self.assertEqual(results[0].pk, results[1].pk)
        self.assertEqual(Case.objects.filter(idempotency_key="race-1").count(), 1)
        self.assertEqual(Event.objects.filter(case=results[0]).count(), 1)

    def test_parallel_registrations_get_distinct_consecutive_numbers(self):
        fields = {"title": "路灯不亮", "content": "路灯坏了", "source": "api", "requester_kind": "citizen",
                  "requester_name": "孙女士"}
        dispatchers = [self.fresh(self.dispatcher) for _ in range(4)]
        results = run_together(*(partial(t.register, by=by, **fields) for by in dispatchers))
        numbers = sorted(int(r.number.split("-")[1]) for r in results)
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 4)))
