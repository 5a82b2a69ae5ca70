from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dajuan.demo.intake import credit_code
from dajuan.enterprise.services import enterprise_add
from dajuan.intake.testing import IntakeTestCase

SERVICE = reverse("enterprise:service")


class ServicePageTests(IntakeTestCase):
    def test_the_registry_masks_contact_phones(self):
        enterprise_add(credit_code=credit_code(850), name="掩码公司", contact_name="刘经理",
                       contact_phone="13912345678")
        self.client.force_login(self.handler)
        page = self.client.get(SERVICE)
        self.assertContains(page, "139****5678")
        self.assertNotContains(page, "13912345678")

    def test_enterprise_accounts_are_refused(self):
        self.client.force_login(self.ent_user)
        self.assertEqual(self.client.get(SERVICE).status_code, 403)

    def test_the_query_count_does_not_grow_with_rows(self):
        self.client.force_login(self.dispatcher)
        with CaptureQueriesContext(connection) as few:
            self.client.get(SERVICE)
        for n in range(20):
            enterprise_add(credit_code=credit_code(860 + n), name=f"企业{n}")
        with CaptureQueriesContext(connection) as many:
            self.client.get(SERVICE)
        self.assertEqual(len(few), len(many))
