"""The roles × actions matrix: every persona against every action, on the housing bureau (住建局)."""

from dajuan.access import scope
from dajuan.access.actions import Action
from dajuan.access.policy import RULES, available_actions, decide, require, visible_people, visible_units
from dajuan.core.errors import NotPermitted
from dajuan.testing import PERSONAS, DistrictTestCase

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
}


class AccessMatrixTests(DistrictTestCase):
    def test_every_action_has_a_rule_and_a_matrix_row(self):
        self.assertEqual(set(RULES), set(Action))
        self.assertEqual(set(MATRIX), set(Action))

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
            for action in Action:
                with self.subTest(user=user, action=action):
                    self.assertFalse(decide(user, action, self.housing))

    def test_available_actions_matches_decide(self):
        actions = available_actions(self.unit_leader, self.housing, list(Action))
        self.assertEqual({a: bool(d) for a, d in actions.items()},
                         {a: "unit_leader" in MATRIX[a] for a in Action})


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
            for action in Action:
                decide(user, action, self.grid)
