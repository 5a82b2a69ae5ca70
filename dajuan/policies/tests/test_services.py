from datetime import date, timedelta

from django.test import override_settings
from django.utils import timezone

from dajuan.cases import transitions
from dajuan.core.errors import Conflict, NotPermitted, ValidationFailed
from dajuan.enterprise.care import Problem
from dajuan.enterprise.choices import EnterpriseKind, EnterpriseSize
from dajuan.enterprise.models import Enterprise
from dajuan.enterprise.services import industry_add
from dajuan.intake.groups import answer_push, group_problem_raise
from dajuan.intake.models import AnswerPush, GroupMember, MessageGroup
from dajuan.intake.testing import IntakeTestCase
from dajuan.notify import backends
from dajuan.notify.models import Message
from dajuan.policies import services
from dajuan.policies.models import Policy, PolicyCase, PolicyPush, PushChannel
from dajuan.policies.selectors import matching_enterprises, policies_for, policy_figures

TODAY = date(2026, 11, 29)


class PolicyTestCase(IntakeTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.pharma = industry_add(code="yaoye", name="药业")
        cls.logistics = industry_add(code="wuliu", name="商贸物流")
        Enterprise.objects.filter(pk=cls.enterprise.pk).update(industry=cls.pharma, kind=EnterpriseKind.ABOVE_SCALE,
                                                               size=EnterpriseSize.MEDIUM, town=cls.town)
        Enterprise.objects.filter(pk=cls.other_enterprise.pk).update(industry=cls.logistics,
                                                                     kind=EnterpriseKind.KEY_BELOW_SCALE)
        cls.enterprise.refresh_from_db()
        cls.other_enterprise.refresh_from_db()

    def policy(self, **kwargs):
        fields = {"title": "中药产业稳岗补贴", "issuing_unit": self.labour, "issued_on": date(2026, 1, 5),
                  "effective_from": date(2026, 1, 10), "effective_to": date(2026, 12, 31), "body": "补贴标准……"}
        industries = kwargs.pop("industries", ())
        fields.update(kwargs)
        return services.policy_create(by=self.dispatcher, industries=industries, **fields)


class PolicyRegistryTests(PolicyTestCase):
    def test_contradictory_dates_are_refused_and_nothing_is_written(self):
        with self.assertRaises(ValidationFailed) as raised:
            self.policy(effective_to=date(2026, 1, 1))
        self.assertEqual(raised.exception.field, "effective_to")
        with self.assertRaises(ValidationFailed) as raised:
            self.policy(effective_from=date(2025, 12, 1))
        self.assertEqual(raised.exception.field, "effective_from")
        with self.assertRaises(ValidationFailed) as raised:
            self.policy(kinds=["giant"])
        self.assertEqual(raised.exception.field, "kinds")
        self.assertFalse(Policy.objects.exists())

    def test_only_coordinators_register_policies(self):
        with self.assertRaises(NotPermitted):
            services.policy_create(by=self.handler, title="x", issuing_unit=self.labour, issued_on=TODAY,
                                   effective_from=TODAY, effective_to=None, body="x")

    def test_matching_by_industry_kind_size_town_and_dates(self):
        any_policy = self.policy(title="普惠")
        pharma = self.policy(title="药业", industries=[self.pharma])
        above = self.policy(title="规上中型", kinds=[EnterpriseKind.ABOVE_SCALE], sizes=[EnterpriseSize.MEDIUM])
        expired = self.policy(title="过期", effective_to=date(2026, 6, 30))
        town_only = services.policy_create(by=self.dispatcher, towns=[self.town], title="街道", issuing_unit=self.town,
                                           issued_on=date(2026, 1, 5), effective_from=date(2026, 1, 5),
                                           effective_to=None, body="b")
        self.assertEqual(set(policies_for(self.enterprise, day=TODAY)), {any_policy, pharma, above, town_only})
        self.assertEqual(set(policies_for(self.other_enterprise, day=TODAY)), {any_policy})
        self.assertIn(expired, policies_for(self.other_enterprise, day=date(2026, 3, 1)))
        self.assertEqual(list(matching_enterprises(pharma)), [self.enterprise])
        self.assertEqual(set(matching_enterprises(any_policy)), {self.enterprise, self.other_enterprise})


class PushTests(PolicyTestCase):
    def test_a_push_reaches_matching_enterprises_once_and_tracks_reads(self):
        policy = self.policy(industries=[self.pharma])
        self.assertEqual(services.policy_push(policy, by=self.dispatcher), 1)
        self.assertEqual(services.policy_push(policy, by=self.dispatcher), 0)  # pushed again: nothing new
        push = PolicyPush.objects.get()
        self.assertEqual((push.enterprise, push.channel, push.read_at), (self.enterprise, PushChannel.PORTAL, None))
        self.assertTrue(Message.objects.filter(recipient=self.ent_user, key=f"policy:{policy.pk}").exists())
        self.assertEqual(services.policies_read(policy, by=self.other_ent_user), 0)
        self.assertEqual(services.policies_read(policy, by=self.ent_user), 1)
        self.assertEqual(policy_figures(start=date(2026, 1, 1), end=date(2026, 12, 31)),
                         {"policies": 1, "pushes": 1, "read": 1, "cases": 0, "closed": 0})

    def test_a_subsidy_problem_links_to_its_policy(self):
        policy = self.policy()
        case = services.policy_problem_raise(policy, enterprise=self.enterprise, by=self.ent_user,
                                             problem=Problem("稳岗补贴未到账", "去年申请的稳岗补贴至今未到账。"))
        self.assertEqual(PolicyCase.objects.get(case=case).policy, policy)


@override_settings(DAJUAN_NOTIFY_BACKEND="locmem")
class GroupTests(PolicyTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.group = MessageGroup.objects.create(code="yaoqi", name="药企群", industry="药业",
                                                manager=cls.dispatcher, secret="s" * 40)
        from dajuan.demo.intake import credit_code
        from dajuan.enterprise.services import enterprise_add
        cls.peer = enterprise_add(credit_code=credit_code(904), name="同类药企", industry=cls.pharma,
                                  kind=EnterpriseKind.ABOVE_SCALE)
        cls.unlike = enterprise_add(credit_code=credit_code(905), name="小药店", industry=cls.pharma,
                                    kind=EnterpriseKind.OTHER)
        for n, e in enumerate([cls.enterprise, cls.peer, cls.unlike]):
            GroupMember.objects.create(group=cls.group, sender_id=f"wm{n}", enterprise=e)

    def setUp(self):
        backends.outbox.clear()

    def test_publishing_to_a_group_records_a_push_for_every_member(self):
        policy = self.policy()
        with self.captureOnCommitCallbacks(execute=True):
            written = services.policy_publish_to_group(policy, self.group, by=self.dispatcher)
        self.assertEqual(written, 3)
        self.assertEqual(set(PolicyPush.objects.values_list("group", "channel").distinct()),
                         {(self.group.pk, PushChannel.WECHAT_GROUP)})
        self.assertEqual([m.group for m in backends.outbox], ["yaoqi"])

    def test_an_enterprise_not_in_the_group_may_not_post_to_it(self):
        with self.assertRaises(NotPermitted):
            group_problem_raise(self.group, enterprise=self.other_enterprise, by=self.dispatcher,
                                problem=Problem("a", "b"))

    def test_an_answer_goes_to_every_member_of_the_same_profile_with_a_record(self):
        case = group_problem_raise(self.group, enterprise=self.enterprise, by=self.dispatcher,
                                   problem=Problem("出口备案", "饮片出口备案要多久？"))
        self.assertEqual(case.intake.group, self.group)
        with self.assertRaises(Conflict):
            answer_push(case, by=self.dispatcher)  # no answer yet
        transitions.dispatch(case, lead_unit=self.housing, category=self.property_mgmt, by=self.dispatcher)
        transitions.claim(case.assignments.get(), by=self.handler)
        case.refresh_from_db()
        with self.captureOnCommitCallbacks(execute=True):
            transitions.reply(case, text="备案办理时限为5个工作日。", by=self.handler)
        case.refresh_from_db()
        with self.captureOnCommitCallbacks(execute=True):
            rows = answer_push(case, by=self.dispatcher, at=timezone.now() + timedelta(minutes=1))
        self.assertEqual([r.enterprise for r in rows], [self.peer])  # not the asker, not the other profile
        self.assertEqual(answer_push(case, by=self.dispatcher), [])  # once per enterprise
        self.assertEqual(AnswerPush.objects.count(), 1)
        self.assertIn("5个工作日", backends.outbox[-1].text)

    def test_the_office_pushes_an_answer_from_the_groups_page(self):
        case = group_problem_raise(self.group, enterprise=self.enterprise, by=self.dispatcher,
                                   problem=Problem("出口备案", "饮片出口备案要多久？"))
        transitions.dispatch(case, lead_unit=self.housing, category=self.property_mgmt, by=self.dispatcher)
        transitions.claim(case.assignments.get(), by=self.handler)
        case.refresh_from_db()
        transitions.reply(case, text="5个工作日。", by=self.handler)
        self.client.force_login(self.dispatcher)
        page = self.client.get(f"/enterprise/service/groups/?group={self.group.pk}")
        self.assertContains(page, case.number)
        response = self.client.post(f"/enterprise/service/groups/cases/{case.number}/push/")
        self.assertRedirects(response, f"/enterprise/service/groups/?group={self.group.pk}")
        self.assertEqual(list(AnswerPush.objects.values_list("enterprise", flat=True)), [self.peer.pk])
        self.client.force_login(self.handler)
        self.assertEqual(self.client.post(f"/enterprise/service/groups/cases/{case.number}/push/").status_code, 403)
