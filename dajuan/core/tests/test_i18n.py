"""The UI is Simplified Chinese: every user-facing string in code and templates has a translation."""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase


def entries(po_file: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file (enough of the format for makemessages' own output)."""
    result, msgid, msgstr, current = {}, None, None, None
    for line in [*po_file.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("msgid "):
            msgid, msgstr, current = line[7:-1], None, "id"
        elif line.startswith(("msgstr ", "msgstr[0] ")):
            msgstr, current = line.split(" ", 1)[1][1:-1], "str"
        elif line.startswith('"') and current == "id":
            msgid += line[1:-1]
        elif line.startswith('"') and current == "str":
            msgstr += line[1:-1]
        elif not line.strip() and msgid is not None:
            if msgid:
                result[msgid] = msgstr or ""
            msgid, current = None, None
        elif line.startswith("msgid_plural"):
            current = None
    return result


class CatalogueTests(SimpleTestCase):
    def test_every_string_in_code_and_templates_is_translated(self):
        """Regenerate the catalogue from the sources in a scratch copy and look for empty entries."""
        root = settings.BASE_DIR
        with tempfile.TemporaryDirectory() as scratch:
            work = Path(scratch)
            for name in ("dajuan", "templates", "locale"):
                shutil.copytree(root / name, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
            result = subprocess.run(
                [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
                cwd=work, capture_output=True, text=True, timeout=300,
                env={"DJANGO_SETTINGS_MODULE": "dajuan.settings", "DAJUAN_DEBUG": "1", "PATH": "/usr/bin:/bin",
                     "PYTHONPATH": str(work)},
            )
            self.assertEqual(result.returncode, 0, result.stderr)
            catalogue = entries(work / "locale/zh_Hans/LC_MESSAGES/django.po")
        untranslated = sorted(msgid for msgid, msgstr in catalogue.items() if not msgstr)
        self.assertEqual(untranslated, [], "run `make messages` and translate these entries")
        po = (root / "locale/zh_Hans/LC_MESSAGES/django.po").read_text("utf-8")
        self.assertIsNone(re.search(r'#, fuzzy.*\nmsgid "[^"]', po), "a fuzzy translation is never shown; fix it")


class LanguageTests(TestCase):
    """Chinese by default whatever the browser asks for; English only when the person chooses it."""

    def test_an_english_browser_still_gets_chinese(self):
        response = self.client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertEqual(response["Content-Language"], "zh-hans")
        self.assertContains(response, "登录")

    def test_a_chosen_language_is_kept(self):
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
        self.assertEqual(response.status_code, 302)
        response = self.client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
        self.assertEqual(response["Content-Language"], "en")
        self.assertNotContains(response, "登录")

    def test_an_unknown_chosen_language_falls_back_to_chinese(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
        response = self.client.get("/accounts/login/")
        self.assertEqual(response["Content-Language"], "zh-hans")
