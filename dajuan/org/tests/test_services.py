from django.contrib.auth import get_user_model

from dajuan.access.actions import Action
from dajuan.access.policy import decide
from dajuan.core.errors import Conflict, NotPermitted, ValidationFailed
from dajuan.core.models import AuditEntry
from dajuan.org.choices import Role, UnitKind
from dajuan.org.models import Membership, Unit
from dajuan.org.services import (
    membership_add,
    membership_grant,
    membership_revoke,
    person_add,
    unit_create,
    unit_update_name,
)
from dajuan.testing import DistrictTestCase

User = get_user_model()


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


class UnitCreateTests(DistrictTestCase):
    def test_an_admin_creates_a_unit_under_an_allowed_parent_with_an_audit_row(self):
        unit = unit_create(code="QC-GXJ", name=" 区工信局 ", kind=UnitKind.DEPARTMENT, parent=self.district,
                           by=self.admin)
        self.assertEqual((unit.name, Unit.objects.get_parent(unit)), ("区工信局", self.district))
        entry = AuditEntry.objects.get(action="unit_created")
        self.assertEqual((entry.actor, entry.object_id), (self.admin, str(unit.pk)))
        self.assertEqual(entry.after, {"code": "QC-GXJ", "name": "区工信局", "kind": "department", "parent": "QC"})

    def test_the_parent_kind_rules_are_enforced(self):
        allowed = [
            (UnitKind.GRID, "town"), (UnitKind.GRID, "community"), (UnitKind.SERVICE_CENTRE, "housing"),
            (UnitKind.DEPARTMENT, "housing"), (UnitKind.VILLAGE, "town"),
        ]
        refused = [
            (UnitKind.VILLAGE, "district"), (UnitKind.TOWN, "town"), (UnitKind.GRID, "housing"),
            (UnitKind.DISTRICT, "district"), (UnitKind.DEPARTMENT, "grid"), (UnitKind.DEPARTMENT, None),
        ]
        for number, (kind, parent) in enumerate(allowed):
            with self.subTest(kind=kind, parent=parent):
                unit = unit_create(code=f"OK-{number}", name="新单位", kind=kind, parent=getattr(self, parent),
                                   by=self.admin)
                self.assertEqual(Unit.objects.get_parent(unit), getattr(self, parent))
        for number, (kind, parent) in enumerate(refused):
            with self.subTest(kind=kind, parent=parent):
                parent_unit = getattr(self, parent) if parent else None
                with self.assertRaises(ValidationFailed) as raised:
                    unit_create(code=f"NO-{number}", name="新单位", kind=kind, parent=parent_unit, by=self.admin)
                self.assertEqual(raised.exception.field, "parent")
                self.assertFalse(Unit.objects.filter(code=f"NO-{number}").exists())

    def test_fields_are_validated_and_name_the_field(self):
        for code, name, kind, field in [
            ("QC 工信", "区工信局", UnitKind.DEPARTMENT, "code"),
            ("-QC", "区工信局", UnitKind.DEPARTMENT, "code"),
            ("X" * 41, "区工信局", UnitKind.DEPARTMENT, "code"),
            ("QC-GXJ", "  ", UnitKind.DEPARTMENT, "name"),
            ("QC-GXJ", "长" * 101, UnitKind.DEPARTMENT, "name"),
            ("QC-GXJ", "区工信局", "bureau", "kind"),
        ]:
            with self.subTest(code=code, name=name, kind=kind):
                with self.assertRaises(ValidationFailed) as raised:
                    unit_create(code=code, name=name, kind=kind, parent=self.district, by=self.admin)
                self.assertEqual(raised.exception.field, field)
        self.assertEqual(audit_actions(), [])

    def test_a_duplicate_code_is_a_conflict(self):
        with self.assertRaises(Conflict) as raised:
            unit_create(code="QC-ZJJ", name="又一个住建局", kind=UnitKind.DEPARTMENT, parent=self.district,
                        by=self.admin)
        self.assertEqual(raised.exception.field, "code")
        self.assertEqual(Unit.objects.filter(code="QC-ZJJ").count(), 1)

    def test_only_an_administrator_creates_units(self):
        for persona in ("dispatcher", "unit_leader", "town_leader", "district_leader"):
            with self.subTest(persona=persona), self.assertRaises(NotPermitted):
                unit_create(code="QC-GXJ", name="区工信局", kind=UnitKind.DEPARTMENT, parent=self.district,
                            by=getattr(self, persona))
        self.assertFalse(Unit.objects.filter(code="QC-GXJ").exists())
        self.assertEqual(audit_actions(), [])

    def test_unit_update_name_renames_and_validates(self):
        unit_update_name(self.housing, name=" 区住房和城乡建设局 ")
        self.housing.refresh_from_db()
        self.assertEqual(self.housing.name, "区住房和城乡建设局")
        with self.assertRaises(ValidationFailed):
            unit_update_name(self.housing, name="")


class PersonAddTests(DistrictTestCase):
    def test_a_new_account_has_an_unusable_password(self):
        user = person_add(username="chen", full_name=" 陈承办 ", phone="13800001111", email="chen@example.cn")
        user.refresh_from_db()
        self.assertEqual((user.full_name, user.phone), ("陈承办", "13800001111"))
        self.assertFalse(user.has_usable_password())
        self.assertFalse(user.is_staff)

    def test_bad_fields_and_duplicates_are_refused(self):
        with self.assertRaises(ValidationFailed) as raised:
            person_add(username="chen", full_name="陈承办", phone="12345")
        self.assertEqual(raised.exception.field, "phone")
        with self.assertRaises(Conflict):
            person_add(username="li", full_name="李承办")
        self.assertFalse(User.objects.filter(username="chen").exists())


class MembershipGrantTests(DistrictTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.newcomer = User.objects.create_user(username="chen", full_name="陈承办")

    def test_an_admin_grants_any_role_where_it_exists_with_an_audit_row(self):
        membership = membership_grant(user=self.newcomer, unit=self.district, role=Role.DISPATCHER, title="派单员",
                                      by=self.admin)
        self.assertEqual((membership.unit, membership.role), (self.district, Role.DISPATCHER))
        entry = AuditEntry.objects.get(action="role_granted")
        self.assertEqual(entry.actor, self.admin)
        self.assertEqual(entry.after, {"user": "chen", "unit": "QC", "role": "dispatcher", "title": "派单员"})

    def test_a_unit_leader_grants_a_handler_role_in_their_own_unit(self):
        membership_grant(user=self.newcomer, unit=self.housing, role=Role.HANDLER, by=self.unit_leader)
        self.assertTrue(Membership.objects.filter(user=self.newcomer, unit=self.housing, role=Role.HANDLER).exists())
        self.assertEqual(AuditEntry.objects.get(action="role_granted").actor, self.unit_leader)

    def test_a_town_leader_grants_a_grid_worker_role_in_their_subtree(self):
        membership_grant(user=self.newcomer, unit=self.grid, role=Role.GRID_WORKER, by=self.town_leader)
        self.assertTrue(Membership.objects.filter(user=self.newcomer, unit=self.grid).exists())

    def test_a_unit_leader_may_not_grant_a_dispatcher_role(self):
        with self.assertRaises(NotPermitted):
            membership_grant(user=self.newcomer, unit=self.town, role=Role.DISPATCHER, by=self.town_leader)
        self.assertFalse(self.newcomer.memberships.exists())

    def test_a_unit_leader_may_not_grant_outside_their_subtree(self):
        with self.assertRaises(NotPermitted):
            membership_grant(user=self.newcomer, unit=self.labour, role=Role.HANDLER, by=self.unit_leader)
        with self.assertRaises(NotPermitted):
            membership_grant(user=self.newcomer, unit=self.town, role=Role.HANDLER, by=self.unit_leader)
        self.assertFalse(self.newcomer.memberships.exists())
        self.assertEqual(audit_actions(), [])

    def test_handlers_and_dispatchers_may_not_grant(self):
        for persona in ("handler", "dispatcher", "supervisor", "nobody"):
            with self.subTest(persona=persona), self.assertRaises(NotPermitted):
                membership_grant(user=self.newcomer, unit=self.housing, role=Role.HANDLER, by=getattr(self, persona))

    def test_a_role_that_does_not_exist_in_that_kind_of_unit_is_refused(self):
        with self.assertRaises(ValidationFailed) as raised:
            membership_grant(user=self.newcomer, unit=self.grid, role=Role.HANDLER, by=self.admin)
        self.assertEqual(raised.exception.field, "role")
        with self.assertRaises(ValidationFailed):
            membership_grant(user=self.newcomer, unit=self.grid, role="chief", by=self.admin)
        self.assertFalse(self.newcomer.memberships.exists())

    def test_granting_the_same_role_twice_is_a_conflict(self):
        membership_grant(user=self.newcomer, unit=self.housing, role=Role.HANDLER, by=self.admin)
        with self.assertRaises(Conflict):
            membership_grant(user=self.newcomer, unit=self.housing, role=Role.HANDLER, by=self.admin)
        self.assertEqual(self.newcomer.memberships.count(), 1)

    def test_the_admin_role_brings_and_takes_the_staff_and_superuser_flags(self):
        first = membership_grant(user=self.newcomer, unit=self.district, role=Role.ADMIN, by=self.admin)
        self.newcomer.refresh_from_db()
        self.assertTrue(self.newcomer.is_staff and self.newcomer.is_superuser)
        second = membership_grant(user=self.newcomer, unit=self.housing, role=Role.ADMIN, by=self.admin)
        membership_revoke(first, by=self.admin)
        self.newcomer.refresh_from_db()
        self.assertTrue(self.newcomer.is_staff, "still an admin through the second membership")
        membership_revoke(second, by=self.admin)
        self.newcomer.refresh_from_db()
        self.assertFalse(self.newcomer.is_staff or self.newcomer.is_superuser)

    def test_a_grant_is_seen_at_once_by_the_access_module(self):
        self.assertFalse(decide(self.newcomer, Action.VIEW_UNIT))
        membership_grant(user=self.newcomer, unit=self.housing, role=Role.HANDLER, by=self.admin)
        self.assertTrue(decide(self.newcomer, Action.VIEW_UNIT))


class MembershipRevokeTests(DistrictTestCase):
    def test_a_unit_leader_revokes_a_handler_in_their_unit_with_an_audit_row(self):
        membership = Membership.objects.get(user=self.handler, unit=self.housing)
        membership_revoke(membership, by=self.unit_leader)
        self.assertFalse(Membership.objects.filter(pk=membership.pk).exists())
        entry = AuditEntry.objects.get(action="role_revoked")
        self.assertEqual(entry.before, {"user": "li", "unit": "QC-ZJJ", "role": "handler"})
        self.assertEqual(entry.actor, self.unit_leader)

    def test_revoking_is_refused_outside_the_subtree_and_for_other_roles(self):
        other = Membership.objects.get(user=self.other_handler)
        with self.assertRaises(NotPermitted):
            membership_revoke(other, by=self.unit_leader)
        dispatcher = membership_add(user=self.other_handler, unit=self.housing, role=Role.DISPATCHER)
        with self.assertRaises(NotPermitted):
            membership_revoke(dispatcher, by=self.unit_leader)
        self.assertEqual(Membership.objects.filter(pk__in=[other.pk, dispatcher.pk]).count(), 2)
        self.assertEqual(audit_actions(), [])
