"""The roles × actions matrix: every persona against every action, on the housing bureau (住建局)."""

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.access.policy import (
    RULES,
    available_actions,
    decide,
    require,
    visible_cases,
    visible_people,
    visible_units,
)
from dajuan.core.errors import NotPermitted
from dajuan.testing import PERSONAS, DistrictTestCase, LoopTestCase

ALL = set(PERSONAS)
JURISDICTION = {"admin", "district_leader", "dispatcher", "supervisor", "inspector"}

# action: the personas allowed on the housing bureau; every other persona (and `nobody`) is refused.
MATRIX: dict[Action, set[str]] = {
    Action.VIEW_UNIT: ALL,
    Action.MANAGE_UNIT: {"admin"},
    Action.IMPORT_ORG: {"admin"},
    Action.VIEW_MEMBERS: JURISDICTION | {"handler", "unit_leader"},
    Action.GRANT_ROLE: {"admin", "unit_leader"},
    Action.MANAGE_CALENDAR: {"admin"},
    Action.VIEW_AUDIT: {"admin", "supervisor", "inspector"},
    # Supervision (督查); the object here is the unit, which these rules do not look at.
    Action.VIEW_SUPERVISION: {"admin", "supervisor", "district_leader"},
    Action.CONFIGURE_SUPERVISION: {"admin", "supervisor"},
    Action.VIEW_INSPECTIONS: {"admin", "supervisor", "district_leader", "inspector"},
    Action.RECORD_INSPECTION: {"supervisor"},
    Action.VIEW_NOTICE: ALL,  # published notices; drafts: see supervision/tests/test_access.py
    Action.COMPOSE_NOTICE: {"supervisor"},
    Action.USE_WORKBENCH: ALL,
    Action.IMPORT_CASES: {"admin", "dispatcher"},
    Action.MANAGE_ENTERPRISE: {"admin", "dispatcher"},
    Action.USE_ENTERPRISE_PORTAL: set(),  # enterprise accounts only: see test_requesters.py
    # Enterprise service (包保, 早餐会, 惠企政策, 微信矩阵群); more in test_enterprise_matrix.py.
    Action.VIEW_ENTERPRISE_SERVICE: ALL,
    Action.MANAGE_CARE: {"admin", "dispatcher"},
    Action.RECORD_VISIT_CALLBACK: {"supervisor"},
    Action.MANAGE_MEETINGS: {"admin", "dispatcher"},
    Action.BOOK_MEETING: set(),  # enterprise accounts only: see test_enterprise_matrix.py
    Action.MANAGE_POLICIES: {"admin", "dispatcher"},
    Action.VIEW_DASHBOARD: JURISDICTION | {"handler", "unit_leader"},
    Action.VIEW_ASSESSMENT: JURISDICTION | {"unit_leader", "town_leader"},
    Action.MANAGE_ASSESSMENT: {"admin", "supervisor"},
    # Dispatch intelligence (routing); the object here is the unit, which these rules do not look at.
    Action.TRAIN_ROUTER: {"admin", "dispatcher"},
    Action.VIEW_ANSWERS: ALL,
    Action.PUSH_ANSWER: {"admin", "dispatcher"},
}

# Checked separately (their object is a person or a token): see ApiTokenRuleTests.
TOKEN_ACTIONS = {Action.CREATE_API_TOKEN, Action.REVOKE_API_TOKEN}
# Checked in notify/tests/test_access.py (the object is the person whose preference it is).
PERSON_ACTIONS = {Action.SET_NOTIFICATION_PREFERENCE}
# Checked in test_enterprise_matrix.py (the object is an enterprise in care, or a meeting).
ENTERPRISE_OBJECT_ACTIONS = {Action.RECORD_VISIT, Action.HOST_MEETING}
# Checked in routing/tests/test_access.py (the object is a hotspot warning).
HOTSPOT_ACTIONS = {Action.VIEW_HOTSPOT, Action.ACKNOWLEDGE_HOTSPOT}

DISPATCH = {"admin", "dispatcher"}
LEAD_UNIT = {"handler", "unit_leader"}
# action: who may, on self.case (dispatched to 住建局, not yet claimed, raised by `requester`).
CASE_MATRIX: dict[Action, set[str]] = {
    Action.VIEW_CASE: JURISDICTION | LEAD_UNIT | {"requester"},
    Action.REGISTER_CASE: ALL,
    Action.REJECT_CASE: DISPATCH,
    Action.MERGE_CASE: DISPATCH,
    Action.DISPATCH_CASE: DISPATCH,
    Action.CLAIM_ASSIGNMENT: LEAD_UNIT,
    Action.RETURN_ASSIGNMENT: LEAD_UNIT,
    Action.REPORT_ASSIST: set(),  # the object is the lead assignment: leads reply, they do not report
    Action.TRANSFER_CASE: DISPATCH,
    Action.SUMMON_ASSIST: DISPATCH | LEAD_UNIT,
    Action.REQUEST_EXTENSION: LEAD_UNIT,
    Action.DECIDE_EXTENSION: DISPATCH,
    Action.SUSPEND_CASE: DISPATCH | {"unit_leader"},
    Action.NOTE_PROGRESS: LEAD_UNIT,
    Action.REPLY_CASE: LEAD_UNIT,
    Action.SUBMIT_REPLY: set(),  # 住建局 does not review replies here: see REVIEW_MATRIX
    Action.REVIEW_REPLY: {"unit_leader"},
    Action.OVERRIDE_ASSIST: DISPATCH | {"unit_leader"},
    Action.EVALUATE_CASE: {"requester"},
    Action.RECORD_CALLBACK: {"supervisor"},
    Action.CLOSE_CASE: DISPATCH | {"supervisor"},
    Action.REOPEN_CASE: DISPATCH | {"supervisor"},
    Action.SUPERVISE_CASE: {"supervisor", "district_leader"},
    Action.COMMENT_CASE: JURISDICTION | LEAD_UNIT,
    Action.VIEW_CASE_INTERNALS: JURISDICTION | LEAD_UNIT,
    Action.VIEW_REQUESTER_CONTACT: DISPATCH | {"supervisor", "requester"} | LEAD_UNIT,  # the requester: their own
    Action.SPOT_CHECK: {"supervisor"},  # the callback queue shows the full phone number to supervisors only
    Action.VIEW_ROUTING: DISPATCH,
    Action.VIEW_SIMILAR: JURISDICTION | LEAD_UNIT,
    Action.MANAGE_ANSWERS: DISPATCH | {"supervisor"} | LEAD_UNIT,
}
# The same case once 住建局 reviews its replies (Unit.reply_review): handlers submit, the leader sends out.
REVIEW_MATRIX: dict[Action, set[str]] = {
    Action.REPLY_CASE: {"unit_leader"},
    Action.SUBMIT_REPLY: LEAD_UNIT,
    Action.REVIEW_REPLY: {"unit_leader"},
}
ASSIGNMENT_ACTIONS = {Action.CLAIM_ASSIGNMENT, Action.RETURN_ASSIGNMENT, Action.REPORT_ASSIST}


class AccessMatrixTests(DistrictTestCase):
    def test_every_action_has_a_rule_and_a_matrix_row(self):
        self.assertEqual(set(RULES), set(Action))
        self.assertEqual(set(MATRIX) | set(CASE_MATRIX) | TOKEN_ACTIONS | PERSON_ACTIONS | ENTERPRISE_OBJECT_ACTIONS
                         | HOTSPOT_ACTIONS, set(Action))
        self.assertFalse(set(MATRIX) & set(CASE_MATRIX))

    def test_matrix(self):
        for action, allowed in MATRIX.items():
            for persona in [*PERSONAS, "nobody"]:
                with self.subTest(action=action, persona=persona):
                    decision = decide(self.fresh(getattr(self, persona)), action, self.housing)
                    self.assertIs(bool(decision), persona in allowed)
                    if not decision:
                        self.assertTrue(decision.reason, "a refusal must say why")

    def test_require_raises_not_permitted_with_the_reason(self):
        with self.assertRaises(NotPermitted) as raised:
            require(self.handler, Action.MANAGE_UNIT)
        self.assertEqual(raised.exception.http_status, 403)
        self.assertEqual(raised.exception.message, decide(self.handler, Action.MANAGE_UNIT).reason)

    def test_anonymous_and_inactive_users_are_refused_everything(self):
        from django.contrib.auth.models import AnonymousUser

        self.admin.is_active = False
        for user in (AnonymousUser(), self.admin):
            for action in MATRIX:
                with self.subTest(user=user, action=action):
                    self.assertFalse(decide(user, action, self.housing))

    def test_available_actions_matches_decide(self):
        actions = available_actions(self.unit_leader, self.housing, list(MATRIX))
        self.assertEqual({a: bool(d) for a, d in actions.items()},
                         {a: "unit_leader" in MATRIX[a] for a in MATRIX})


class LeaderSubtreeTests(DistrictTestCase):
    def test_town_leader_sees_people_of_the_whole_town_subtree(self):
        for unit in (self.town, self.community, self.grid):
            with self.subTest(unit=unit):
                self.assertTrue(decide(self.town_leader, Action.VIEW_MEMBERS, unit))
        self.assertFalse(decide(self.town_leader, Action.VIEW_MEMBERS, self.district))

    def test_handler_sees_only_own_unit_people(self):
        self.assertTrue(decide(self.handler, Action.VIEW_MEMBERS, self.housing))
        self.assertFalse(decide(self.handler, Action.VIEW_MEMBERS, self.labour))

    def test_unit_scope_is_own_units_and_led_subtrees(self):
        self.assertEqual(set(scope.unit_scope(self.town_leader)), {self.town, self.community, self.grid})
        self.assertEqual(set(scope.unit_scope(self.handler)), {self.housing})
        self.assertEqual(set(scope.unit_scope(self.grid_worker)), {self.grid})
        self.assertEqual(list(scope.unit_scope(self.nobody)), [])


class FigureScopeTests(DistrictTestCase):
    def test_visible_figure_units_agrees_with_the_dashboard_rule(self):
        from dajuan.access.policy import visible_figure_units

        for persona in [*PERSONAS, "nobody"]:
            user = self.fresh(getattr(self, persona))
            visible = set(visible_figure_units(user))
            for unit in self.units.values():
                with self.subTest(persona=persona, unit=unit.code):
                    self.assertIs(unit in visible, bool(decide(user, Action.VIEW_DASHBOARD, unit)))


class ScopeTests(DistrictTestCase):
    def test_staff_see_every_unit_and_nobody_sees_none(self):
        self.assertEqual(visible_units(self.grid_worker).count(), len(self.units))
        self.assertEqual(visible_units(self.nobody).count(), 0)

    def test_visible_people_agrees_with_view_members(self):
        """A person is visible exactly when the viewer may see the people of one of their units."""
        from django.contrib.auth import get_user_model

        everyone = list(get_user_model().objects.prefetch_related("memberships__unit"))
        for persona in PERSONAS:
            viewer = self.fresh(getattr(self, persona))
            visible = set(visible_people(viewer))
            for person in everyone:
                units = [m.unit for m in person.memberships.all()]
                expected = scope.has_jurisdiction(viewer) or any(
                    decide(viewer, Action.VIEW_MEMBERS, unit) for unit in units
                )
                with self.subTest(viewer=persona, person=person.username):
                    self.assertIs(person in visible, expected)

    def test_memberships_are_loaded_once_per_user_object(self):
        user = self.fresh(self.town_leader)
        with self.assertNumQueries(1):
            for action in MATRIX:
                decide(user, action, self.grid)


class CaseMatrixTests(LoopTestCase):
    def test_case_matrix(self):
        from dajuan.cases.models import Case

        case = Case.objects.prefetch_related("assignments__unit").get(pk=self.case.pk)
        assignment = case.assignments.get()
        for action, allowed in CASE_MATRIX.items():
            obj = assignment if action in ASSIGNMENT_ACTIONS else None if action == Action.REGISTER_CASE else case
            for persona in [*PERSONAS, "nobody", "requester"]:
                with self.subTest(action=action, persona=persona):
                    decision = decide(self.fresh(getattr(self, persona)), action, obj)
                    self.assertIs(bool(decision), persona in allowed)
                    if not decision:
                        self.assertTrue(decision.reason, "a refusal must say why")

    def test_review_matrix_when_the_lead_unit_reviews_replies(self):
        from dajuan.cases.models import Case
        from dajuan.org.models import Unit

        Unit.objects.filter(pk=self.housing.pk).update(reply_review=True)
        case = Case.objects.select_related("lead_unit").prefetch_related("assignments__unit").get(pk=self.case.pk)
        for action, allowed in REVIEW_MATRIX.items():
            for persona in [*PERSONAS, "nobody", "requester"]:
                with self.subTest(action=action, persona=persona):
                    decision = decide(self.fresh(getattr(self, persona)), action, case)
                    self.assertIs(bool(decision), persona in allowed)
                    if not decision:
                        self.assertTrue(decision.reason, "a refusal must say why")
        refusal = decide(self.fresh(self.handler), Action.REPLY_CASE, case)
        self.assertIn("住建局", refusal.reason)

    def test_confidential_case_is_for_inspectors_only(self):
        for persona in [*PERSONAS, "requester"]:
            with self.subTest(persona=persona):
                user = self.fresh(getattr(self, persona))
                expected = persona == "inspector"
                self.assertIs(bool(decide(user, Action.VIEW_CASE, self.confidential_case)), expected)
                self.assertIs(visible_cases(user).filter(pk=self.confidential_case.pk).exists(), expected)

    def test_visible_cases_agrees_with_the_view_rule(self):
        """A case is listed for exactly the users allowed to view it."""
        from dajuan.cases.models import Case

        cases = list(Case.objects.prefetch_related("assignments__unit"))
        for persona in [*PERSONAS, "nobody", "requester"]:
            user = self.fresh(getattr(self, persona))
            listed = set(visible_cases(user).values_list("pk", flat=True))
            for case in cases:
                with self.subTest(persona=persona, case=case.number):
                    self.assertIs(case.pk in listed, bool(decide(user, Action.VIEW_CASE, case)))

    def test_visible_case_and_visible_unit_work_agree_with_visible_cases(self):
        """The one-case fetch of the case page, and the unit inboxes' scope, find what visible_cases does."""
        from dajuan.access.policy import visible_case, visible_unit_work
        from dajuan.cases import transitions
        from dajuan.cases.models import Assignment, Case

        transitions.claim(self.case.assignments.get(), by=self.handler)
        numbers = list(Case.objects.values_list("number", flat=True))
        for persona in [*PERSONAS, "nobody", "requester"]:
            user = self.fresh(getattr(self, persona))
            listed = set(visible_cases(user).values_list("number", flat=True))
            for number in numbers:
                with self.subTest(persona=persona, case=number):
                    found = visible_case(user, number=number, prefetch_related=("assignments__unit",))
                    self.assertIs(found is not None, number in listed)
            with self.subTest(persona=persona, scope="unit work"):
                live = Assignment.objects.filter(unit__in=scope.unit_scope(user), status__in=["pending", "claimed"])
                expected = set(visible_cases(user).filter(pk__in=live.values("case_id")).values_list("pk", flat=True))
                self.assertEqual(set(visible_unit_work(user, status__in=["pending", "claimed"])
                                     .values_list("pk", flat=True)), expected)
        self.assertIsNone(visible_case(self.fresh(self.handler), number="2099-999999"))

    def test_town_leader_sees_cases_of_the_grid_below(self):
        from dajuan.cases import transitions
        from dajuan.cases.choices import RequesterKind, Source

        case = transitions.register(title="路灯不亮", content="东关路路灯损坏。", source=Source.GRID,
                                    requester_kind=RequesterKind.INTERNAL, requester_unit=self.grid,
                                    category=self.building, by=self.grid_worker)
        transitions.dispatch(case, lead_unit=self.grid, by=self.dispatcher)
        self.assertTrue(visible_cases(self.fresh(self.town_leader)).filter(pk=case.pk).exists())
        self.assertTrue(visible_cases(self.fresh(self.grid_worker)).filter(pk=case.pk).exists())
        self.assertFalse(visible_cases(self.fresh(self.handler)).filter(pk=case.pk).exists())
        # A leader above the lead unit reviews its replies too (the led subtree, as for suspensions).
        self.assertTrue(decide(self.fresh(self.town_leader), Action.REVIEW_REPLY, case))
        self.assertFalse(decide(self.fresh(self.grid_worker), Action.REVIEW_REPLY, case))


class ApiTokenRuleTests(DistrictTestCase):
    def test_tokens_are_created_for_oneself_and_revoked_by_owner_or_admin(self):
        from dajuan.accounts.services import api_token_create

        token, _secret = api_token_create(user=self.handler, name="对接", by=self.handler)
        for persona in [*PERSONAS, "nobody"]:
            user = self.fresh(getattr(self, persona))
            with self.subTest(persona=persona):
                self.assertTrue(decide(user, Action.CREATE_API_TOKEN, user))
                self.assertIs(bool(decide(user, Action.CREATE_API_TOKEN, self.handler)), persona == "handler")
                self.assertIs(bool(decide(user, Action.REVOKE_API_TOKEN, token)), persona in {"handler", "admin"})
