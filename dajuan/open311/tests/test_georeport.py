"""GeoReport v2 through Django's test client: formats, content types, filters, POST, errors."""

from datetime import timedelta
from xml.etree import ElementTree as ET

from django.urls import reverse
from django.utils import timezone

from dajuan.accounts.services import api_token_create
from dajuan.cases import transitions
from dajuan.cases.choices import Source
from dajuan.cases.models import Case
from dajuan.intake.models import Intake
from dajuan.intake.services import case_register
from dajuan.intake.testing import IntakeTestCase
from dajuan.open311.models import ServiceAttribute

BASE = "/open311/v2/"


class GeoReportTestCase(IntakeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.key = api_token_create(user=cls.dispatcher, name="open311", by=cls.dispatcher)[1]
        cls.property_mgmt.external_code = "PM-01"
        cls.property_mgmt.save(update_fields=["external_code"])
        ServiceAttribute.objects.create(category=cls.property_mgmt, code="floor", description="几楼", order=1,
                                        datatype=ServiceAttribute.Datatype.NUMBER, required=True)
        ServiceAttribute.objects.create(category=cls.property_mgmt, code="kind", description="问题类型", order=2,
                                        datatype=ServiceAttribute.Datatype.SINGLEVALUELIST,
                                        values=[{"key": "lift", "name": "电梯"}, {"key": "water", "name": "供水"}])
        cls.o311_case = case_register(by=cls.dispatcher, channel=Source.OPEN311, title="楼道灯坏", content="楼道灯坏了",
                                      requester_name="市民", requester_phone="13600001111", address="东关路1号",
                                      category=cls.property_mgmt)

    def post(self, **data):
        body = {"api_key": self.key, "service_code": "PM-01", "lat": "33.8446", "long": "115.7794",
                "description": "3号楼电梯停运", "first_name": "明", "last_name": "李", "phone": "13611112222",
                "attribute[floor]": "3", "attribute[kind]": "lift"}
        body.update(data)
        return self.client.post(BASE + "requests.json", {k: v for k, v in body.items() if v is not None})

    def assertSpecError(self, response, status):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/json")
        [entry] = response.json()
        self.assertEqual(entry["code"], status)
        self.assertTrue(entry["description"])


class FormatTests(GeoReportTestCase):
    def test_every_resource_in_both_formats_with_exact_content_types(self):
        paths = ["discovery", "services", "services/PM-01", "requests", f"requests/{self.web_case.number}",
                 f"tokens/{self.web_case.intake.tracking_code}"]
        for path in paths:
            with self.subTest(path=path):
                as_json = self.client.get(f"{BASE}{path}.json")
                self.assertEqual(as_json.status_code, 200, as_json.content)
                self.assertEqual(as_json["Content-Type"], "application/json")
                as_json.json()
                as_xml = self.client.get(f"{BASE}{path}.xml")
                self.assertEqual(as_xml["Content-Type"], "text/xml")
                ET.fromstring(as_xml.content)

    def test_services_list_categories_and_definitions_carry_attributes(self):
        services = {s["service_code"]: s for s in self.client.get(BASE + "services.json").json()}
        self.assertTrue(services["PM-01"]["metadata"])
        self.assertFalse(services["LD"]["metadata"])
        definition = self.client.get(BASE + "services/PM-01.json").json()
        self.assertEqual([a["code"] for a in definition["attributes"]], ["floor", "kind"])
        self.assertEqual(definition["attributes"][1]["values"][0], {"key": "lift", "name": "电梯"})
        xml = ET.fromstring(self.client.get(BASE + "services/PM-01.xml").content)
        self.assertEqual(xml.find("attributes/attribute/code").text, "floor")
        self.assertSpecError(self.client.get(BASE + "services/NOPE.json"), 404)

    def test_the_public_feed_never_shows_hotline_confidential_or_requesters(self):
        feed = self.client.get(BASE + "requests.json").json()
        self.assertEqual({r["service_request_id"] for r in feed}, {self.web_case.number, self.o311_case.number})
        self.assertNotIn("13900001234", self.client.get(BASE + "requests.json").content.decode())
        self.assertSpecError(self.client.get(f"{BASE}requests/{self.case.number}.json"), 404)
        keyed = self.client.get(f"{BASE}requests/{self.case.number}.json", {"api_key": self.key})
        self.assertEqual(keyed.json()[0]["service_request_id"], self.case.number)
        self.assertSpecError(self.client.get(f"{BASE}requests/{self.confidential_case.number}.json",
                                             {"api_key": self.key}), 404)
        self.assertSpecError(self.client.get(BASE + "requests.json", {"api_key": "dj_forged"}), 403)

    def test_status_maps_to_open_and_closed_and_expected_is_the_reply_deadline(self):
        transitions.reject(self.o311_case, reason="不属于本区受理范围", by=self.dispatcher)
        feed = {r["service_request_id"]: r for r in self.client.get(BASE + "requests.json").json()}
        self.assertEqual(feed[self.o311_case.number]["status"], "closed")
        self.assertEqual(feed[self.o311_case.number]["status_notes"], "不属于本区受理范围")
        web = feed[self.web_case.number]
        self.assertEqual(web["status"], "open")
        self.assertEqual(web["expected_datetime"], self.reload(self.web_case).reply_due.isoformat())
        self.assertEqual(web["agency_responsible"], "区住建局")
        closed = self.client.get(BASE + "requests.json", {"status": "closed"}).json()
        self.assertEqual([r["service_request_id"] for r in closed], [self.o311_case.number])

    def test_filters_and_their_errors(self):
        ids = self.client.get(BASE + "requests.json", {"service_request_id": f"{self.web_case.number},X"}).json()
        self.assertEqual([r["service_request_id"] for r in ids], [self.web_case.number])
        self.assertEqual(len(self.client.get(BASE + "requests.json", {"service_code": "LD"}).json()), 0)
        old = (timezone.now() - timedelta(days=200)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(self.client.get(BASE + "requests.json", {"end_date": old}).json(), [])
        start = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(len(self.client.get(BASE + "requests.json", {"start_date": start}).json()), 2)
        self.assertSpecError(self.client.get(BASE + "requests.json", {"start_date": old, "end_date": start}), 400)
        self.assertSpecError(self.client.get(BASE + "requests.json", {"start_date": "yesterday"}), 400)
        self.assertSpecError(self.client.get(BASE + "requests.json", {"status": "pending"}), 400)
        self.assertEqual(self.client.get(BASE + "requests.txt").status_code, 404)


class PostTests(GeoReportTestCase):
    def test_post_registers_an_open311_case(self):
        response = self.post()
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response["Content-Type"], "application/json")
        [out] = response.json()
        case = Case.objects.get(number=out["service_request_id"])
        self.assertEqual((case.source, case.category, case.requester_name), ("open311", self.property_mgmt, "李 明"))
        self.assertIn("几楼: 3", case.content)
        self.assertEqual(out["token"], case.intake.tracking_code)
        token = self.client.get(f"{BASE}tokens/{out['token']}.json").json()
        self.assertEqual(token, [{"service_request_id": case.number, "token": out["token"]}])

    def test_xml_post_answers_in_xml(self):
        body = {"api_key": self.key, "service_code": "PM-01", "address_string": "东关路3号", "description": "漏水",
                "attribute[floor]": "2", "phone": "13611113333"}
        response = self.client.post(BASE + "requests.xml", body)
        self.assertEqual((response.status_code, response["Content-Type"]), (201, "text/xml"))
        self.assertTrue(ET.fromstring(response.content).find("request/service_request_id").text)

    def test_bad_posts_get_the_error_list_and_write_nothing(self):
        before = Case.objects.count()
        bad = [
            ({"api_key": None}, 403),
            ({"api_key": "dj_forged_key"}, 403),
            ({"service_code": None}, 400),
            ({"service_code": "NOPE"}, 400),
            ({"lat": None, "long": None}, 400),
            ({"lat": "north"}, 400),
            ({"lat": "48.85", "long": "2.35"}, 400),  # Paris
            ({"description": None}, 400),
            ({"description": "  "}, 400),
            ({"attribute[floor]": None}, 400),
            ({"attribute[floor]": "third"}, 400),
            ({"attribute[kind]": "fire"}, 400),
            ({"attribute[colour]": "red"}, 400),
            ({"phone": "not a phone"}, 400),
            ({"description": "长" * 20001}, 400),
        ]
        for data, status in bad:
            with self.subTest(data={k: str(v)[:20] for k, v in data.items()}):
                self.assertSpecError(self.post(**data), status)
        self.assertEqual(Case.objects.count(), before)
        xml = self.client.post(BASE + "requests.xml", {"service_code": "PM-01"})
        self.assertEqual((xml.status_code, xml["Content-Type"]), (403, "text/xml"))
        self.assertEqual(ET.fromstring(xml.content).find("error/code").text, "403")


class MediaUrlTests(GeoReportTestCase):
    URL = "https://pic.bozhou.gov.cn/open311/电梯.jpg?id=7&size=l"

    def test_media_url_round_trips_through_get_in_json_and_xml(self):
        number = self.post(media_url=self.URL).json()[0]["service_request_id"]
        self.assertEqual(Intake.objects.get(case__number=number).media_url, self.URL)
        one = self.client.get(f"{BASE}requests/{number}.json", {"api_key": self.key}).json()[0]
        self.assertEqual(one["media_url"], self.URL)
        listed = {r["service_request_id"]: r for r in self.client.get(BASE + "requests.json").json()}
        self.assertEqual(listed[number]["media_url"], self.URL)
        self.assertIsNone(listed[self.o311_case.number]["media_url"])  # none given: null, as before
        xml = ET.fromstring(self.client.get(f"{BASE}requests/{number}.xml").content)
        self.assertEqual(xml.find("request/media_url").text, self.URL)
        posted = self.client.post(BASE + "requests.xml", {
            "api_key": self.key, "service_code": "PM-01", "address_string": "东关路3号", "description": "漏水",
            "attribute[floor]": "2", "phone": "13611113333", "media_url": self.URL})
        number = ET.fromstring(posted.content).find("request/service_request_id").text
        xml = ET.fromstring(self.client.get(f"{BASE}requests.xml", {"service_request_id": number}).content)
        self.assertEqual(xml.find("request/media_url").text, self.URL)

    def test_bad_media_urls_get_400_naming_the_field_and_write_nothing(self):
        before = (Case.objects.count(), Intake.objects.count())
        for url in ["ftp://pic.example.com/a.jpg", "/media/a.jpg", "https://pic.example.com/" + "a" * 477,
                    "https://admin:secret@pic.example.com/a.jpg", "javascript:alert(1)",
                    "https://pic.example.com/a\r\nb.jpg"]:
            for fmt in ("json", "xml"):
                with self.subTest(url=url[:40], fmt=fmt):
                    body = {"api_key": self.key, "service_code": "PM-01", "address_string": "东关路3号",
                            "description": "漏水", "attribute[floor]": "2", "phone": "13611113333", "media_url": url}
                    response = self.client.post(f"{BASE}requests.{fmt}", body)
                    self.assertEqual(response.status_code, 400, response.content)
                    if fmt == "json":
                        [entry] = response.json()
                    else:
                        node = ET.fromstring(response.content).find("error")
                        entry = {"code": int(node.find("code").text), "description": node.find("description").text}
                    self.assertEqual(entry["code"], 400)
                    self.assertTrue(entry["description"].startswith("media_url: "), entry["description"])
        self.assertEqual((Case.objects.count(), Intake.objects.count()), before)

    def test_the_public_tracking_page_does_not_show_the_media_url(self):
        token = self.post(media_url=self.URL).json()[0]["token"]
        lookup = self.client.post(reverse("intake:track-lookup"), {"code": token, "phone_last4": "2222"})
        self.assertRedirects(lookup, reverse("intake:track-detail", args=[token]))
        page = self.client.get(reverse("intake:track-detail", args=[token]))
        self.assertContains(page, "3号楼电梯停运")
        self.assertNotContains(page, "pic.bozhou.gov.cn")
