"""Settings come from the environment; production settings pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys

from django.test import SimpleTestCase


def run_dajuan(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DAJUAN_")}
    return subprocess.run(
        [sys.executable, "-m", "dajuan", *args],
        env={**base, **env}, capture_output=True, text=True, timeout=120,
    )


class DeploySettingsTests(SimpleTestCase):
    def test_check_deploy_reports_nothing_with_production_settings(self):
        result = run_dajuan(
            "check", "--deploy", "--fail-level", "DEBUG",
            DAJUAN_SECRET_KEY=secrets.token_urlsafe(50), DAJUAN_ALLOWED_HOSTS="dajuan.example.gov.cn",
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_secret_key_is_required_without_debug(self):
        result = run_dajuan("check")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DAJUAN_SECRET_KEY", result.stderr)

    def test_a_malformed_boolean_names_the_variable(self):
        result = run_dajuan("check", DAJUAN_DEBUG="maybe")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DAJUAN_DEBUG='maybe'", result.stderr)

    def test_sqlite_runs_in_wal_mode(self):
        from django.conf import settings

        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            self.assertIn("journal_mode=WAL", settings.DATABASES["default"]["OPTIONS"]["init_command"])
            self.assertEqual(settings.DATABASES["default"]["OPTIONS"]["transaction_mode"], "IMMEDIATE")
