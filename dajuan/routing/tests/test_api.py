"""Dispatch intelligence over the API: suggestions, similar cases and duplicates, scoped by access."""

from dajuan.api.tests.test_api import ApiTestCase
from dajuan.cases import transitions
from dajuan.cases.choices import RequesterKind, Source
from dajuan.routing import similar
from dajuan.routing.tests.history import build_history
from dajuan.routing.training import router_train


class RoutingApiTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        build_history(cls, per_class=8)

    def setUp(self):
        similar.reset_index()

    def test_suggestions_for_a_dispatcher_with_confidence(self):
        router_train(by=self.dispatcher)
        case = transitions.register(title="拖欠工资", content="公司拖欠工资三个月，社保断缴。", source=Source.HOTLINE,
                                    requester_kind=RequesterKind.CITIZEN, requester_name="市民", by=self.dispatcher)
        response = self.call("get", f"/cases/{case.number}/suggestions")
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["model_version"], 1)
        self.assertEqual(body["units"][0]["code"], "QC-RSJ")
        self.assertEqual(body["categories"][0]["code"], "LD")
        self.assertGreater(body["units"][0]["confidence"], 0.5)

    def test_suggestions_are_refused_to_a_handler_and_unseen_cases_are_404(self):
        self.assertError(self.call("get", f"/cases/{self.case.number}/suggestions", as_="handler"), 403,
                         "not_permitted")
        self.assertEqual(self.call("get", f"/cases/{self.confidential_case.number}/similar").status_code, 404)

    def test_similar_and_duplicates(self):
        fields = {"title": "电梯停运", "content": "东关小区3号楼电梯停运两周，物业不予维修。",
                  "address": "东关小区3号楼", "source": Source.HOTLINE, "requester_kind": RequesterKind.CITIZEN,
                  "requester_name": "市民"}
        first = transitions.register(by=self.dispatcher, **fields)
        second = transitions.register(by=self.dispatcher, **fields)
        found = self.call("get", f"/cases/{second.number}/similar?k=3").json()
        self.assertEqual(found[0]["number"], first.number)
        dupes = self.call("get", f"/cases/{second.number}/duplicates").json()
        self.assertEqual([d["number"] for d in dupes], [first.number])
        self.assertError(self.call("get", f"/cases/{self.case.number}/duplicates", as_="handler"), 403,
                         "not_permitted")
