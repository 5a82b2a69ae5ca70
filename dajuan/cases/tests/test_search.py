"""The case list's text search (cases.search): on SQLite an FTS5 trigram index narrows searches of three
characters or more; on every database the results are exactly the plain substring match
(`icontains` on title or content, or the exact number)."""

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from dajuan.cases import search
from dajuan.cases import transitions as t
from dajuan.cases.choices import RequesterKind, Source
from dajuan.cases.models import Case
from dajuan.cases.selectors import CaseFilters, case_list
from dajuan.testing import LoopTestCase

TEXTS = [
    ("小区电梯频繁停运", "东关小区3号楼电梯一周内停运四次，老人上下楼困难。"),
    ("厂区门前道路积水", "药都路88号厂区门前雨后积水半米，货车无法进出。"),
    ("Wi-Fi 信号差", "园区 WIFI 覆盖不到B区，工人无法打卡（APP 显示 \"离线\"）。"),
    ("烧烤店油烟直排", "人民路一家烧烤店油烟直排居民楼，100% 影响休息，_下划线_ 测试。"),
    ("Äpfel 摊位占道", "Straße 上的水果摊 ÄPFEL äpfel 占道经营 😀 表情。"),
    ("路灯损坏", "文化路南段连续6盏路灯不亮已半个月。"),
]
PATTERNS = [
    "电梯", "小区电梯", "电梯频繁停运", "积水半米", "wifi", "WiFi", "wi-fi", "WI-FI 信", "b区", "\"离线\"",
    "离线", "100%", "100% 影响", "_下划线_", "%", "_", "Äpfel", "äpfel", "ÄPFEL", "straße", "STRASSE", "😀 表",
    "路灯", "路灯不亮已", "火星基地", "ab", "a", "88号厂", "ÄPF", "äpf", "门前雨后积水半米，货车", "i 信",
]


class SearchTests(LoopTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.made = [t.register(title=title, content=content, source=Source.HOTLINE,
                               requester_kind=RequesterKind.CITIZEN, requester_name="孙女士", by=cls.dispatcher)
                    for title, content in TEXTS]

    def expected(self, text: str) -> set[int]:
        """The plain substring semantics, without any index."""
        plain = Q(number=text) | Q(title__icontains=text) | Q(content__icontains=text)
        return set(Case.objects.filter(plain).values_list("pk", flat=True))

    def found(self, text: str) -> set[int]:
        """What the case list finds for the dispatcher (who sees every case but the confidential ones)."""
        return set(case_list(self.dispatcher, CaseFilters(text=text)).values_list("pk", flat=True))

    @staticmethod
    def expected_q(text):
        return Q(number=text) | search.text_matches(text)

    def test_results_equal_the_plain_substring_match(self):
        for text in PATTERNS + [c.number for c in self.made[:2]]:
            with self.subTest(text=text):
                self.assertEqual(set(Case.objects.filter(self.expected_q(text)).values_list("pk", flat=True)),
                                 self.expected(text))
                visible = self.expected(text) - set(Case.objects.confidential().values_list("pk", flat=True))
                self.assertEqual(self.found(text), visible)
        self.assertTrue(self.expected("电梯"))  # the patterns do find things

    def test_sqlite_serves_long_searches_from_the_index_and_short_ones_by_like(self):
        long_sql = str(Case.objects.filter(search.text_matches("积水半米")).query)
        short_sql = str(Case.objects.filter(search.text_matches("积水")).query)
        self.assertNotIn(search.FTS_TABLE, short_sql)
        self.assertEqual(search.FTS_TABLE in long_sql, connection.vendor == "sqlite")

    def test_a_search_matching_many_rows_takes_the_ordered_scan_with_the_same_results(self):
        """Above the candidate limit the index is not used for the list; the rows are the same."""
        for text in ["小区电梯", "路灯不亮", "äpfel"]:
            with self.subTest(text=text):
                crowded = search.text_matches(text, candidate_limit=0)
                self.assertNotIn(search.FTS_TABLE, str(Case.objects.filter(crowded).query))
                self.assertEqual(set(Case.objects.filter(crowded).values_list("pk", flat=True)),
                                 set(Case.objects.filter(search.text_matches(text)).values_list("pk", flat=True)))

    def test_the_index_follows_inserts_updates_and_deletes(self):
        case = self.made[0]
        Case.objects.filter(pk=case.pk).update(title="消防通道被占用")
        self.assertEqual(set(Case.objects.filter(search.text_matches("消防通道")).values_list("pk", flat=True)),
                         {case.pk})
        self.assertFalse(Case.objects.filter(search.text_matches("频繁停运")).exists())
        fresh = t.register(title="下水道堵塞污水外溢", content="和平路口下水道堵塞。", source=Source.HOTLINE,
                           requester_kind=RequesterKind.CITIZEN, requester_name="孙女士", by=self.dispatcher)
        self.assertEqual(set(Case.objects.filter(search.text_matches("污水外溢")).values_list("pk", flat=True)),
                         {fresh.pk})
        # A bare row (no ledger, so that it can be deleted) leaves the index with its row.
        [bare] = Case.objects.bulk_create([Case(number="T-000001", title="临时测试行", content="井盖缺失需要更换",
                                                source=Source.HOTLINE, requester_kind=RequesterKind.CITIZEN,
                                                registered_at=timezone.now())])
        self.assertTrue(Case.objects.filter(search.text_matches("井盖缺失")).exists())
        Case.objects.filter(pk=bare.pk)._raw_delete(Case.objects.db)
        self.assertFalse(Case.objects.filter(search.text_matches("井盖缺失")).exists())
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH %s",
                               ['"井盖缺失"'])
                self.assertEqual(cursor.fetchone()[0], 0)
                cursor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rank) VALUES "
                               "('integrity-check', 1)")  # raises if the index and cases_case disagree

    def test_a_lost_trigger_is_restored_with_a_rebuild(self):
        if connection.vendor != "sqlite":
            self.assertFalse(search.ensure_sqlite_index(connection))
            return
        self.assertFalse(search.ensure_sqlite_index(connection))  # complete: nothing to do
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER cases_case_fts_ai")
        t.register(title="菜市场占道经营", content="早市摊贩占道。", source=Source.HOTLINE,
                   requester_kind=RequesterKind.CITIZEN, requester_name="孙女士", by=self.dispatcher)
        self.assertTrue(search.ensure_sqlite_index(connection))
        self.assertEqual(Case.objects.filter(search.text_matches("菜市场占道")).count(), 1)
