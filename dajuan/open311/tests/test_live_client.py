"""The `georeport` client from PyPI (a real Open311 client) against a live server on 127.0.0.1, in JSON
and XML. It has no submit call, so POST goes through `requests`, as any integrator's code would."""

import requests
from django.test import LiveServerTestCase
from georeport import GeoReport

from dajuan.accounts.services import api_token_create
from dajuan.cases import transitions
from dajuan.cases.choices import LimitUnit, Priority
from dajuan.cases.models import Case, Category, DeadlinePolicy
from dajuan.open311.models import ServiceAttribute
from dajuan.testing import build_cast

MEDIA_URL = "https://pic.bozhou.gov.cn/open311/电梯.jpg?id=7&size=l"


class GeoReportClientTests(LiveServerTestCase):
    host = "127.0.0.1"

    def setUp(self):
        build_cast(self)
        self.category = Category.objects.create(code="JS-WY", name="物业管理", default_lead_unit=self.housing)
        ServiceAttribute.objects.create(category=self.category, code="floor", description="几楼",
                                        datatype=ServiceAttribute.Datatype.NUMBER, required=True)
        DeadlinePolicy.objects.create(category=None, priority=Priority.NORMAL, reply_limit=5,
                                      limit_unit=LimitUnit.WORKING_DAYS)
        self.key = api_token_create(user=self.dispatcher, name="open311", by=self.dispatcher)[1]
        self.root = f"{self.live_server_url}/open311/v2"

    def submit(self, fmt: str) -> str:
        response = requests.post(f"{self.root}/requests.{fmt}", data={
            "api_key": self.key, "service_code": "JS-WY", "lat": "33.8446", "long": "115.7794",
            "description": "3号楼电梯停运两周", "phone": "13611112222", "attribute[floor]": "3",
            "media_url": MEDIA_URL}, timeout=10)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.headers["Content-Type"], "application/json" if fmt == "json" else "text/xml")
        return response.json()[0]["service_request_id"] if fmt == "json" else response.text

    def test_the_georeport_client_reads_what_we_serve_in_json(self):
        number = self.submit("json")
        client = GeoReport(self.root, output_format="json")
        self.assertEqual([s["service_code"] for s in client.get_service_list()], ["JS-WY"])
        self.assertEqual(client.get_service_definition("JS-WY")["attributes"][0]["code"], "floor")
        listed = client.get_service_requests(status="open")
        self.assertEqual([r["service_request_id"] for r in listed], [number])
        one = client.get_service_request(number)
        self.assertEqual((one["status"], one["service_code"], one["lat"]), ("open", "JS-WY", 33.8446))
        self.assertEqual(one["media_url"], MEDIA_URL)
        self.assertEqual(listed[0]["media_url"], MEDIA_URL)
        transitions.dispatch(get_case(number), lead_unit=self.housing, by=self.dispatcher)
        self.assertTrue(client.get_service_request(number)["expected_datetime"])
        self.assertEqual(client.get_service_requests(status="closed"), [])

    def test_the_georeport_client_reads_what_we_serve_in_xml(self):
        self.submit("xml")
        client = GeoReport(self.root, output_format="xml")
        service = client.get_service_list()
        self.assertEqual(service["service_code"], "JS-WY")  # xmltodict: one element is a dict
        self.assertEqual(client.get_service_definition("JS-WY")["attributes"]["attribute"]["code"], "floor")
        request = client.get_service_requests()
        self.assertEqual(request["status"], "open")
        one = client.get_service_request(request["service_request_id"])
        self.assertEqual((one["service_code"], one["media_url"]), ("JS-WY", MEDIA_URL))
        self.assertEqual(request["media_url"], MEDIA_URL)

    def test_errors_reach_the_client_as_http_errors(self):
        client = GeoReport(self.root, output_format="json")
        with self.assertRaises(requests.HTTPError) as caught:
            client.get_service_definition("NOPE")
        self.assertEqual(caught.exception.response.status_code, 404)
        self.assertEqual(caught.exception.response.json()[0]["code"], 404)
        refused = requests.post(f"{self.root}/requests.json", data={"service_code": "JS-WY"}, timeout=10)
        self.assertEqual(refused.status_code, 403)
        bad = requests.post(f"{self.root}/requests.json", data={
            "api_key": self.key, "service_code": "JS-WY", "address_string": "东关路3号", "description": "漏水",
            "phone": "13611113333", "attribute[floor]": "2", "media_url": "ftp://pic.example.com/a.jpg"}, timeout=10)
        self.assertEqual(bad.status_code, 400)
        self.assertTrue(bad.json()[0]["description"].startswith("media_url: "))
        self.assertFalse(Case.objects.exists())


def get_case(number):
    return Case.objects.get(number=number)
