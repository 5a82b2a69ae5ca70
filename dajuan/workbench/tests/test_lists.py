"""Inboxes, the case list with its filters and pages, and the export: scoped, flat in queries."""

import io
from datetime import timedelta

from django.db import connection
from django.http import QueryDict
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dajuan.cases import transitions
from dajuan.cases.choices import RequesterKind, Source
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.selectors import CaseFilters
from dajuan.testing import LoopTestCase
from dajuan.workbench import selectors


def register(by, n, **extra):
    return transitions.register(title=f"诉求{n}号：道路破损", content=f"第{n}件，谯城路段坑洼", source=Source.HOTLINE,
                                requester_kind=RequesterKind.CITIZEN, requester_name=f"群众{n}",
                                requester_phone=f"139{n:08d}", by=by, **extra)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


class FiltersFromQueryTests(LoopTestCase):
    def test_every_contract_parameter_is_parsed(self):
        q = QueryDict("status=received&status=dispatched&category=JS&unit=QC-ZJJ&source=hotline&priority=urgent"
                      "&from=2026-01-01&to=2026-03-31&overdue=1&level=2&satisfaction=unsatisfied&q=电梯&grid=QC-HXL-DG-01")
        f = CaseFilters.from_query(q)
        self.assertEqual(f.statuses, ("received", "dispatched"))
        self.assertEqual((f.category, f.lead_unit, f.grid), (self.building, self.housing, self.grid))
        self.assertEqual((f.sources, f.priorities, f.overdue, f.min_supervision_level), (("hotline",), ("urgent",),
                                                                                          True, 2))
        self.assertEqual((str(f.registered_from), str(f.registered_to), f.satisfaction, f.text),
                         ("2026-01-01", "2026-03-31", "unsatisfied", "电梯"))

    def test_empty_query_is_no_filter(self):
        self.assertTrue(CaseFilters.from_query(QueryDict("status=&q=")).is_empty())

    def test_each_bad_parameter_is_named(self):
        for query, field in [("status=open", "status"), ("category=NOPE", "category"), ("unit=NOPE", "unit"),
                             ("from=2026-13-01", "from"), ("from=2026-03-01&to=2026-02-01", "to"),
                             ("overdue=yes", "overdue"), ("level=4", "level"), ("satisfaction=ok", "satisfaction"),
                             ("q=" + "长" * 101, "q"), ("priority=high", "priority"), ("source=fax", "source"),
                             ("grid=NOPE", "grid")]:
            with self.subTest(query=query), self.assertRaises(CaseInvalid) as caught:
                CaseFilters.from_query(QueryDict(query))
            self.assertEqual(caught.exception.field, field)


class CaseListViewTests(LoopTestCase):
    def test_lists_visible_cases_and_searches_chinese_text(self):
        self.client.force_login(self.dispatcher)
        response = self.client.get(reverse("workbench:case_list"), {"q": "电梯"})
        self.assertContains(response, self.case.number)
        self.assertNotContains(response, self.confidential_case.number)
        self.assertNotContains(self.client.get(reverse("workbench:case_list"), {"q": "下水道"}), self.case.number)
        self.assertContains(self.client.get(reverse("workbench:case_list"), {"q": self.case.number}), "小区电梯")

    def test_confidential_cases_never_leak_through_search(self):
        self.client.force_login(self.dispatcher)
        response = self.client.get(reverse("workbench:case_list"), {"q": "吃拿卡要"})
        self.assertNotContains(response, self.confidential_case.number)
        self.assertContains(response, "data-empty")
        self.client.force_login(self.inspector)
        self.assertContains(self.client.get(reverse("workbench:case_list"), {"q": "吃拿卡要"}),
                            self.confidential_case.number)

    def test_other_unit_sees_nothing_and_phones_are_masked_for_the_leader(self):
        self.client.force_login(self.other_handler)
        self.assertContains(self.client.get(reverse("workbench:case_list")), "data-empty")
        self.client.force_login(self.district_leader)
        response = self.client.get(reverse("workbench:case_list"))
        self.assertContains(response, "138****5678")
        self.assertNotContains(response, "13812345678")

    def test_a_bad_filter_is_a_400_naming_the_parameter(self):
        self.client.force_login(self.dispatcher)
        response = self.client.get(reverse("workbench:case_list"), {"from": "昨天"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'data-error-field="from"', status_code=400)
        self.assertContains(response, 'value="昨天"', status_code=400)  # the input is kept

    def test_people_without_a_role_are_refused(self):
        self.client.force_login(self.requester)
        self.assertEqual(self.client.get(reverse("workbench:case_list")).status_code, 403)
        self.assertEqual(self.client.get(reverse("workbench:inbox-home")).status_code, 403)
        self.assertEqual(self.client.get(reverse("workbench:case_export")).status_code, 403)

    def test_keyset_pages_walk_the_whole_list_without_repeats(self):
        for n in range(60):
            register(self.dispatcher, n)
        self.client.force_login(self.dispatcher)
        seen, url = [], reverse("workbench:case_list")
        while url:
            response = self.client.get(url)
            seen += [row.case.number for row in response.context["page"].rows]
            url = response.context["next_url"]
        self.assertEqual(len(seen), 61)  # the 60 and self.case; never the confidential case
        self.assertEqual(len(set(seen)), 61)

    def test_the_list_costs_the_same_queries_for_2_and_50_rows(self):
        self.client.force_login(self.dispatcher)
        url = reverse("workbench:case_list")
        register(self.dispatcher, 99)  # with self.case: 2 rows
        self.client.get(url)
        few = queries(self.client, url)
        for n in range(48):
            register(self.dispatcher, n)
        self.assertEqual(queries(self.client, url), few)
        self.assertEqual(len(self.client.get(url).context["page"].rows), 50)


class InboxTests(LoopTestCase):
    def test_handler_finds_the_case_to_claim_and_counts_in_the_navigation(self):
        self.client.force_login(self.handler)
        response = self.client.get(reverse("workbench:inbox", args=["to_claim"]))
        self.assertContains(response, self.case.number)
        self.assertContains(response, 'data-count="to_claim">1<')
        self.assertContains(response, f'hx-get="{reverse("workbench:inbox-badge")}"')
        self.assertContains(self.client.get(reverse("workbench:inbox-badge")), 'data-nav-badge="inbox">1<')
        self.client.force_login(self.other_handler)
        self.assertNotContains(self.client.get(reverse("workbench:inbox-badge")), "data-nav-badge")

    def test_inbox_home_opens_the_first_inbox_with_work(self):
        self.client.force_login(self.handler)
        self.assertRedirects(self.client.get(reverse("workbench:inbox-home")),
                             reverse("workbench:inbox", args=["to_claim"]))

    def test_someone_elses_inbox_is_404(self):
        self.client.force_login(self.handler)
        self.assertEqual(self.client.get(reverse("workbench:inbox", args=["received"])).status_code, 404)
        self.assertEqual(self.client.get(reverse("workbench:inbox", args=["nope"])).status_code, 404)

    def test_counts_follow_the_loop(self):
        received = register(self.dispatcher, 1)
        transitions.claim(self.assignment, by=self.handler)
        case = self.reload(self.case)
        transitions.request_extension(case, working_days=3, reason="需协调", by=self.handler)
        counts = {c.inbox.key: c.count for _g, cs in selectors.inbox_counts(self.fresh(self.dispatcher)) for c in cs}
        self.assertEqual(counts, {"received": 1, "returned": 0, "extensions": 1})
        counts = {c.inbox.key: c.count for _g, cs in selectors.inbox_counts(self.fresh(self.handler)) for c in cs}
        self.assertEqual(counts, {"to_claim": 0, "in_progress": 1, "to_review": 0, "due_soon": 0, "overdue": 0,
                                  "assisting": 0})
        later = selectors.Moment(now=timezone.now() + timedelta(days=30), soon=timezone.now() + timedelta(days=31))
        counts = {c.inbox.key: c.count for _g, cs in selectors.inbox_counts(self.fresh(self.supervisor), later)
                  for c in cs}
        self.assertEqual(counts["all_overdue"], 1)
        self.assertEqual(received.status, "received")

    def test_replies_awaiting_review_are_the_units_to_review_inbox(self):
        """待审核: counted for the lead unit (the leader acts, the handlers see what waits) until decided;
        the dispatcher still decides a pending extension meanwhile."""
        from dajuan.org.models import Unit

        Unit.objects.filter(pk=self.housing.pk).update(reply_review=True)
        transitions.claim(self.assignment, by=self.handler)
        case = self.reload(self.case)
        transitions.request_extension(case, working_days=3, reason="需协调", by=self.handler)
        transitions.submit_reply(case, text="已修复电梯。", by=self.handler)

        def counts(user):
            return {c.inbox.key: c.count for _g, cs in selectors.inbox_counts(self.fresh(user)) for c in cs}

        self.assertEqual(counts(self.unit_leader)["to_review"], 1)
        self.assertEqual(counts(self.handler)["to_review"], 1)
        self.assertEqual(set(counts(self.other_handler).values()), {0})
        self.assertEqual(counts(self.dispatcher)["extensions"], 1)
        self.client.force_login(self.unit_leader)
        page = self.client.get(reverse("workbench:inbox", args=["to_review"]))
        self.assertContains(page, self.case.number)
        self.assertContains(page, 'data-count="to_review">1<')
        detail = self.client.get(reverse("workbench:case_detail", args=[self.case.number]))
        self.assertContains(detail, 'data-action="approve-reply"')
        self.assertContains(detail, 'data-action="send-back-reply"')
        transitions.approve_reply(self.reload(self.case), by=self.unit_leader)
        self.assertEqual(counts(self.unit_leader)["to_review"], 0)

    def test_other_unit_counts_nothing_and_confidential_cases_are_never_counted(self):
        counts = {c.inbox.key: c.count for _g, cs in selectors.inbox_counts(self.fresh(self.other_handler))
                  for c in cs}
        self.assertEqual(set(counts.values()), {0})
        counts = {c.inbox.key: c.count for _g, cs in selectors.inbox_counts(self.fresh(self.dispatcher)) for c in cs}
        self.assertEqual(counts["received"], 0)  # the confidential case is received, but not the dispatcher's

    def test_the_inbox_costs_the_same_queries_for_2_and_50_rows(self):
        self.client.force_login(self.dispatcher)
        url = reverse("workbench:inbox", args=["received"])
        register(self.dispatcher, 0)
        register(self.dispatcher, 1)
        self.client.get(url)
        few = queries(self.client, url)
        for n in range(2, 50):
            register(self.dispatcher, n)
        self.assertEqual(queries(self.client, url), few)
        self.assertEqual(len(self.client.get(url).context["page"].rows), 50)


class ExportTests(LoopTestCase):
    def test_export_is_the_filtered_list_with_masked_phones_for_the_leader(self):
        self.client.force_login(self.district_leader)
        response = self.client.get(reverse("workbench:case_export"), {"q": "电梯"})
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][0], self.case.number)
        self.assertIn("138****5678", rows[1])
        self.assertNotIn(self.confidential_case.number, [r[0] for r in rows])

    def test_dispatcher_export_shows_the_phone(self):
        self.client.force_login(self.dispatcher)
        rows = list(load_workbook(io.BytesIO(self.client.get(reverse("workbench:case_export")).content))
                    .active.iter_rows(values_only=True))
        self.assertIn("13812345678", rows[1])

    @override_settings(DAJUAN_EXPORT_MAX_ROWS=2)
    def test_more_rows_than_the_limit_are_refused_with_a_message(self):
        for n in range(3):
            register(self.dispatcher, n)
        self.client.force_login(self.dispatcher)
        response = self.client.get(reverse("workbench:case_export"))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'data-error-field="export"', status_code=400)
        self.assertEqual(self.client.get(reverse("workbench:case_export"), {"q": "电梯"}).status_code, 200)


class LeaderInboxTests(LoopTestCase):
    def test_listed_cases_and_the_units_figures_with_formulas(self):
        transitions.supervise(self.case, level=3, note="挂牌督办", escalated_to=self.district_leader,
                              by=self.supervisor)
        self.client.force_login(self.district_leader)
        response = self.client.get(reverse("workbench:inbox", args=["listed"]))
        self.assertContains(response, self.case.number)
        self.assertContains(response, 'data-unit="QC-ZJJ"')
        self.assertContains(response, "响应率 = ")


class UnitScopeTests(LoopTestCase):
    def test_unit_inboxes_list_and_count_what_visible_cases_would(self):
        """access.visible_unit_work is an equal, cheaper start for the unit inboxes: every persona's unit
        inbox lists and counts the same cases as visible_cases ∩ the inbox's condition."""
        from dajuan.access.policy import visible_cases
        from dajuan.cases.selectors import case_list

        transitions.claim(self.assignment, by=self.handler)
        register(self.dispatcher, 1)
        moment = selectors.Moment.at()
        for persona in ("handler", "unit_leader", "other_handler", "town_leader", "grid_worker", "inspector",
                        "dispatcher"):
            user = self.fresh(getattr(self, persona))
            for inbox in selectors.INBOXES:
                if inbox.group != "unit":
                    continue
                with self.subTest(persona=persona, inbox=inbox.key):
                    group = selectors.GROUP_BY_KEY["unit"]
                    where = inbox.where(user, moment)
                    fast = case_list(user, where=where, within=group.cases(user, moment))
                    fast = set(fast.values_list("pk", flat=True))
                    plain = set(visible_cases(user).filter(where).values_list("pk", flat=True))
                    self.assertEqual(fast, plain)
        self.assertTrue(set(case_list(self.fresh(self.handler), where=selectors.BY_KEY["in_progress"].where(
            self.handler, moment), within=selectors.GROUP_BY_KEY["unit"].cases(self.handler, moment))))
