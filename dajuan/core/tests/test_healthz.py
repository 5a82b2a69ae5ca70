import json
import os
import subprocess
import sys

from django.test import TestCase
from django.urls import reverse

from dajuan.testing import DistrictTestCase


class HealthzTests(TestCase):
    def test_it_reports_ok_without_login(self):
        response = self.client.get(reverse("core:healthz"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})

    def test_it_reports_503_when_the_database_is_unreachable(self):
        """A real unreachable server (a closed port on loopback), in a separate process."""
        script = (
            "import django, json; django.setup(); from django.test import Client; "
            "r = Client().get('/healthz'); print(json.dumps([r.status_code, r.json()]))"
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dajuan.settings",
               "DAJUAN_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "DAJUAN_ALLOWED_HOSTS": "testserver"}
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        status, body = json.loads(out.stdout.strip().splitlines()[-1])
        self.assertEqual(status, 503)
        self.assertEqual(body, {"status": "error", "database": "error"})


class HomeTests(DistrictTestCase):
    def test_login_is_required(self):
        response = self.client.get(reverse("core:home"))
        self.assertRedirects(response, reverse("accounts:login") + "?next=/", fetch_redirect_response=False)

    def test_home_shows_units_and_roles_in_chinese(self):
        self.client.force_login(self.town_leader)
        response = self.client.get(reverse("core:home"))
        self.assertContains(response, "花戏楼街道")
        self.assertContains(response, "单位负责人")
        self.assertContains(response, "街道办主任")

    def test_navigation_follows_roles(self):
        self.client.force_login(self.admin)
        self.assertContains(self.client.get(reverse("core:home")), reverse("worktime:holiday-list"))
        self.client.force_login(self.handler)
        response = self.client.get(reverse("core:home"))
        self.assertContains(response, reverse("org:unit-tree"))
        self.assertNotContains(response, reverse("worktime:holiday-list"))
        self.assertNotContains(response, reverse("org:import"))

    def test_person_without_role_is_told_what_to_do(self):
        self.client.force_login(self.nobody)
        self.assertContains(self.client.get(reverse("core:home")), "请联系管理员")
