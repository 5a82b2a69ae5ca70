from unittest import mock

from django.db import DatabaseError
from django.test import TestCase
from django.urls import reverse


class HealthzTests(TestCase):
    def test_it_reports_ok_without_login(self):
        response = self.client.get(reverse("core:healthz"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})
