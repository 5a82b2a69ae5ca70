"""The dashboard and the assessment pages in a real browser: Debian's headless Chromium driven by Playwright
against a live server. ECharts must draw every chart (a canvas or svg in each chart box) without a console
error; screenshots go to test-artifacts/browser/.

Without Chromium or the playwright package the tests are skipped with a loud reason, except under
CI=true, where a missing browser fails the run."""

import os
import warnings
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import Client, override_settings
from django.utils import timezone

from dajuan.assessment import services
from dajuan.assessment.models import AssessedKind, Metric
from dajuan.rollups.tests.histories import play, register
from dajuan.testing import LoopTestCase

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "browser"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def _browser_missing() -> str:
    if sync_playwright is None:
        return "the playwright Python package is not installed (pip install -e '.[dev]')"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return ""


MISSING = _browser_missing()
if MISSING and os.environ.get("CI", "").lower() == "true":
    raise RuntimeError(f"Browser tests cannot run under CI=true: {MISSING}")
if MISSING:
    warnings.warn(f"SKIPPING BROWSER TESTS: {MISSING}", stacklevel=1)


@pytest.mark.skipif(bool(MISSING), reason=f"SKIPPED LOUDLY: {MISSING}")
@override_settings(SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False)
def settle(page) -> None:
    """Let the page's own requests (the htmx inbox badge) and the charts' entry animations (1 s in
    ECharts) finish before the screenshot; leaving mid-request logs an abort. Screenshots are of the
    viewport (resizing is test_charts_follow_window_resizes_without_console_errors' business)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)


class FiguresInTheBrowserTests(StaticLiveServerTestCase):
    host = "127.0.0.1"

    @classmethod
    def setUpClass(cls):
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop here
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

    def setUp(self):
        class Cast(LoopTestCase):
            pass

        Cast.setUpTestData()
        for name in ("supervisor", "requester", "dispatcher", "handler", "other_handler", "inspector",
                     "property_mgmt", "housing", "labour", "grid", "town_leader"):
            setattr(self, name, getattr(Cast, name))
        start = timezone.make_aware(datetime(2026, 3, 2, 8, 30))
        play(self, [(0, "dispatch", 1), (0, "claim", 1), (0, "reply", 3), (0, "evaluate_ok", 2),
                    (1, "dispatch", 1), (1, "supervise", 2), (2, "dispatch", 30)], start=start, cases=3)
        register(self, at=start, grid=self.grid)
        indicator = services.indicator_define(code="d-sat", name="群众满意率", kind=AssessedKind.DEPARTMENT,
                                              metric=Metric.SATISFACTION_RATE, by=self.supervisor)
        services.weight_set(indicator=indicator, year=2026, quarter=1, weight=100, by=self.supervisor)
        services.assessment_publish(year=2026, quarter=1, by=self.supervisor)

    def page_for(self, user):
        client = Client()
        client.force_login(user)
        context = self.browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": self.live_server_url}])
        page = context.new_page()
        errors = []

        def on_console(message) -> None:
            # The site has no favicon yet (core's base.html): Chromium's own favicon probe is not a page error.
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
                errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(f"{error} {getattr(error, 'stack', '')}"))
        return page, errors

    def test_dashboard_draws_every_chart_without_console_errors(self):
        page, errors = self.page_for(self.supervisor)
        page.goto(f"{self.live_server_url}/dashboard/?start=2026-03-01&end=2026-03-31&granularity=week")
        page.wait_for_function("document.querySelectorAll('.chart canvas').length >= 5")
        for chart in ("timeline", "status", "channel", "category", "levels"):
            self.assertEqual(page.locator(f"#chart-{chart} canvas").count(), 1, chart)
        settle(page)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"))
        self.assertEqual(errors, [], errors)
        # A rate card links to the case list behind it.
        href = page.locator(".rate-card").first.get_attribute("href")
        self.assertIn("/cases/?", href)

    def test_charts_follow_window_resizes_without_console_errors(self):
        """Resizing the window redraws every chart (the district's and a town's, with its grid map) without
        an error, also while the charts are still animating in and when the window shrinks to nothing."""
        for user, ready in ((self.supervisor, "document.querySelectorAll('.chart canvas').length >= 5"),
                            (self.town_leader, "document.querySelector('#chart-grids canvas') !== null")):
            page, errors = self.page_for(user)
            page.goto(f"{self.live_server_url}/dashboard/?start=2026-03-01&end=2026-03-31")
            page.wait_for_function(ready)
            for width, height in ((900, 700), (1400, 1000), (360, 640), (0, 0), (1200, 900)):
                page.set_viewport_size({"width": max(width, 1), "height": max(height, 1)})  # mid-animation
            settle(page)
            for width, height in ((700, 500), (1, 1), (1600, 1200), (1400, 1000)):
                page.set_viewport_size({"width": width, "height": height})
                page.wait_for_timeout(250)
            page.hover("#chart-timeline")  # an axis tooltip is showing while the window changes
            page.set_viewport_size({"width": 800, "height": 600})
            settle(page)
            self.assertEqual(errors, [], errors)
            width = page.evaluate("document.querySelector('#chart-timeline canvas').width")
            self.assertGreater(width, 0)

    def test_grid_map_and_printable_view_draw(self):
        page, errors = self.page_for(self.town_leader)
        page.goto(f"{self.live_server_url}/dashboard/?start=2026-03-01&end=2026-03-31")
        page.wait_for_function("document.querySelector('#chart-grids canvas') !== null")
        settle(page)
        page.screenshot(path=str(ARTIFACTS / "dashboard-town.png"))
        page.goto(f"{self.live_server_url}/dashboard/print/?start=2026-03-01&end=2026-03-31")
        page.wait_for_function("document.querySelectorAll('.chart svg').length >= 5")
        settle(page)
        page.screenshot(path=str(ARTIFACTS / "dashboard-print.png"))
        self.assertEqual(errors, [], errors)

    def test_assessment_pages_render_without_console_errors(self):
        page, errors = self.page_for(self.supervisor)
        page.goto(f"{self.live_server_url}/assessment/2026/q1/")
        self.assertEqual(page.locator("table.results").count(), 3)
        page.screenshot(path=str(ARTIFACTS / "assessment.png"), full_page=True)
        page.goto(f"{self.live_server_url}/assessment/2026/q1/report/")
        page.screenshot(path=str(ARTIFACTS / "assessment-report.png"), full_page=True)
        self.assertEqual(errors, [], errors)
