from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from dajuan.core.errors import Conflict, NotPermitted, ValidationFailed
from dajuan.core.models import AuditEntry
from dajuan.enterprise.models import Enterprise, EnterpriseUser
from dajuan.enterprise.services import enterprise_create, enterprise_user_add, enterprise_user_create
from dajuan.enterprise.validation import clean_credit_code
from dajuan.intake.testing import CREDIT_CODE, account
from dajuan.testing import DistrictTestCase


class CreditCodeTests(SimpleTestCase):
    def test_valid_codes_are_returned_compact(self):
        self.assertEqual(clean_credit_code(" 91341602ma2t8k3x09 "), CREDIT_CODE)
        self.assertEqual(clean_credit_code("52341602MA2P3R4T9M"), "52341602MA2P3R4T9M")

    def test_each_kind_of_bad_code_names_its_fix(self):
        cases = {
            "": "required",
            "9134160": "length",
            "91341602MA2T8K3X0A": "checksum",  # one character of the check digit changed
            "91341602MA2T8K3X08": "checksum",
            "91341602MA2T8KOX09": "format",  # the letter O never occurs
        }
        for value, code in cases.items():
            with self.subTest(value=value), self.assertRaises(ValidationError) as caught:
                clean_credit_code(value)
            self.assertEqual(caught.exception.code, code)
            self.assertTrue(caught.exception.messages[0])


class EnterpriseServiceTests(DistrictTestCase):
    def test_dispatcher_registers_an_enterprise_with_an_audit_entry(self):
        enterprise = enterprise_create(credit_code=CREDIT_CODE.lower(), name=" 亳州药都制药有限公司 ",
                                       by=self.dispatcher)
        self.assertEqual((enterprise.credit_code, enterprise.name), (CREDIT_CODE, "亳州药都制药有限公司"))
        self.assertTrue(AuditEntry.objects.filter(action="enterprise_created", object_id=str(enterprise.pk)).exists())

    def test_bad_input_writes_nothing(self):
        bad = [
            ({"credit_code": "91341602MA2T8K3X08", "name": "某公司"}, ValidationFailed, "credit_code"),
            ({"credit_code": CREDIT_CODE, "name": "  "}, ValidationFailed, "name"),
            ({"credit_code": CREDIT_CODE, "name": "名" * 201}, ValidationFailed, "name"),
        ]
        for fields, error, field in bad:
            with self.subTest(fields=fields), self.assertRaises(error) as caught:
                enterprise_create(by=self.dispatcher, **fields)
            self.assertEqual(caught.exception.field, field)
        self.assertFalse(Enterprise.objects.exists())

    def test_duplicate_code_is_a_conflict(self):
        enterprise_create(credit_code=CREDIT_CODE, name="甲公司", by=self.dispatcher)
        with self.assertRaises(Conflict) as caught:
            enterprise_create(credit_code=CREDIT_CODE, name="乙公司", by=self.dispatcher)
        self.assertEqual(caught.exception.field, "credit_code")

    def test_only_dispatchers_and_admins_register_enterprises(self):
        for persona in ["handler", "supervisor", "nobody"]:
            with self.subTest(persona=persona), self.assertRaises(NotPermitted):
                enterprise_create(credit_code=CREDIT_CODE, name="甲公司", by=getattr(self, persona))
        self.assertFalse(Enterprise.objects.exists())

    def test_enterprise_user_gets_an_account_linked_to_the_enterprise(self):
        enterprise = enterprise_create(credit_code=CREDIT_CODE, name="甲公司", by=self.admin)
        link = enterprise_user_create(enterprise=enterprise, username="jia", full_name="甲会计", by=self.admin)
        self.assertEqual(link.user.enterprise_link.enterprise, enterprise)
        with self.assertRaises(Conflict):
            enterprise_user_create(enterprise=enterprise, username="jia", full_name="重名", by=self.admin)

    def test_staff_cannot_act_for_an_enterprise_and_an_account_acts_for_one_only(self):
        enterprise = enterprise_create(credit_code=CREDIT_CODE, name="甲公司", by=self.admin)
        with self.assertRaises(ValidationFailed):
            enterprise_user_add(user=self.handler, enterprise=enterprise)
        user = account("yi", "乙")
        enterprise_user_add(user=user, enterprise=enterprise)
        with self.assertRaises(Conflict):
            enterprise_user_add(user=user, enterprise=enterprise)
        self.assertEqual(EnterpriseUser.objects.count(), 1)
