from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command
from django.utils import timezone

from dajuan.accounts import services
from dajuan.accounts.models import ApiToken
from dajuan.core.models import AuditEntry
from dajuan.testing import DistrictTestCase


class CreateApiTokenCommandTests(DistrictTestCase):
    def run_command(self, *args):
        out, err = StringIO(), StringIO()
        call_command("create_api_token", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_prints_the_secret_alone_on_stdout_once(self):
        out, err = self.run_command("li", "12345 hotline bridge", "--days", "30")
        raw = out.strip()
        self.assertEqual(out.count("\n"), 1)
        self.assertEqual(services.api_token_authenticate(raw), self.handler)
        self.assertNotIn(raw, err)
        token = ApiToken.objects.get(user=self.handler)
        self.assertEqual(token.name, "12345 hotline bridge")
        self.assertIn(token.prefix, err)
        self.assertAlmostEqual(token.expires_at, timezone.now() + timedelta(days=30), delta=timedelta(minutes=1))
        self.assertEqual(AuditEntry.objects.get(action="api_token_created").actor, self.handler)

    def test_without_days_the_token_does_not_expire(self):
        self.run_command("li", "bridge")
        self.assertIsNone(ApiToken.objects.get(user=self.handler).expires_at)

    def test_unknown_user_inactive_user_and_bad_days_are_errors(self):
        with self.assertRaises(CommandError):
            self.run_command("ghost", "bridge")
        with self.assertRaises(CommandError):
            self.run_command("li", "bridge", "--days", "0")
        self.handler.is_active = False
        self.handler.save(update_fields=["is_active"])
        with self.assertRaises(CommandError):
            self.run_command("li", "bridge")
        self.assertFalse(ApiToken.objects.exists())
