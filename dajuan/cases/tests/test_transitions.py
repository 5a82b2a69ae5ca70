"""Every transition (loop_specs.SPECS): the happy path, every persona that may not, every status the
allowed-from table refuses, and proof that a refused call wrote nothing."""

from datetime import timedelta

from django.test import override_settings

from dajuan.cases import transitions as t
from dajuan.cases.choices import CaseStatus, Verb
from dajuan.cases.errors import CaseInvalid, InvalidTransition
from dajuan.cases.ledger import verify_chains
from dajuan.cases.models import Case, Event
from dajuan.cases.rules import ALLOWED_FROM
from dajuan.cases.tests.loop_specs import EVERYONE, SPECS, lead, persona, reach, snapshot
from dajuan.core.errors import Conflict, NotPermitted
from dajuan.testing import LoopTestCase


class HappyPathTests(LoopTestCase):
    def test_every_verb_of_the_loop_has_a_spec(self):
        self.assertEqual({s.verb for s in SPECS}, set(Verb) - {Verb.REGISTERED})

    def test_each_transition_moves_the_case_and_appends_its_events(self):
        for spec in SPECS:
            with self.subTest(spec=spec.name):
                case = reach(self, spec.start, **spec.setup)
                before = case.version
                spec.act(self, case, persona(self, spec.actor))
                stored = Case.objects.get(pk=case.pk)
                self.assertEqual(stored.status, spec.ends)
                appended = list(Event.objects.filter(case=case, seq__gt=before).order_by("seq")
                                .values_list("verb", "actor"))
                self.assertEqual([v for v, _a in appended], list(spec.appended()))
                self.assertEqual({a for _v, a in appended}, {persona(self, spec.actor).pk})
                self.assertEqual(stored.version, before + len(spec.appended()))
        self.assertEqual([b for _n, b in verify_chains() if b], [])

    def test_register_numbers_cases_per_year_and_records_the_source(self):
        first = reach(self, CaseStatus.RECEIVED)
        second = reach(self, CaseStatus.RECEIVED)
        year, n = first.number.split("-")
        self.assertEqual(second.number, f"{year}-{int(n) + 1:06d}")
        event = first.events.get()
        self.assertEqual((event.verb, event.payload["source"]), (Verb.REGISTERED, "hotline"))

    def test_a_retried_registration_with_the_same_key_returns_the_first_case(self):
        a = t.register(by=self.dispatcher, idempotency_key="k-1", title="路灯不亮", content="路灯坏了",
                       source="web", requester_kind="citizen", requester_name="孙女士")
        b = t.register(by=self.dispatcher, idempotency_key="k-1", title="路灯不亮", content="路灯坏了",
                       source="web", requester_kind="citizen", requester_name="孙女士")
        self.assertEqual(a.pk, b.pk)
        self.assertEqual(Case.objects.filter(idempotency_key="k-1").count(), 1)

    def test_dispatch_sets_deadlines_from_the_policy(self):
        case = reach(self, CaseStatus.DISPATCHED)
        assignment = lead(case)
        self.assertEqual((case.claim_due, case.reply_due), (assignment.claim_due, assignment.reply_due))
        self.assertGreater(case.reply_due, case.dispatched_at)

    def test_approving_an_extension_moves_the_reply_deadline_and_records_both(self):
        case = reach(self, CaseStatus.IN_PROGRESS, with_request=True)
        old_due = case.reply_due
        t.decide_extension(case.extension_requests.get(), approve=True, by=self.dispatcher)
        case = Case.objects.get(pk=case.pk)
        self.assertGreater(case.reply_due, old_due)
        payload = case.events.get(verb=Verb.EXTENSION_APPROVED).payload
        self.assertEqual((payload["old_reply_due"] is not None, payload["working_days"]), (True, 3))

    def test_resume_moves_deadlines_by_the_time_suspended(self):
        case = reach(self, CaseStatus.SUSPENDED)
        due = case.reply_due
        t.resume(case, by=self.dispatcher, at=case.suspended_at + timedelta(days=7))
        self.assertGreater(Case.objects.get(pk=case.pk).reply_due, due)

    def test_reply_waits_for_assisting_units_unless_overridden_by_a_leader(self):
        case = reach(self, CaseStatus.IN_PROGRESS, with_assist=True)
        with self.assertRaises(Conflict) as raised:
            t.reply(case, text="已处理。", by=self.handler)
        self.assertEqual(raised.exception.field, "override_assist")
        with self.assertRaises(NotPermitted):
            t.reply(case, text="已处理。", by=self.handler, override_assist=True)
        t.reply(case, text="已处理。", by=self.unit_leader, override_assist=True)
        event = case.events.get(verb=Verb.REPLIED)
        self.assertEqual(event.payload["overridden"], ["QC-RSJ"])

    def test_a_close_without_evaluation_is_marked_unevaluated(self):
        case = reach(self, CaseStatus.CLOSED)
        self.assertEqual((case.closure_kind, case.satisfaction), ("unevaluated", ""))

    def test_evaluation_waits_for_close_when_configured(self):
        with override_settings(DAJUAN_CLOSE_AFTER_EVALUATION=False):
            case = reach(self, CaseStatus.EVALUATED)
        t.close(case, by=self.dispatcher)
        self.assertEqual(Case.objects.get(pk=case.pk).closure_kind, "evaluated")

    def test_reopen_gives_the_lead_unit_a_new_assignment_and_records_the_cause(self):
        case = reach(self, CaseStatus.CLOSED)
        t.reopen(case, reason="抽查回访未解决。", cause="spot_check", by=self.supervisor)
        case = Case.objects.get(pk=case.pk)
        self.assertEqual((case.status, case.reopen_count, case.closed_at), (CaseStatus.DISPATCHED, 1, None))
        self.assertEqual(case.events.get(verb=Verb.REOPENED).payload["cause"], "spot_check")
        self.assertEqual(case.assignments.filter(status="pending", round=1).count(), 1)

    def test_supervision_only_escalates_and_listing_names_a_leader(self):
        case = reach(self, CaseStatus.IN_PROGRESS)
        with self.assertRaises(CaseInvalid) as raised:
            t.supervise(case, level=3, note="挂牌。", by=self.supervisor)
        self.assertEqual(raised.exception.field, "escalated_to")
        t.supervise(case, level=2, note="督办。", by=self.supervisor)
        with self.assertRaises(CaseInvalid) as raised:
            t.supervise(case, level=1, note="催办。", by=self.supervisor)
        self.assertEqual(raised.exception.field, "level")
        t.supervise(case, level=3, note="挂牌督办。", escalated_to=self.district_leader, by=self.supervisor)
        self.assertEqual(Case.objects.get(pk=case.pk).supervision_level, 3)


class ForbiddenPersonaTests(LoopTestCase):
    def test_every_persona_that_may_not_is_refused_and_nothing_is_written(self):
        for spec in SPECS:
            case = reach(self, spec.start, **spec.setup)
            before = snapshot(case)
            for name in sorted(EVERYONE - spec.allowed):
                with self.subTest(spec=spec.name, persona=name):
                    with self.assertRaises(NotPermitted) as raised:
                        spec.act(self, Case.objects.get(pk=case.pk), self.fresh(persona(self, name)))
                    self.assertEqual((raised.exception.http_status, raised.exception.code), (403, "not_permitted"))
                    self.assertTrue(raised.exception.message)
                    self.assertEqual(snapshot(case), before)

    def test_exactly_the_allowed_personas_succeed(self):
        """The other side of the refusals above: everyone in the spec's allowed set gets through."""
        for spec in SPECS:
            case = reach(self, spec.start, **spec.setup)
            for name in sorted(EVERYONE):
                with self.subTest(spec=spec.name, persona=name):
                    try:
                        spec.act(self, Case.objects.get(pk=case.pk), self.fresh(persona(self, name)))
                    except NotPermitted:
                        allowed = False
                    else:
                        allowed = True
                        case = reach(self, spec.start, **spec.setup)  # that one is used up
                    self.assertIs(allowed, name in spec.allowed)


class WrongStatusTests(LoopTestCase):
    """Each status the allowed-from table refuses. The status column is set directly so that every
    (verb, status) pair can be addressed with the verb's objects in hand, including pairs no real
    sequence reaches; the allowed actor is used so that only the status can be the reason."""

    def test_every_refused_status_gives_a_409_and_writes_nothing(self):
        pairs = 0
        for spec in SPECS:
            for status in sorted(set(CaseStatus) - ALLOWED_FROM[spec.verb]):
                with self.subTest(spec=spec.name, status=status):
                    case = reach(self, spec.start, **spec.setup)
                    Case.objects.filter(pk=case.pk).update(status=status)
                    before = snapshot(case)
                    with self.assertRaises(InvalidTransition) as raised:
                        spec.act(self, Case.objects.get(pk=case.pk), self.fresh(persona(self, spec.actor)))
                    self.assertEqual((raised.exception.http_status, raised.exception.code),
                                     (409, "invalid_transition"))
                    self.assertIn(case.number, raised.exception.message)
                    self.assertEqual(snapshot(case), before)
                    pairs += 1
        self.assertGreater(pairs, 100)

    def test_real_sequences_reach_the_same_refusals(self):
        """A few refusals from statuses reached the real way."""
        closed = reach(self, CaseStatus.CLOSED)
        for act in (lambda c: t.reply(c, text="再答复", by=self.handler),
                    lambda c: t.dispatch(c, lead_unit=self.housing, by=self.dispatcher),
                    lambda c: t.claim(lead(c), by=self.handler)):
            with self.subTest(act=act), self.assertRaises(InvalidTransition):
                act(Case.objects.get(pk=closed.pk))
        claimed = reach(self, CaseStatus.IN_PROGRESS)
        with self.assertRaises(InvalidTransition):
            t.claim(lead(claimed), by=self.handler)  # the assignment, not the case, refuses


class BadInputTests(LoopTestCase):
    """Validation failures name the field and write nothing."""

    def assert_invalid(self, case, field, act):
        before = snapshot(case)
        with self.assertRaises(CaseInvalid) as raised:
            act(Case.objects.get(pk=case.pk))
        self.assertEqual((raised.exception.field, raised.exception.http_status), (field, 400))
        self.assertEqual(snapshot(case), before)

    def test_register_names_the_bad_field(self):
        good = {"title": "路灯不亮", "content": "路灯坏了", "source": "web", "requester_kind": "citizen",
                "requester_name": "孙女士"}
        for field, bad in [("title", " "), ("content", ""), ("source", "fax"), ("priority", "asap"),
                           ("requester_kind", "alien"), ("requester_phone", "12345")]:
            with self.subTest(field=field):
                count = Case.objects.count()
                with self.assertRaises(CaseInvalid) as raised:
                    t.register(by=self.dispatcher, **(good | {field: bad}))
                self.assertEqual(raised.exception.field, field)
                self.assertEqual(Case.objects.count(), count)

    def test_transitions_name_the_bad_field(self):
        received = reach(self, CaseStatus.RECEIVED)
        self.assert_invalid(received, "reason", lambda c: t.reject(c, reason="  ", by=self.dispatcher))
        self.assert_invalid(received, "into", lambda c: t.merge(c, into=c, by=self.dispatcher))
        self.assert_invalid(received, "lead_unit", lambda c: t.dispatch(c, lead_unit=self.district,
                                                                          by=self.dispatcher))
        self.assert_invalid(received, "assist_units", lambda c: t.dispatch(
            c, lead_unit=self.housing, assist_units=[self.housing], by=self.dispatcher))
        self.assert_invalid(received, "priority", lambda c: t.dispatch(c, lead_unit=self.housing, priority="asap",
                                                                         by=self.dispatcher))
        working = reach(self, CaseStatus.IN_PROGRESS)
        self.assert_invalid(working, "working_days", lambda c: t.request_extension(
            c, working_days=0, reason="x", by=self.handler))
        self.assert_invalid(working, "to_unit", lambda c: t.transfer(c, to_unit=self.housing, reason="x",
                                                                       by=self.dispatcher))
        self.assert_invalid(working, "units", lambda c: t.add_assisting_units(c, units=[], by=self.dispatcher))
        self.assert_invalid(working, "text", lambda c: t.reply(c, text="", by=self.handler))
        self.assert_invalid(working, "level", lambda c: t.supervise(c, level=9, note="x", by=self.supervisor))
        replied = reach(self, CaseStatus.REPLIED)
        self.assert_invalid(replied, "satisfaction", lambda c: t.evaluate(c, satisfaction="meh", by=self.requester))
        closed = reach(self, CaseStatus.CLOSED)
        self.assert_invalid(closed, "cause", lambda c: t.reopen(c, reason="x", cause="whim", by=self.supervisor))
