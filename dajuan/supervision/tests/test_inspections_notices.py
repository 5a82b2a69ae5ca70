import tempfile
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from dajuan.cases.choices import Source
from dajuan.core.errors import Conflict, NotPermitted, ValidationFailed
from dajuan.core.models import AuditEntry
from dajuan.notify.models import Message
from dajuan.supervision.inspections import finding_open_case, visit_record
from dajuan.supervision.models import FieldVisit
from dajuan.supervision.notices import notice_create, notice_publish
from dajuan.testing import LoopTestCase

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="dajuan-test-media-"))
class VisitTests(LoopTestCase):
    def record(self, **overrides):
        values = {"kind": "undercover", "title": "政务服务中心暗访", "visited_on": date(2026, 3, 5),
                  "place": "区政务服务中心", "unit": self.housing,
                  "findings": ["窗口人员脱岗20分钟", "", "办事指南未更新"],
                  "photos": [SimpleUploadedFile("window.png", PNG)], "by": self.supervisor}
        return visit_record(**values | overrides)

    def test_a_visit_keeps_its_findings_and_photos_and_a_finding_opens_one_case(self):
        visit = self.record()
        self.assertEqual([f.text for f in visit.findings.all()], ["窗口人员脱岗20分钟", "办事指南未更新"])
        self.assertEqual(visit.photos.get().content_type, "image/png")
        finding = visit.findings.first()
        case = finding_open_case(finding, category=self.property_mgmt, by=self.supervisor)
        self.assertEqual((case.source, case.status), (Source.SUPERVISION, "received"))
        self.assertEqual(finding_open_case(finding, by=self.supervisor).pk, case.pk)

    def test_bad_input_names_the_field_and_writes_nothing(self):
        for overrides, field in [({"kind": "x"}, "kind"), ({"title": " "}, "title"),
                                 ({"visited_on": timezone.localdate() + timedelta(days=2)}, "visited_on"),
                                 ({"findings": ["", " "]}, "findings"),
                                 ({"photos": [SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%...")]}, "photos"),
                                 ({"unit": None}, "unit")]:
            with self.subTest(field=field), self.assertRaises(ValidationFailed) as raised:
                self.record(**overrides)
            self.assertEqual(raised.exception.field, field)
        self.assertFalse(FieldVisit.objects.exists())

    def test_only_supervisors_record(self):
        with self.assertRaises(NotPermitted):
            self.record(by=self.district_leader)


class NoticeTests(LoopTestCase):
    def test_compose_then_publish_once_to_unit_leaders_and_district_leaders(self):
        notice = notice_create(title="关于电梯维修推诿问题的通报", kind="criticism",
                               commentary="住建局推诿扯皮，限期整改。",
                               case_numbers=[self.case.number], comments={self.case.number: "拖延两周"},
                               by=self.supervisor)
        self.assertFalse(notice.is_published)
        notice_publish(notice, by=self.supervisor)
        self.assertEqual(list(notice.units.all()), [self.housing])
        self.assertEqual(set(Message.objects.filter(key=f"notice:{notice.pk}").values_list("recipient", flat=True)),
                         {self.unit_leader.pk, self.district_leader.pk})
        self.assertTrue(AuditEntry.objects.filter(action="notice_published", object_id=str(notice.pk)).exists())
        with self.assertRaises(Conflict):
            notice_publish(notice, by=self.supervisor)

    def test_cases_must_exist_and_not_be_confidential(self):
        for numbers in (["2026-999999"], [self.confidential_case.number], []):
            with self.subTest(numbers=numbers), self.assertRaises(ValidationFailed) as raised:
                notice_create(title="t", kind="typical", commentary="c", case_numbers=numbers, by=self.supervisor)
            self.assertEqual(raised.exception.field, "cases")
        with self.assertRaises(NotPermitted):
            notice_create(title="t", kind="typical", commentary="c", case_numbers=[self.case.number],
                          by=self.dispatcher)
