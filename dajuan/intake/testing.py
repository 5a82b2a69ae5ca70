"""Fixtures for intake and enterprise tests, on top of the loop's cast (dajuan.testing.LoopTestCase):

    亳州药都制药有限公司 (self.enterprise)   accounts: self.ent_user (钱企业's colleague 孙会计)
    谯城物流有限公司 (self.other_enterprise) account: self.other_ent_user
    self.ent_case   raised through the enterprise portal by self.ent_user, dispatched to 住建局
    self.web_case   raised through the public form by a citizen (phone 13900001234), dispatched to 住建局
"""

from django.contrib.auth import get_user_model

from dajuan.cases import transitions
from dajuan.cases.choices import RequesterKind, Source
from dajuan.enterprise.services import enterprise_add, enterprise_user_add
from dajuan.intake.services import case_register
from dajuan.testing import LoopTestCase, password_hash

CREDIT_CODE = "91341602MA2T8K3X09"
OTHER_CREDIT_CODE = "91341602MA2U1B5C7B"
CITIZEN_PHONE = "13900001234"


def account(username: str, full_name: str):
    user = get_user_model().objects.create_user(username=username, password=None, full_name=full_name)
    user.password = password_hash()
    user.save(update_fields=["password"])
    return user


class IntakeTestCase(LoopTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.enterprise = enterprise_add(credit_code=CREDIT_CODE, name="亳州药都制药有限公司")
        cls.other_enterprise = enterprise_add(credit_code=OTHER_CREDIT_CODE, name="谯城物流有限公司")
        cls.ent_user = account("sunkj", "孙会计")
        enterprise_user_add(user=cls.ent_user, enterprise=cls.enterprise)
        cls.other_ent_user = account("wuliu", "吴物流")
        enterprise_user_add(user=cls.other_ent_user, enterprise=cls.other_enterprise)
        cls.ent_case = case_register(
            by=cls.ent_user, channel=Source.ENTERPRISE_PORTAL, title="厂区门前道路破损",
            content="厂区门前道路破损严重，货车进出困难。", requester_user=cls.ent_user, requester_phone="13811112222",
            enterprise=cls.enterprise, category=cls.property_mgmt)
        transitions.dispatch(cls.ent_case, lead_unit=cls.housing, by=cls.dispatcher)
        cls.web_case = case_register(
            by=None, channel=Source.WEB, title="路灯不亮", content="东关路12号附近路灯连续一周不亮。",
            requester_kind=RequesterKind.CITIZEN, requester_name="陈先生", requester_phone=CITIZEN_PHONE,
            category=cls.property_mgmt)
        transitions.dispatch(cls.web_case, lead_unit=cls.housing, by=cls.dispatcher)
        cls.citizen = cls.web_case.requester_user
