"""Matrix rows for the people outside the government who raise cases: enterprise accounts (企业用户)
and public requesters (公众, the citizen's account behind the public form and tracking page)."""

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.access.policy import decide, visible_cases
from dajuan.enterprise.services import enterprise_user_add
from dajuan.intake.testing import IntakeTestCase, account

# action: who may, among the requester personas, on (ent_case, web_case, self.case)
REQUESTER_MATRIX: dict[Action, dict[str, set[str]]] = {
    Action.VIEW_CASE: {"ent_case": {"ent_user"}, "web_case": {"citizen"}, "case": set()},
    Action.EVALUATE_CASE: {"ent_case": {"ent_user"}, "web_case": {"citizen"}, "case": set()},
    Action.VIEW_REQUESTER_CONTACT: {"ent_case": {"ent_user"}, "web_case": {"citizen"}, "case": set()},
    Action.COMMENT_CASE: {"ent_case": set(), "web_case": set(), "case": set()},
    Action.REPLY_CASE: {"ent_case": set(), "web_case": set(), "case": set()},
    Action.CLOSE_CASE: {"ent_case": set(), "web_case": set(), "case": set()},
    Action.DISPATCH_CASE: {"ent_case": set(), "web_case": set(), "case": set()},
}
REQUESTERS = ["ent_user", "other_ent_user", "citizen"]
# Object-less actions.
GLOBAL_MATRIX: dict[Action, set[str]] = {
    Action.REGISTER_CASE: {"ent_user", "other_ent_user", "citizen"},
    Action.USE_ENTERPRISE_PORTAL: {"ent_user", "other_ent_user"},
    Action.IMPORT_CASES: set(),
    Action.MANAGE_ENTERPRISE: set(),
    Action.VIEW_UNIT: set(),
}


class RequesterMatrixTests(IntakeTestCase):
    def test_case_matrix(self):
        for action, by_case in REQUESTER_MATRIX.items():
            for case_attr, allowed in by_case.items():
                for persona in REQUESTERS:
                    with self.subTest(action=action, case=case_attr, persona=persona):
                        case = self.reload(getattr(self, case_attr))
                        decision = decide(self.fresh(getattr(self, persona)), action, case)
                        self.assertIs(bool(decision), persona in allowed)
                        if not decision:
                            self.assertTrue(decision.reason)

    def test_global_matrix(self):
        for action, allowed in GLOBAL_MATRIX.items():
            for persona in [*REQUESTERS, "nobody"]:
                with self.subTest(action=action, persona=persona):
                    self.assertIs(bool(decide(self.fresh(getattr(self, persona)), action)), persona in allowed)

    def test_view_rule_agrees_with_visible_cases(self):
        for persona in REQUESTERS:
            user = self.fresh(getattr(self, persona))
            listed = set(visible_cases(user).values_list("number", flat=True))
            for case in (self.case, self.ent_case, self.web_case, self.confidential_case):
                with self.subTest(persona=persona, case=case.number):
                    self.assertIs(case.number in listed, bool(decide(user, Action.VIEW_CASE, self.reload(case))))

    def test_enterprise_users_see_every_case_of_their_enterprise(self):
        colleague_case_seen_by_other = visible_cases(self.fresh(self.other_ent_user)).filter(pk=self.ent_case.pk)
        self.assertFalse(colleague_case_seen_by_other.exists())
        self.assertEqual(list(visible_cases(self.fresh(self.ent_user))), [self.ent_case])

    def test_staff_identity_costs_no_query(self):
        handler = self.fresh(self.handler)
        scope.memberships_of(handler)
        with self.assertNumQueries(0):
            self.assertIsNone(scope.enterprise_id_of(handler))
            self.assertFalse(scope.is_public_requester(handler))

    def test_a_colleague_sees_the_enterprise_case_until_the_enterprise_is_deactivated(self):
        colleague = account("ent2", "李出纳")
        enterprise_user_add(user=colleague, enterprise=self.enterprise)
        self.assertEqual(list(visible_cases(self.fresh(colleague))), [self.ent_case])
        self.assertTrue(decide(self.fresh(colleague), Action.EVALUATE_CASE, self.reload(self.ent_case)))
        self.enterprise.is_active = False
        self.enterprise.save(update_fields=["is_active"])
        colleague = self.fresh(colleague)
        self.assertFalse(decide(colleague, Action.USE_ENTERPRISE_PORTAL))
        self.assertFalse(visible_cases(colleague).exists())
        self.assertFalse(decide(colleague, Action.EVALUATE_CASE, self.reload(self.ent_case)))
