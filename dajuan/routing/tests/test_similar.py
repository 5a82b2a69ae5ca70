"""Similar cases (scoped by access) and near-duplicates merged through the loop."""

from datetime import timedelta

from django.utils import timezone

from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, RequesterKind, Source, Verb
from dajuan.core.errors import NotPermitted
from dajuan.routing import similar
from dajuan.routing.tests.history import build_confidential_history, build_history
from dajuan.testing import LoopTestCase

GARDEN = "花园小区3号楼电梯停运两周，物业不予维修，老人无法下楼。"
PROBE = "东关小区电梯停运，物业不予维修，老人上下楼困难。"
LIFT = "东关小区3号楼电梯停运两周，物业不予维修。"


class SimilarCasesTests(LoopTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.history = build_history(cls, per_class=6)
        cls.secret_cases, _category, _unit = build_confidential_history(cls, count=3)
        cls.lift = transitions.register(title="花园小区电梯停运两周", content=GARDEN, source=Source.HOTLINE,
                                        requester_kind=RequesterKind.CITIZEN, requester_name="市民",
                                        by=cls.dispatcher, at=timezone.now() - timedelta(days=20))
        transitions.dispatch(cls.lift, lead_unit=cls.housing, category=cls.property_mgmt, by=cls.dispatcher)
        transitions.claim(cls.lift.assignments.get(), by=cls.handler)
        transitions.reply(cls.lift, text="已督促物业公司维修电梯，三日内恢复运行。", by=cls.handler)

    def setUp(self):
        similar.reset_index()

    def probe(self, **extra):
        return transitions.register(title="东关小区电梯停运", content=PROBE, source=Source.HOTLINE,
                                    requester_kind=RequesterKind.CITIZEN, requester_name="市民",
                                    by=self.dispatcher, **extra)

    def test_most_similar_case_comes_first_with_its_reply(self):
        found = similar.similar_cases(self.dispatcher, self.probe(), k=3)
        self.assertEqual(found[0].case, self.lift)
        self.assertEqual(found[0].reply, "已督促物业公司维修电梯，三日内恢复运行。")
        self.assertGreater(found[0].score, found[-1].score - 1e-9)

    def test_cases_registered_after_the_build_are_found(self):
        similar.case_index()
        first = self.probe()
        second = transitions.register(title="东关小区电梯停运", content=PROBE, source=Source.HOTLINE,
                                      requester_kind=RequesterKind.CITIZEN, requester_name="市民", by=self.dispatcher)
        found = similar.similar_cases(self.dispatcher, second, k=3)
        self.assertEqual(found[0].case, first)
        self.assertEqual(found[0].score, 1.0)

    def test_nobody_sees_a_case_they_may_not_see(self):
        """The confidential cases are the closest texts, yet only inspectors are shown them; the other
        unit's handler sees none of the housing cases."""
        probe = transitions.register(title="举报干部吃拿卡要", content="企业反映办理许可时某科长索要好处费。",
                                     source=Source.HOTLINE, requester_kind=RequesterKind.CITIZEN,
                                     requester_name="市民", by=self.dispatcher)
        secret = {c.pk for c in self.secret_cases}
        self.assertFalse(secret & {s.case.pk for s in similar.similar_cases(self.dispatcher, probe, k=10)})
        transitions.dispatch(probe, lead_unit=self.labour, category=self.jobs, by=self.dispatcher)
        shown = similar.similar_cases(self.other_handler, probe, k=10)
        self.assertFalse(secret & {s.case.pk for s in shown})
        self.assertTrue(all(s.case.lead_unit == self.labour for s in shown))
        inspector_view = similar.similar_cases(self.fresh(self.inspector), probe, k=3)
        self.assertTrue(secret & {s.case.pk for s in inspector_view})

    def test_only_those_who_see_the_case_may_ask(self):
        with self.assertRaises(NotPermitted):
            similar.similar_cases(self.other_handler, self.lift)


class DuplicateTests(LoopTestCase):
    def setUp(self):
        similar.reset_index()

    def register(self, phone="13900001111", address="东关小区3号楼", days_ago=0, text=LIFT):
        return transitions.register(title="电梯停运", content=text, source=Source.HOTLINE, address=address,
                                    requester_kind=RequesterKind.CITIZEN, requester_name="市民", requester_phone=phone,
                                    by=self.dispatcher, at=timezone.now() - timedelta(days=days_ago))

    def test_same_requester_same_text_is_flagged_and_merged_in_one_click(self):
        first = self.register(days_ago=2)
        second = self.register(address="", text="东关小区3号楼电梯停运两周了，物业不予维修！")
        flagged = similar.duplicates_for(self.dispatcher, second)
        self.assertEqual([d.case for d in flagged], [first])
        self.assertGreaterEqual(flagged[0].score, 0.5)
        transitions.merge(second, into=flagged[0].case, by=self.dispatcher)
        second = self.reload(second)
        self.assertEqual(second.status, CaseStatus.MERGED)
        self.assertEqual(second.duplicate_of, first)
        self.assertEqual(self.verbs(second)[-1], Verb.MERGED)

    def test_same_place_counts_like_same_requester(self):
        first = self.register(phone="13900002222", days_ago=1)
        second = self.register(phone="13900003333")
        self.assertEqual([d.case for d in similar.duplicates_for(self.dispatcher, second)], [first])

    def test_not_flagged_when_someone_else_elsewhere_or_long_ago_or_different(self):
        self.register(phone="13900002222", address="花园小区", days_ago=1)  # someone else, elsewhere
        self.register(days_ago=90)  # outside the window
        self.register(text="东关小区3号楼门口路灯不亮，晚上出行不便，请修理。", days_ago=1)  # another problem
        second = self.register()
        self.assertEqual(similar.duplicates_for(self.dispatcher, second), [])

    def test_only_those_who_may_merge_see_duplicates(self):
        with self.assertRaises(NotPermitted):
            similar.duplicates_for(self.handler, self.case)


class SnapshotTests(LoopTestCase):
    """`warm_routing` writes the index; a fresh process loads it instead of building, adds the cases
    registered since, and never reads a snapshot of another database."""

    def setUp(self):
        import tempfile

        from django.test import override_settings

        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = f"{folder.name}/index.npz"
        overridden = override_settings(DAJUAN_SIMILARITY_SNAPSHOT=self.path)
        overridden.enable()
        self.addCleanup(overridden.disable)
        similar.reset_index()
        self.addCleanup(similar.reset_index)

    def register(self, content, title="东关小区电梯停运"):
        return transitions.register(title=title, content=content, source=Source.HOTLINE,
                                    requester_kind=RequesterKind.CITIZEN, requester_name="市民", by=self.dispatcher)

    def test_a_process_loads_the_snapshot_and_adds_later_cases(self):
        from io import StringIO

        from django.core.management import call_command

        from dajuan.cases.models import Case

        lift = self.register(LIFT)
        self.register("路灯不亮，夜间出行不便。", title="路灯不亮")
        out = StringIO()
        call_command("warm_routing", stdout=out)
        before = Case.objects.count()
        self.assertIn(f"{before} cases indexed", out.getvalue())
        later = self.register(PROBE)
        with self.assertLogs("dajuan.routing.similar", "INFO") as logs:
            index = similar.case_index()
        self.assertIn(f"loaded the similar-case index snapshot at {self.path} ({before} cases)", logs.output[0])
        self.assertEqual(len(index), before + 1)
        self.assertEqual([pk for pk, _score in index.query(LIFT, k=1)], [lift.pk])
        self.assertEqual(index.query(PROBE, k=1)[0], (later.pk, 1.0))

    def test_a_snapshot_of_another_database_is_ignored(self):
        self.register(LIFT)
        similar.index_snapshot_write()
        from dajuan.routing.similarity import SimilarityIndex

        index, meta = SimilarityIndex.load(self.path)
        index.save(self.path, meta={**meta, "fingerprint": "another database"})
        from dajuan.cases.models import Case

        with self.assertLogs("dajuan.routing.similar", "INFO") as logs:
            self.assertEqual(len(similar.case_index()), Case.objects.count())
        self.assertIn("is of another database: building the index", logs.output[0])

    def test_a_missing_or_damaged_snapshot_means_a_build(self):
        self.register(LIFT)
        with open(self.path, "wb") as f:
            f.write(b"not an index")
        from dajuan.cases.models import Case

        with self.assertLogs("dajuan.routing.similar", "INFO") as logs:
            self.assertEqual(len(similar.case_index()), Case.objects.count())
        self.assertIn("no similar-case index snapshot", logs.output[0])
