from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from dajuan.cases import transitions as t
from dajuan.cases.catalog import category_add, deadline_policy_set
from dajuan.cases.choices import CaseStatus, Priority
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.selectors import CaseFilters, case_list, case_page, decode_cursor, encode_cursor, rows_for
from dajuan.cases.tests.loop_specs import new_case, reach
from dajuan.testing import LoopTestCase


class CaseListTests(LoopTestCase):
    def test_scope_follows_access(self):
        other = new_case(self, category=self.jobs)
        t.dispatch(other, lead_unit=self.labour, by=self.dispatcher)
        self.assertEqual(set(case_list(self.handler)), {self.case})
        self.assertEqual(set(case_list(self.other_handler)), {other})
        self.assertEqual(set(case_list(self.dispatcher)), {self.case, other})
        self.assertEqual(set(case_list(self.inspector)), {self.case, other, self.confidential_case})
        self.assertEqual(set(case_list(self.requester)), {self.case, other})  # both raised by `requester`
        self.assertEqual(list(case_list(self.nobody)), [])

    def test_each_filter_narrows(self):
        replied = reach(self, CaseStatus.REPLIED)
        labour = new_case(self, category=self.jobs, title="拖欠工资", content="工地欠薪三个月",
                          priority=Priority.URGENT, grid=self.grid)
        t.dispatch(labour, lead_unit=self.labour, by=self.dispatcher)
        t.supervise(labour, level=2, note="督办。", by=self.supervisor)
        d = self.dispatcher
        cases = lambda **f: set(case_list(d, CaseFilters(**f)))  # noqa: E731
        self.assertEqual(cases(statuses=("replied",)), {replied})
        self.assertEqual(cases(category=self.building), {self.case, replied})  # the parent includes JS-WY
        self.assertEqual(cases(lead_unit=self.labour), {labour})
        self.assertEqual(cases(priorities=("urgent",)), {labour})
        self.assertEqual(cases(min_supervision_level=2), {labour})
        self.assertEqual(cases(text="欠薪"), {labour})
        self.assertEqual(cases(text=labour.number), {labour})
        self.assertEqual(cases(sources=("web",)), set())
        self.assertEqual(cases(grid=self.grid), {labour})
        today = timezone.localdate()
        self.assertEqual(len(cases(registered_from=today, registered_to=today)), 3)
        self.assertEqual(cases(registered_to=today - timedelta(days=1)), set())
        later = timezone.now() + timedelta(days=60)
        self.assertEqual(cases(overdue=True), set())
        self.assertEqual(set(case_list(d, CaseFilters(overdue=True), at=later)), {self.case, labour})

    def test_keyset_pages_cover_every_case_once_in_order(self):
        for _ in range(7):
            new_case(self)
        seen, cursor = [], None
        while True:
            page = case_page(self.dispatcher, after=cursor, limit=3)
            seen += [row.case.pk for row in page.rows]
            if not page.has_more:
                break
            cursor = page.next_cursor
        expected = list(case_list(self.dispatcher).values_list("pk", flat=True))
        self.assertEqual(seen, expected)
        self.assertEqual(len(seen), 8)

    def test_bad_cursor_and_limit_name_their_field(self):
        for bad in ("nonsense", "MjAyNi0wMS0wMXx4"):
            with self.subTest(cursor=bad), self.assertRaises(CaseInvalid) as raised:
                case_page(self.dispatcher, after=bad)
            self.assertEqual(raised.exception.field, "cursor")
        with self.assertRaises(CaseInvalid) as raised:
            case_page(self.dispatcher, limit=0)
        self.assertEqual(raised.exception.field, "limit")
        self.assertEqual(decode_cursor(encode_cursor(self.case)), (self.case.registered_at, self.case.pk))

    def test_phone_is_masked_unless_access_allows_it(self):
        other = new_case(self, category=self.jobs)
        t.dispatch(other, lead_unit=self.labour, by=self.dispatcher)
        by_user = {}
        for name in ("dispatcher", "handler", "district_leader", "other_handler"):
            rows = rows_for(getattr(self, name), case_list(getattr(self, name)))
            by_user[name] = {row.case.pk: row.requester_phone for row in rows}
        self.assertEqual(by_user["dispatcher"][self.case.pk], "13812345678")
        self.assertEqual(by_user["handler"][self.case.pk], "13812345678")  # the lead unit
        self.assertEqual(by_user["district_leader"][self.case.pk], "138****5678")
        self.assertEqual(by_user["other_handler"][other.pk], "13812345678")
        self.assertNotIn(self.case.pk, by_user["other_handler"])

    def test_list_rows_cost_the_same_queries_for_2_and_20_cases(self):
        def queries_for_page():
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            user = self.fresh(self.handler)
            with CaptureQueriesContext(connection) as ctx:
                case_page(user, limit=50)
            return len(ctx.captured_queries)

        few = queries_for_page()
        for _ in range(20):
            t.dispatch(new_case(self), lead_unit=self.housing, by=self.dispatcher)
        self.assertEqual(queries_for_page(), few)


class CatalogTests(LoopTestCase):
    def test_category_add_checks_code_name_and_depth(self):
        with self.assertRaises(CaseInvalid) as raised:
            category_add(code="JS", name="重复")
        self.assertEqual(raised.exception.field, "code")
        with self.assertRaises(CaseInvalid) as raised:
            category_add(code="X", name=" ")
        self.assertEqual(raised.exception.field, "name")
        third = category_add(code="JS-WY-DT", name="电梯", parent=self.property_mgmt)
        with self.assertRaises(CaseInvalid) as raised:
            category_add(code="JS-WY-DT-1", name="太深", parent=third)
        self.assertEqual(raised.exception.field, "parent")

    def test_deadline_policy_set_creates_then_changes_and_refuses_nonsense(self):
        policy = deadline_policy_set(category=self.jobs, priority="normal", reply_limit=3, limit_unit="working_days")
        again = deadline_policy_set(category=self.jobs, priority="normal", reply_limit="4.5",
                                    limit_unit="working_days", assist_report_limit=2)
        again.refresh_from_db()
        self.assertEqual((again.pk, again.reply_limit, again.assist_report_limit), (policy.pk, Decimal("4.5"), 2))
        for kwargs, field in [({"priority": "soon"}, "priority"), ({"limit_unit": "weeks"}, "limit_unit"),
                              ({"reply_limit": "abc"}, "reply_limit"), ({"reply_limit": 0}, "reply_limit"),
                              ({"reply_limit": "NaN"}, "reply_limit"),
                              ({"assist_report_limit": 9}, "assist_report_limit")]:
            args = {"category": self.jobs, "priority": "normal", "reply_limit": 5, "limit_unit": "working_days"}
            with self.subTest(field=field), self.assertRaises(CaseInvalid) as raised:
                deadline_policy_set(**(args | kwargs))
            self.assertEqual(raised.exception.field, field)

    def test_a_category_policy_decides_the_deadline_over_the_default(self):
        deadline_policy_set(category=self.jobs, priority="normal", reply_limit=10, limit_unit="working_days")
        quick, slow = new_case(self), new_case(self, category=self.jobs)
        start = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))  # a Monday
        t.dispatch(quick, lead_unit=self.housing, by=self.dispatcher, at=start)
        t.dispatch(slow, lead_unit=self.labour, by=self.dispatcher, at=start)
        self.assertEqual(timezone.localtime(quick.reply_due).date(), date(2026, 3, 9))
        self.assertEqual(timezone.localtime(slow.reply_due).date(), date(2026, 3, 16))


class OpenConditionTests(LoopTestCase):
    def test_the_written_out_condition_is_the_open_statuses_and_uses_the_partial_index(self):
        from django.db import connection

        from dajuan.cases.choices import OPEN_STATUSES
        from dajuan.cases.models import Case

        for status in (CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS, CaseStatus.REPLIED, CaseStatus.CLOSED):
            reach(self, status)
        self.assertEqual(set(Case.objects.filter(Case.is_open_condition())),
                         set(Case.objects.filter(status__in=OPEN_STATUSES)))
        self.assertEqual(set(Case.objects.exclude(Case.is_open_condition())),
                         set(Case.objects.exclude(status__in=OPEN_STATUSES)))
        if connection.vendor == "sqlite":  # the reason it is written out: SQLite matches the index's literals
            sql, params = Case.objects.filter(Case.is_open_condition()).values("pk").query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            self.assertIn("case_open_status", plan)
