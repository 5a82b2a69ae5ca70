from django.utils import timezone

from dajuan.access.actions import Action
from dajuan.access.policy import decide, visible_inspections, visible_notices
from dajuan.supervision.models import FieldVisit, Notice
from dajuan.testing import PERSONAS, LoopTestCase


class NoticeAndInspectionScopeTests(LoopTestCase):
    def test_drafts_are_for_supervisors_published_notices_for_all_staff(self):
        draft = Notice.objects.create(title="草稿", commentary="c", created_by=self.supervisor,
                                      created_at=timezone.now())
        published = Notice.objects.create(title="已发布", commentary="c", created_by=self.supervisor,
                                          created_at=timezone.now(), published_at=timezone.now())
        for persona in PERSONAS:
            user = self.fresh(getattr(self, persona))
            with self.subTest(persona=persona):
                self.assertIs(bool(decide(user, Action.VIEW_NOTICE, draft)), persona == "supervisor")
                self.assertTrue(decide(user, Action.VIEW_NOTICE, published))
                expected = {draft, published} if persona == "supervisor" else {published}
                self.assertEqual(set(visible_notices(user)), expected)
        self.assertFalse(visible_notices(self.requester).exists())

    def test_inspections_are_listed_for_exactly_those_allowed_to_view_them(self):
        FieldVisit.objects.create(kind="joint", title="t", visited_on=timezone.localdate(), place="p",
                                  unit=self.housing, created_by=self.supervisor, created_at=timezone.now())
        for persona in [*PERSONAS, "nobody", "requester"]:
            user = self.fresh(getattr(self, persona))
            with self.subTest(persona=persona):
                self.assertEqual(visible_inspections(user).exists(), bool(decide(user, Action.VIEW_INSPECTIONS)))
