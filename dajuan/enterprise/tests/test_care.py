from datetime import date, timedelta

from django.utils import timezone

from dajuan.access.actions import Action
from dajuan.access.policy import decide, visible_cases
from dajuan.cases.choices import Source
from dajuan.cases.errors import CaseInvalid
from dajuan.cases.models import Case
from dajuan.core.errors import NotPermitted, ValidationFailed
from dajuan.demo.intake import credit_code
from dajuan.enterprise.care import Problem, care_team_set, visit_callback_record, visit_record
from dajuan.enterprise.choices import CallbackOutcome
from dajuan.enterprise.models import Visit, VisitCallback, VisitProblem
from dajuan.enterprise.selectors import care_coverage, quarter_bounds
from dajuan.enterprise.services import enterprise_add
from dajuan.intake.testing import IntakeTestCase


class CareTeamTests(IntakeTestCase):
    def test_a_dispatcher_gives_an_enterprise_its_team(self):
        team = care_team_set(self.enterprise, leader=self.district_leader, cadre=self.unit_leader,
                             staff=[self.other_handler], by=self.dispatcher)
        self.assertEqual((team.leader, team.cadre, list(team.staff.all())),
                         (self.district_leader, self.unit_leader, [self.other_handler]))

    def test_only_coordinators_assign_teams_and_teams_are_staff(self):
        with self.assertRaises(NotPermitted):
            care_team_set(self.enterprise, leader=self.district_leader, cadre=self.handler, by=self.handler)
        with self.assertRaises(ValidationFailed) as raised:
            care_team_set(self.enterprise, leader=self.district_leader, cadre=self.ent_user, by=self.dispatcher)
        self.assertEqual(raised.exception.field, "cadre")
        self.assertFalse(hasattr(self.enterprise, "care_team") and self.enterprise.care_team.pk)

    def test_a_team_member_sees_the_cases_of_the_enterprise_in_care(self):
        """赵另办 (人社局) does not work on the housing case; once in the team of its enterprise he sees it."""
        staff = self.fresh(self.other_handler)
        self.assertNotIn(self.ent_case, visible_cases(staff))
        care_team_set(self.enterprise, leader=self.district_leader, cadre=self.unit_leader, staff=[staff],
                      by=self.dispatcher)
        self.assertIn(self.ent_case, visible_cases(self.fresh(staff)))
        self.assertNotIn(self.web_case, visible_cases(self.fresh(staff)))
        self.assertTrue(decide(self.fresh(staff), Action.VIEW_CASE, self.ent_case))
        self.assertFalse(decide(self.fresh(staff), Action.VIEW_CASE, self.web_case))


class VisitTests(IntakeTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        care_team_set(cls.enterprise, leader=cls.district_leader, cadre=cls.other_handler, by=cls.dispatcher)

    def test_problems_found_become_cases_linked_to_the_visit_and_the_enterprise(self):
        visit = visit_record(self.enterprise, visited_on=timezone.localdate(), visitors=[self.other_handler],
                             delivered="送达稳岗返还政策", by=self.other_handler,
                             problems=[Problem("用工缺口", "新车间缺操作工30人。", self.jobs),
                                       Problem("物流通道", "园区南门道路需拓宽。")])
        cases = Case.objects.filter(visit_problem__visit=visit).order_by("pk")
        self.assertEqual([c.title for c in cases], ["用工缺口", "物流通道"])
        self.assertEqual({c.source for c in cases}, {Source.ENTERPRISE_VISIT})
        self.assertEqual({c.intake.enterprise_id for c in cases}, {self.enterprise.pk})
        self.assertEqual(visit.problems.count(), 2)

    def test_someone_outside_the_team_may_not_record_a_visit(self):
        with self.assertRaises(NotPermitted):
            visit_record(self.enterprise, visited_on=timezone.localdate(), visitors=[self.handler], by=self.handler)

    def test_a_bad_problem_writes_nothing(self):
        before = Case.objects.count()
        with self.assertRaises(CaseInvalid) as raised:
            visit_record(self.enterprise, visited_on=timezone.localdate(), visitors=[self.other_handler],
                         by=self.other_handler, problems=[Problem("好的", "内容"), Problem("", "没有标题")])
        self.assertEqual(raised.exception.field, "problems.2.title")
        self.assertEqual((Visit.objects.count(), Case.objects.count(), VisitProblem.objects.count()), (0, before, 0))

    def test_a_future_visit_or_one_without_visitors_is_refused(self):
        with self.assertRaises(ValidationFailed) as raised:
            visit_record(self.enterprise, visited_on=timezone.localdate() + timedelta(days=2),
                         visitors=[self.other_handler], by=self.dispatcher)
        self.assertEqual(raised.exception.field, "visited_on")
        with self.assertRaises(ValidationFailed) as raised:
            visit_record(self.enterprise, visited_on=timezone.localdate(), visitors=[], by=self.dispatcher)
        self.assertEqual(raised.exception.field, "visitors")

    def test_the_inspection_group_records_callbacks(self):
        visit = visit_record(self.enterprise, visited_on=timezone.localdate(), visitors=[self.other_handler],
                             by=self.dispatcher)
        visit_callback_record(visit, outcome=CallbackOutcome.CONFIRMED, by=self.supervisor)
        with self.assertRaises(NotPermitted):
            visit_callback_record(visit, outcome=CallbackOutcome.CONFIRMED, by=self.dispatcher)
        with self.assertRaises(ValidationFailed):
            visit_callback_record(visit, outcome="maybe", by=self.supervisor)
        self.assertEqual(VisitCallback.objects.filter(visit=visit).count(), 1)


class CoverageTests(IntakeTestCase):
    def test_quarter_bounds(self):
        self.assertEqual(quarter_bounds(2026, 1), (date(2026, 1, 1), date(2026, 3, 31)))
        self.assertEqual(quarter_bounds(2026, 4), (date(2026, 10, 1), date(2026, 12, 31)))

    def test_coverage_names_the_objects_not_visited_in_the_quarter(self):
        """Three objects with teams: A visited in Q2, B visited in Q1 only, C never — Q2 coverage is 1 of 3."""
        a, b = self.enterprise, self.other_enterprise
        c = enterprise_add(credit_code=credit_code(901), name="丙公司")
        for e in (a, b, c):
            care_team_set(e, leader=self.district_leader, cadre=self.other_handler, by=self.dispatcher)
        visit_record(a, visited_on=date(2026, 5, 3), visitors=[self.other_handler], by=self.dispatcher)
        visit_record(b, visited_on=date(2026, 2, 3), visitors=[self.other_handler], by=self.dispatcher)
        q2 = care_coverage(2026, 2)
        self.assertEqual((q2.total, q2.covered), (3, 1))
        self.assertEqual([e.name for e in q2.missing], sorted([b.name, c.name]))
        self.assertAlmostEqual(q2.rate, 1 / 3)
        self.assertEqual(care_coverage(2026, 1).covered, 1)


class CarePageTests(IntakeTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        care_team_set(cls.enterprise, leader=cls.district_leader, cadre=cls.other_handler, by=cls.dispatcher)

    def url(self):
        return f"/enterprise/service/{self.enterprise.pk}/"

    def test_a_team_member_records_a_visit_with_a_problem(self):
        self.client.force_login(self.other_handler)
        response = self.client.post(self.url(), {"visited_on": timezone.localdate().isoformat(),
                                                 "delivered": "稳岗政策", "problem_title": "招工难",
                                                 "problem_content": "缺操作工20人。"})
        self.assertRedirects(response, self.url())
        case = Case.objects.get(visit_problem__visit__enterprise=self.enterprise)
        self.assertContains(self.client.get(self.url()), case.number)

    def test_a_problem_without_details_is_refused_on_the_form(self):
        self.client.force_login(self.other_handler)
        response = self.client.post(self.url(), {"visited_on": timezone.localdate().isoformat(),
                                                 "problem_title": "招工难"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Visit.objects.exists())

    def test_others_see_the_page_without_the_form_and_cannot_post(self):
        self.client.force_login(self.handler)
        self.assertNotContains(self.client.get(self.url()), 'name="problem_title"')
        self.assertEqual(self.client.post(self.url(), {"visited_on": "2026-01-01"}).status_code, 403)
