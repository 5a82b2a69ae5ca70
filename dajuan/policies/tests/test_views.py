from datetime import date

from django.urls import reverse

from dajuan.policies import services
from dajuan.policies.models import Policy, PolicyPush
from dajuan.policies.tests.test_services import PolicyTestCase


class PolicyPageTests(PolicyTestCase):
    def test_an_enterprise_sees_the_policies_that_apply_and_reading_is_recorded(self):
        mine = self.policy(title="药业专项", industries=[self.pharma], effective_to=None)
        other = self.policy(title="物流专项", industries=[self.logistics], effective_to=None)
        services.policy_push(mine, by=self.dispatcher)
        self.client.force_login(self.ent_user)
        page = self.client.get(reverse("policies:portal"))
        self.assertContains(page, "药业专项")
        self.assertNotContains(page, "物流专项")
        self.assertEqual(self.client.get(reverse("policies:portal-detail", args=[other.pk])).status_code, 404)
        self.assertContains(self.client.get(reverse("policies:portal-detail", args=[mine.pk])), "药业专项")
        self.assertIsNotNone(PolicyPush.objects.get(policy=mine).read_at)

    def test_staff_see_who_received_a_policy(self):
        policy = self.policy(effective_to=date(2026, 12, 31))
        services.policy_push(policy, by=self.dispatcher)
        self.client.force_login(self.handler)
        page = self.client.get(reverse("policies:detail", args=[policy.pk]))
        self.assertContains(page, self.enterprise.name)
        self.client.force_login(self.ent_user)
        self.assertEqual(self.client.get(reverse("policies:list")).status_code, 403)


class PolicyOfficeTests(PolicyTestCase):
    def test_the_office_registers_a_policy_and_pushes_it(self):
        self.client.force_login(self.dispatcher)
        fields = {"title": "花茶品牌奖励", "issuing_unit": self.labour.pk, "issued_on": "2026-03-01",
                  "effective_from": "2026-03-01", "effective_to": "2026-02-01", "body": "奖励标准……",
                  "industries": [self.pharma.pk]}
        bad = self.client.post(reverse("policies:list"), fields)
        self.assertEqual(bad.status_code, 400)
        self.assertFalse(Policy.objects.exists())
        response = self.client.post(reverse("policies:list"), {**fields, "effective_to": "2027-02-01"})
        policy = Policy.objects.get()
        self.assertRedirects(response, reverse("policies:detail", args=[policy.pk]))
        self.client.post(reverse("policies:push", args=[policy.pk]))
        self.assertEqual(list(PolicyPush.objects.values_list("enterprise", flat=True)), [self.enterprise.pk])
        self.client.force_login(self.handler)
        self.assertEqual(self.client.post(reverse("policies:push", args=[policy.pk])).status_code, 403)
