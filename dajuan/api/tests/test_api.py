"""The JSON API over Django's test client: auth, the error shape, create with Idempotency-Key, list
with cursor pages, get, and the transitions — bad cases as carefully as good ones."""

import json

from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dajuan.accounts.services import api_token_create, api_token_revoke
from dajuan.cases import transitions
from dajuan.cases.choices import CaseStatus, Source
from dajuan.cases.models import Case
from dajuan.intake.testing import IntakeTestCase


class ApiTestCase(IntakeTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tokens = {}
        for persona in ["dispatcher", "handler", "other_handler", "supervisor", "ent_user", "requester", "unit_leader"]:
            user = getattr(cls, persona)
            cls.tokens[persona] = api_token_create(user=user, name="test", by=user)[1]

    def call(self, method, path, body=None, *, as_="dispatcher", headers=None):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[as_]}"} if as_ else {}
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        fn = getattr(self.client, method)
        if body is not None:
            return fn("/api" + path, data=json.dumps(body), content_type="application/json", **extra)
        return fn("/api" + path, **extra)

    def assertError(self, response, status, code, field=None):
        self.assertEqual(response.status_code, status, response.content)
        body = response.json()
        self.assertEqual(set(body), {"code", "message", "field"})
        self.assertEqual(body["code"], code)
        self.assertTrue(body["message"])
        if field is not None:
            self.assertEqual(body["field"], field)
        return body


NEW = {"title": "工业园区停电", "content": "园区B区今日上午起停电，影响生产。", "requester_name": "周经理",
       "requester_phone": "13655556666", "category": "JS-WY", "latitude": 33.85, "longitude": 115.78}


class AuthAndShapeTests(ApiTestCase):
    def test_no_bad_or_revoked_token_is_401_in_the_error_shape(self):
        self.assertError(self.call("get", "/cases", as_=None), 401, "not_authenticated")
        self.assertError(self.client.get("/api/cases", HTTP_AUTHORIZATION="Bearer dj_nope"), 401,
                         "not_authenticated")
        from dajuan.accounts.models import ApiToken

        api_token_revoke(ApiToken.objects.get(user=self.handler), by=self.handler)
        self.assertError(self.call("get", "/cases", as_="handler"), 401, "not_authenticated")

    def test_openapi_and_docs_are_served_without_a_cdn(self):
        schema = self.client.get("/api/openapi.json")
        self.assertEqual(schema.status_code, 200)
        self.assertIn("/api/cases", schema.json()["paths"])
        docs = self.client.get("/api/docs")
        self.assertEqual(docs.status_code, 200)
        html = docs.content.decode()
        self.assertNotIn("cdn.", html)
        self.assertNotIn("https://", html)
        for asset in ["ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"]:
            self.assertIn("/static/" + asset, html)
            self.assertIsNotNone(finders.find(asset), asset)


class CreateTests(ApiTestCase):
    def test_create_registers_an_api_case_and_a_retry_returns_the_first(self):
        first = self.call("post", "/cases", NEW, headers={"Idempotency-Key": "order-0001"})
        self.assertEqual(first.status_code, 201, first.content)
        body = first.json()
        self.assertEqual((body["source"], body["status"], body["category"]), ("api", "received", "JS-WY"))
        self.assertEqual(len(body["tracking_code"]), 10)
        again = self.call("post", "/cases", NEW, headers={"Idempotency-Key": "order-0001"})
        self.assertEqual(again.status_code, 201)
        self.assertEqual(again.json()["number"], body["number"])
        self.assertEqual(Case.objects.filter(source=Source.API).count(), 1)

    def test_a_key_reused_for_a_different_request_is_a_409_and_registers_nothing(self):
        self.call("post", "/cases", NEW, headers={"Idempotency-Key": "order-0002"})
        changed = self.call("post", "/cases", NEW | {"title": "另一件事"}, headers={"Idempotency-Key": "order-0002"})
        self.assertError(changed, 409, "conflict", "Idempotency-Key")
        self.assertEqual(Case.objects.filter(source=Source.API).count(), 1)

    def test_the_same_key_from_another_token_is_another_case(self):
        self.call("post", "/cases", NEW, headers={"Idempotency-Key": "order-0001"})
        other = self.call("post", "/cases", NEW, as_="supervisor", headers={"Idempotency-Key": "order-0001"})
        self.assertEqual(other.status_code, 201)
        self.assertEqual(Case.objects.filter(source=Source.API).count(), 2)

    def test_an_enterprise_token_registers_for_its_enterprise(self):
        response = self.call("post", "/cases", NEW, as_="ent_user", headers={"Idempotency-Key": "ent-000001"})
        self.assertEqual(response.status_code, 201)
        case = Case.objects.get(number=response.json()["number"])
        self.assertEqual((case.requester_kind, case.intake.enterprise), ("enterprise", self.enterprise))

    def test_bad_input_is_400_naming_the_field_and_writes_nothing(self):
        before = Case.objects.count()
        key = {"Idempotency-Key": "bad-input-1"}
        bad = [
            ({**NEW, "title": ""}, "title"),
            ({**NEW, "title": "标" * 201}, "title"),
            ({**NEW, "content": "   "}, "content"),
            ({k: v for k, v in NEW.items() if k != "content"}, "content"),
            ({**NEW, "category": "NOPE"}, "category"),
            ({**NEW, "priority": "whenever"}, "priority"),
            ({**NEW, "latitude": 48.85, "longitude": 2.35}, "latitude"),
            ({**NEW, "latitude": "north"}, "latitude"),
            ({**NEW, "requester_phone": "call me"}, "requester_phone"),
            ({**NEW, "title": "a\x00b"}, "title"),
            ({**NEW, "requester_kind": "internal"}, "requester_unit"),
        ]
        for body, field in bad:
            with self.subTest(field=field):
                response = self.call("post", "/cases", body, headers=key)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(response.json()["field"], field, response.content)
        self.assertEqual(Case.objects.count(), before)

    def test_the_idempotency_key_is_required(self):
        self.assertError(self.call("post", "/cases", NEW), 400, "validation_failed", "Idempotency-Key")
        self.assertError(self.call("post", "/cases", NEW, headers={"Idempotency-Key": "short"}), 400,
                         "validation_failed", "Idempotency-Key")

    def test_malformed_json_is_400(self):
        response = self.client.post("/api/cases", data="{not json", content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Bearer {self.tokens['dispatcher']}",
                                    HTTP_IDEMPOTENCY_KEY="malformed-1")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()), {"code", "message", "field"})


class ReadTests(ApiTestCase):
    def test_list_is_scoped_by_access(self):
        numbers = lambda r: {c["number"] for c in r.json()["items"]}  # noqa: E731
        self.assertEqual(numbers(self.call("get", "/cases", as_="handler")),
                         {self.case.number, self.ent_case.number, self.web_case.number})
        self.assertEqual(numbers(self.call("get", "/cases", as_="other_handler")), set())
        self.assertEqual(numbers(self.call("get", "/cases", as_="ent_user")), {self.ent_case.number})
        self.assertNotIn(self.confidential_case.number, numbers(self.call("get", "/cases")))

    def test_cursor_pages_walk_every_case_once(self):
        seen, cursor = [], ""
        while True:
            page = self.call("get", f"/cases?limit=1&cursor={cursor}").json()
            seen += [c["number"] for c in page["items"]]
            if not page["has_more"]:
                break
            cursor = page["next_cursor"]
        self.assertEqual(len(seen), 3)
        self.assertEqual(len(set(seen)), 3)

    def test_filters_and_bad_filters(self):
        web = self.call("get", "/cases?source=web").json()["items"]
        self.assertEqual([c["number"] for c in web], [self.web_case.number])
        self.assertError(self.call("get", "/cases?status=lost"), 400, "case_invalid", "status")
        self.assertError(self.call("get", "/cases?unit=NOPE"), 400, "case_invalid", "unit")
        self.assertError(self.call("get", "/cases?cursor=garbage"), 400, "case_invalid", "cursor")
        self.assertError(self.call("get", "/cases?limit=0"), 400, "validation_failed", "limit")
        self.assertError(self.call("get", "/cases?from=yesterday"), 400, "validation_failed")

    def test_phones_are_masked_for_those_who_may_not_see_them(self):
        transitions.add_assisting_units(self.web_case, units=[self.labour], by=self.dispatcher)
        phone = self.call("get", f"/cases/{self.web_case.number}", as_="other_handler").json()["requester_phone"]
        self.assertNotEqual(phone, "13900001234")
        self.assertEqual(self.call("get", f"/cases/{self.web_case.number}").json()["requester_phone"], "13900001234")

    def test_an_unseen_case_is_404(self):
        self.assertError(self.call("get", f"/cases/{self.case.number}", as_="other_handler"), 404, "not_found")
        self.assertError(self.call("get", f"/cases/{self.confidential_case.number}"), 404, "not_found")
        self.assertError(self.call("get", "/cases/1999-000001"), 404, "not_found")

    def test_list_query_count_is_flat(self):
        self.call("get", "/cases?limit=1")  # the token's last_used_at is written once a minute
        with CaptureQueriesContext(connection) as few:
            self.call("get", "/cases?limit=2")
        for i in range(6):
            transitions.register(title=f"事项{i}", content="内容", source=Source.HOTLINE, requester_kind="citizen",
                                 requester_name="某人", by=self.dispatcher)
        with CaptureQueriesContext(connection) as many:
            self.assertEqual(len(self.call("get", "/cases?limit=8").json()["items"]), 8)
        self.assertEqual(len(few), len(many))

    def test_actions_say_what_this_token_may_do(self):
        actions = {a["action"]: a for a in self.call("get", f"/cases/{self.case.number}/actions",
                                                     as_="handler").json()}
        self.assertTrue(actions["claim_assignment"]["allowed"])
        self.assertFalse(actions["dispatch_case"]["allowed"])
        self.assertTrue(actions["dispatch_case"]["reason"])


class TransitionTests(ApiTestCase):
    def test_the_whole_loop_over_the_api(self):
        created = self.call("post", "/cases", NEW, headers={"Idempotency-Key": "loop-000001"}).json()
        n = created["number"]
        self.assertEqual(self.call("post", f"/cases/{n}/dispatch", {"lead_unit": "QC-ZJJ"}).json()["status"],
                         "dispatched")
        self.assertEqual(self.call("post", f"/cases/{n}/claim", as_="handler").json()["status"], "in_progress")
        self.assertEqual(self.call("post", f"/cases/{n}/progress", {"text": "已联系供电公司"},
                                   as_="handler").status_code, 200)
        self.assertEqual(self.call("post", f"/cases/{n}/reply", {"text": "已恢复供电"}, as_="handler")
                         .json()["status"], "replied")
        closed = self.call("post", f"/cases/{n}/callback", {"satisfaction": "satisfied"}, as_="supervisor")
        self.assertEqual(closed.json()["status"], "closed", closed.content)

    def test_reply_review_over_the_api(self):
        """Where 住建局 reviews replies: the handler's direct reply is refused, the submission waits, the
        leader sends it back, the handler resubmits and the leader approves it out."""
        from dajuan.org.models import Unit

        Unit.objects.filter(code="QC-ZJJ").update(reply_review=True)
        created = self.call("post", "/cases", NEW, headers={"Idempotency-Key": "review-000001"}).json()
        n = created["number"]
        self.call("post", f"/cases/{n}/dispatch", {"lead_unit": "QC-ZJJ"})
        self.call("post", f"/cases/{n}/claim", as_="handler")
        self.assertError(self.call("post", f"/cases/{n}/reply", {"text": "已恢复供电"}, as_="handler"), 403,
                         "not_permitted")
        submitted = self.call("post", f"/cases/{n}/reply/submit", {"text": "已恢复供电"}, as_="handler")
        self.assertEqual(submitted.json()["status"], "reviewing", submitted.content)
        self.assertError(self.call("post", f"/cases/{n}/reply/approve", as_="handler"), 403, "not_permitted")
        self.assertError(self.call("post", f"/cases/{n}/reply/send-back", {"reason": " "}, as_="unit_leader"),
                         400, "case_invalid", "reason")
        back = self.call("post", f"/cases/{n}/reply/send-back", {"reason": "请说明原因"}, as_="unit_leader")
        self.assertEqual(back.json()["status"], "in_progress", back.content)
        self.assertError(self.call("post", f"/cases/{n}/reply/approve", as_="unit_leader"), 409,
                         "invalid_transition")
        self.call("post", f"/cases/{n}/reply/submit", {"text": "线路故障已修复，已恢复供电"}, as_="handler")
        approved = self.call("post", f"/cases/{n}/reply/approve", as_="unit_leader")
        self.assertEqual(approved.json()["status"], "replied", approved.content)
        from dajuan.cases.models import Case

        self.assertEqual(self.verbs(Case.objects.get(number=n))[-4:],
                         ["reply_submitted", "reply_sent_back", "reply_submitted", "replied"])

    def test_refusals_conflicts_and_bad_bodies(self):
        n = self.case.number
        self.assertError(self.call("post", f"/cases/{n}/dispatch", {"lead_unit": "QC-RSJ"}, as_="handler"),
                         403, "not_permitted")
        self.assertError(self.call("post", f"/cases/{n}/claim", as_="other_handler"), 404, "not_found")
        self.assertError(self.call("post", f"/cases/{n}/reply", {"text": "答复"}, as_="handler"), 409,
                         "invalid_transition")
        self.assertError(self.call("post", f"/cases/{n}/reject", {"reason": "不属于本区"}), 409, "invalid_transition")
        self.assertError(self.call("post", f"/cases/{n}/transfer", {"to_unit": "NOPE", "reason": "x"}), 400,
                         "case_invalid", "to_unit")
        self.assertError(self.call("post", f"/cases/{n}/extension", {"working_days": 99, "reason": "x"},
                                   as_="handler"), 400, "validation_failed", "working_days")
        self.assertError(self.call("post", f"/cases/{n}/evaluate", {"satisfaction": "satisfied"},
                                   as_="requester"), 409, "invalid_transition")
        self.assertError(self.call("post", f"/cases/{n}/supervise", {"level": 3, "note": "挂牌"},
                                   as_="supervisor"), 400, "case_invalid", "escalated_to")
        self.assertEqual(self.reload(self.case).status, CaseStatus.DISPATCHED)
        self.assertEqual(self.verbs(self.case), ["registered", "dispatched"])


class FigureTests(ApiTestCase):
    def test_figures_by_channel_within_the_tokens_scope(self):
        from django.utils import timezone

        today = timezone.localdate().isoformat()
        rows = {r["source"]: r for r in self.call("get", f"/figures/channels?from={today}&to={today}").json()}
        self.assertEqual(rows["web"]["received"], 1)
        self.assertIsNone(rows["web"]["satisfaction_rate"])
        self.assertNotIn("discipline", rows)
        self.assertEqual(self.call("get", f"/figures/channels?from={today}&to={today}", as_="other_handler").json(),
                         [])
        self.assertError(self.call("get", f"/figures/channels?from={today}&to=2000-01-01"), 400, "case_invalid", "to")
        self.assertError(self.call("get", "/figures/channels?from=2020-01-01&to=2026-01-01"), 400, "case_invalid",
                         "to")
        self.assertError(self.call("get", "/figures/channels"), 400, "validation_failed")
