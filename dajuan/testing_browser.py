"""What every browser test shares: Debian's headless Chromium driven by Playwright (never Playwright's own
downloaded browsers) against a live server on 127.0.0.1, screenshots under test-artifacts/browser/.

Without Chromium or the playwright package the tests are skipped with a loud warning, except under
CI=true, where a missing browser fails the run.
"""

import os
import unittest
import warnings
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import Client, override_settings

CHROMIUM = os.environ.get("DAJUAN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    expect = sync_playwright = None


def _browser_missing() -> str:
    if sync_playwright is None:
        return "the playwright Python package is not installed (pip install -e '.[dev]')"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium; `make bootstrap` does it when it can)"
    return ""


MISSING = _browser_missing()
if MISSING and os.environ.get("CI", "").lower() == "true":
    raise RuntimeError(f"Browser tests cannot run under CI=true: {MISSING}")
if MISSING:
    warnings.warn(f"SKIPPING BROWSER TESTS: {MISSING}", stacklevel=1)


@override_settings(SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False)  # the live server speaks http
class BrowserTestCase(StaticLiveServerTestCase):
    """One Chromium per test class; `page_for(user)` opens a page signed in as `user` (or anonymous)."""

    host = "127.0.0.1"
    viewport = {"width": 1280, "height": 900}

    @classmethod
    def setUpClass(cls):
        if MISSING:
            raise unittest.SkipTest(f"SKIPPED LOUDLY: {MISSING}")
        # Playwright's sync API runs an event loop in this thread; the ORM calls here are plain sync code.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=["--no-sandbox", "--disable-dev-shm-usage"])
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def context_for(self, user=None, **options):
        """A new browser context (closed after the test), signed in as `user` through a real session."""
        context = self.browser.new_context(**{"locale": "zh-CN", "viewport": self.viewport, **options})
        self.addCleanup(context.close)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": self.live_server_url,
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        return context

    def page_for(self, user=None, **options):
        page = self.context_for(user, **options).new_page()
        page.set_default_timeout(15_000)
        return page

    def screenshot(self, page, name: str, **options) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), **options)
