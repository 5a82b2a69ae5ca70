"""Schemathesis fuzzes every operation of /api/openapi.json with generated (valid and invalid) input,
as three tokens (a dispatcher, a handler, an enterprise); no response may be a 5xx, and every error
must have the one shape. Requests go through Django's test client so they share the test's
transaction."""

import json
from urllib.parse import urlencode
from zlib import crc32

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from dajuan.accounts.services import api_token_create
from dajuan.intake.testing import IntakeTestCase

EXAMPLES_PER_OPERATION = 12


class ApiFuzzTests(IntakeTestCase):
    def test_no_operation_answers_with_a_server_error(self):
        spec = self.client.get("/api/openapi.json").json()
        schema = schemathesis.openapi.from_dict(spec, config=SchemathesisConfig())
        tokens = [api_token_create(user=u, name="fuzz", by=u)[1]
                  for u in (self.dispatcher, self.handler, self.ent_user)]
        numbers = [self.case.number, self.ent_case.number, self.web_case.number]
        failures, statuses = [], {}
        for result in schema.get_all_operations():
            self.fuzz(result.ok(), tokens, numbers, failures, statuses)
        self.assertEqual(failures, [])
        # The fuzzing reached past validation: some requests succeeded, some were refused or conflicted.
        self.assertTrue(statuses.get(200) or statuses.get(201), statuses)
        self.assertTrue(statuses.get(400), statuses)

    def fuzz(self, operation, tokens, numbers, failures, statuses):
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            # Half the time aim at a real case, so the transitions' own checks are fuzzed too.
            if case.path_parameters and "number" in case.path_parameters and crc32(repr(case.body).encode()) % 2:
                case.path_parameters["number"] = numbers[crc32(repr(case.query).encode()) % len(numbers)]
            token = tokens[crc32(repr(case.body).encode() + repr(case.query).encode()) % len(tokens)]
            kwargs = case.as_transport_kwargs(base_url="http://testserver",
                                              headers={"Authorization": f"Bearer {token}"})
            response = self.send(kwargs)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                failures.append((operation.label, kwargs, response.status_code, response.content[:300]))
            elif response.status_code >= 400 and response.get("Content-Type") == "application/json":
                body = response.json()
                if not (isinstance(body, dict) and set(body) == {"code", "message", "field"}):
                    failures.append((operation.label, kwargs, response.status_code, body))

        run()

    def send(self, kwargs):
        url = kwargs["url"].removeprefix("http://testserver")
        headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k.lower() != "content-type"}
        extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
        params = kwargs.get("params") or {}
        if "json" in kwargs:
            data, content_type = json.dumps(kwargs["json"]), "application/json"
        else:
            data, content_type = kwargs.get("data") or "", (kwargs.get("headers") or {}).get(
                "Content-Type", "application/octet-stream")
        if kwargs["method"].upper() == "GET":
            return self.client.get(url, params, **extra)
        if params:
            url = url + "?" + urlencode(params, doseq=True)
        return self.client.generic(kwargs["method"].upper(), url, data, content_type=content_type, **extra)
