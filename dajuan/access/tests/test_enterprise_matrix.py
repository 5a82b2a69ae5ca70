"""The enterprise-service rows whose object is an enterprise or a meeting, and the care scope: a care
team's members see the cases of the enterprises in their care, a host the cases of their meetings,
an enterprise account only its own enterprise's cases."""

from datetime import timedelta

from django.utils import timezone

from dajuan.access.actions import Action
from dajuan.access.policy import decide, visible_cases
from dajuan.enterprise.care import Problem, care_team_set
from dajuan.intake.testing import IntakeTestCase
from dajuan.meetings import services as meetings
from dajuan.testing import PERSONAS

JURISDICTION = {"admin", "district_leader", "dispatcher", "supervisor", "inspector"}
OBJECT_MATRIX = {
    # action: who may, on self.enterprise (care team: leader 郑区长, cadre 赵另办) / a meeting hosted by 王局长
    Action.RECORD_VISIT: {"admin", "dispatcher", "district_leader", "other_handler"},
    Action.HOST_MEETING: {"admin", "dispatcher", "unit_leader"},
}
ENTERPRISE_ACCOUNTS = {Action.BOOK_MEETING: True, Action.USE_ENTERPRISE_PORTAL: True,
                       Action.VIEW_ENTERPRISE_SERVICE: False, Action.RECORD_VISIT: False,
                       Action.HOST_MEETING: False, Action.MANAGE_POLICIES: False}


class EnterpriseMatrixTests(IntakeTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        care_team_set(cls.enterprise, leader=cls.district_leader, cadre=cls.other_handler, by=cls.dispatcher)
        starts = timezone.now() + timedelta(days=2)
        cls.meeting = meetings.meeting_plan(starts_at=starts, place="A", topic="B", capacity=5, host=cls.unit_leader,
                                            by=cls.dispatcher)
        meetings.meeting_publish(cls.meeting, by=cls.dispatcher)
        meetings.attendance_record(cls.meeting, enterprises=[cls.other_enterprise], by=cls.unit_leader,
                                   at=starts + timedelta(hours=1))
        cls.meeting_case = meetings.problem_raise(cls.meeting, enterprise=cls.other_enterprise, by=cls.unit_leader,
                                                  problem=Problem("早餐会问题", "内容"), at=starts + timedelta(hours=1))

    def obj(self, action):
        return self.enterprise if action == Action.RECORD_VISIT else self.meeting

    def test_object_matrix(self):
        for action, allowed in OBJECT_MATRIX.items():
            for persona in [*PERSONAS, "nobody"]:
                with self.subTest(action=action, persona=persona):
                    decision = decide(self.fresh(getattr(self, persona)), action, self.obj(action))
                    self.assertIs(bool(decision), persona in allowed)
                    if not decision:
                        self.assertTrue(decision.reason)

    def test_enterprise_accounts(self):
        for action, allowed in ENTERPRISE_ACCOUNTS.items():
            with self.subTest(action=action):
                obj = self.obj(action) if action in OBJECT_MATRIX else None
                self.assertIs(bool(decide(self.fresh(self.ent_user), action, obj)), allowed)

    def test_care_and_host_scope(self):
        """Who sees the enterprise's portal case (in care of 郑区长/赵另办, dispatched to 住建局) and the
        meeting's case (hosted by 王局长, not dispatched)."""
        expected = {
            "ent_case": JURISDICTION | {"handler", "unit_leader", "other_handler", "ent_user"},
            "meeting_case": JURISDICTION | {"unit_leader", "other_ent_user"},
        }
        people = [*PERSONAS, "nobody", "ent_user", "other_ent_user"]
        for name, allowed in expected.items():
            case = getattr(self, name)
            for persona in people:
                with self.subTest(case=name, persona=persona):
                    user = self.fresh(getattr(self, persona))
                    self.assertIs(visible_cases(user).filter(pk=case.pk).exists(), persona in allowed)
                    self.assertIs(bool(decide(user, Action.VIEW_CASE, case)), persona in allowed)
