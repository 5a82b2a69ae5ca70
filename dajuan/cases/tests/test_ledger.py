"""The ledger (台账): record() and `dajuan verify_ledger`. Tampering is done with raw SQL, as an intruder
with database access would, never through the models."""

import json
from datetime import UTC, datetime
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection

from dajuan.cases import ledger, transitions
from dajuan.cases.choices import Verb
from dajuan.cases.errors import StaleCase
from dajuan.cases.models import GENESIS_HASH, Case, Event
from dajuan.core.canonical import chain_hash
from dajuan.testing import LoopTestCase


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def json_param() -> str:
    """The placeholder for a JSON value: PostgreSQL's column is jsonb, SQLite's is text."""
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


class VerifyLedgerTests(LoopTestCase):
    def setUp(self) -> None:
        # Four events on self.case: registered, dispatched, claimed, progress_noted (a Chinese payload).
        transitions.claim(self.assignment, by=self.handler)
        transitions.note_progress(self.reload(self.case), text="已联系物业，周三前修复电梯。", by=self.handler)
        self.number = self.case.number

    def event(self, seq: int, case=None) -> Event:
        return Event.objects.get(case=case or self.case, seq=seq)

    def verify(self, **options) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command("verify_ledger", stdout=out, stderr=err, **options)
        return out.getvalue(), err.getvalue()

    def assert_broken(self, number: str, seq: int, problem: str, **options) -> str:
        with self.assertRaises(CommandError) as raised:
            self.verify(**options)
        message = str(raised.exception)
        self.assertIn(f"first at case {number} seq {seq}: ", message)
        self.assertIn(problem, message)
        return message

    def test_clean_ledger_verifies_and_reports_counts(self):
        out, _ = self.verify()
        total = Event.objects.count()
        self.assertEqual(total, 5)  # 4 on self.case, 1 on the confidential case
        self.assertIn(f"Checked {total} events of {Case.objects.count()} cases in ", out)
        self.assertIn("events/s", out)
        self.assertIn("Ledger intact", out)

    def test_batches_of_one_give_the_same_answer(self):
        out, _ = self.verify(batch_size=1)
        self.assertIn("Checked 5 events", out)
        self.assertEqual([b for _, b in ledger.verify_chains(batch_size=1) if b], [])

    def test_progress_goes_to_stderr(self):
        out, err = self.verify(batch_size=2, progress_every=2)  # reported between batches
        self.assertIn("2 events checked", err)
        self.assertIn("4 events checked", err)
        self.assertNotIn("events checked", out)

    def test_a_bad_batch_size_is_refused(self):
        with self.assertRaisesMessage(CommandError, "--batch-size"):
            self.verify(batch_size=0)

    def test_payload_edited_with_raw_sql_is_named(self):
        event = self.event(4)
        tampered = {**event.payload, "text": "已修复。"}
        raw(f"UPDATE cases_event SET payload = {json_param()} WHERE id = %s", [json.dumps(tampered), event.pk])
        self.assertEqual(self.event(4).payload, tampered)
        self.assert_broken(self.number, 4, "the event was altered")

    def test_a_payload_stored_in_another_key_order_still_verifies(self):
        # Hashes cover the canonical form, not the stored bytes: key order and escapes do not matter.
        event = self.event(4)
        reordered = json.dumps(dict(reversed(list(event.payload.items()))), ensure_ascii=True)
        raw(f"UPDATE cases_event SET payload = {json_param()} WHERE id = %s", [reordered, event.pk])
        self.verify()

    def test_deleted_event_is_named_as_a_gap(self):
        # Nothing references an event by foreign key (attachments keep the seq as a plain number).
        raw("DELETE FROM cases_event WHERE case_id = %s AND seq = %s", [self.case.pk, 2])
        self.assert_broken(self.number, 3, "expected seq 2, found 3 (an event is missing)")

    def test_deleted_last_event_leaves_the_case_out_of_step(self):
        raw("DELETE FROM cases_event WHERE case_id = %s AND seq = %s", [self.case.pk, 4])
        with self.assertRaises(CommandError) as raised:
            self.verify()
        self.assertIn(f"out of step with their last event (version ≠ last seq): {self.number}", str(raised.exception))

    def test_altered_prev_hash_is_named(self):
        raw("UPDATE cases_event SET prev_hash = %s WHERE case_id = %s AND seq = %s",
            ["f" * 64, self.case.pk, 3])
        self.assert_broken(self.number, 3, "prev_hash does not match the previous event's hash")

    def test_changed_actor_is_named(self):
        raw("UPDATE cases_event SET actor_id = %s WHERE case_id = %s AND seq = %s",
            [self.other_handler.pk, self.case.pk, 3])
        self.assert_broken(self.number, 3, "the event was altered")

    def test_changed_time_is_named(self):
        event = self.event(2)
        raw("UPDATE cases_event SET at = %s WHERE id = %s", [datetime(2020, 1, 1, tzinfo=UTC), event.pk])
        self.assert_broken(self.number, 2, "the event was altered")

    def test_the_first_broken_case_is_named_and_all_are_counted(self):
        raw("UPDATE cases_event SET prev_hash = %s WHERE case_id = %s AND seq = 1", ["f" * 64, self.case.pk])
        raw("UPDATE cases_event SET prev_hash = %s WHERE case_id = %s AND seq = 1",
            ["f" * 64, self.confidential_case.pk])
        first, second = sorted([self.case, self.confidential_case], key=lambda case: case.pk)
        message = self.assert_broken(first.number, 1, "prev_hash")
        self.assertIn("2 case(s) broken", message)
        breaks = [b for _, b in ledger.verify_chains() if b]
        self.assertEqual([(b.case_number, b.seq) for b in breaks], [(first.number, 1), (second.number, 1)])

    def test_the_first_event_chains_from_the_genesis_hash(self):
        first, second = self.event(1), self.event(2)
        self.assertEqual(first.prev_hash, GENESIS_HASH)
        self.assertEqual(first.hash, chain_hash(GENESIS_HASH, first.body(self.number)))
        self.assertEqual(second.prev_hash, first.hash)
        self.assertEqual(second.hash, chain_hash(first.hash, second.body(self.number)))

    def test_times_with_and_without_microseconds_verify(self):
        case = self.reload(self.case)
        ledger.record(case, Verb.COMMENTED, by=self.handler, at=datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
                      payload={"text": "整点"})
        ledger.record(case, Verb.COMMENTED, by=self.handler, at=datetime(2026, 3, 2, 1, 0, 0, 500, tzinfo=UTC),
                      payload={"text": "带微秒", "nested": {"b": [1, 2.5, None], "a": True}})
        self.verify()

    def test_version_bumped_with_raw_sql_is_out_of_step(self):
        raw("UPDATE cases_case SET version = version + 1 WHERE id = %s", [self.case.pk])
        self.assertEqual(ledger.versions_out_of_step(), [self.number])
        with self.assertRaises(CommandError) as raised:
            self.verify()
        message = str(raised.exception)
        self.assertIn("1 case(s) out of step", message)
        self.assertIn(self.number, message)
        self.assertNotIn("Ledger broken", message)  # the chains themselves are intact


class RecordTests(LoopTestCase):
    def test_record_appends_one_event_and_moves_the_version(self):
        case = self.reload(self.case)
        event = ledger.record(case, Verb.COMMENTED, by=self.handler, at=datetime(2026, 3, 2, tzinfo=UTC),
                              payload={"text": "已阅"})
        self.assertEqual((event.seq, case.version, self.reload(case).version), (3, 3, 3))
        self.assertEqual(event.prev_hash, self.case.events.get(seq=2).hash)

    def test_stale_copy_raises_and_writes_nothing(self):
        first, second = self.reload(self.case), self.reload(self.case)
        ledger.record(first, Verb.COMMENTED, by=self.handler, at=datetime(2026, 3, 2, tzinfo=UTC),
                      payload={"text": "先到"})
        events_before = Event.objects.count()
        with self.assertRaises(StaleCase):
            ledger.record(second, Verb.COMMENTED, by=self.dispatcher, at=datetime(2026, 3, 2, tzinfo=UTC),
                          changes={"priority": "urgent"}, payload={"text": "后到"})
        self.assertEqual(Event.objects.count(), events_before)
        self.assertEqual(second.version, 2)
        stored = self.reload(self.case)
        self.assertEqual((stored.version, stored.priority), (3, self.case.priority))
        self.assertEqual(self.verbs(stored), ["registered", "dispatched", "commented"])
