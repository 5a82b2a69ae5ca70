"""The dashboard and the assessment pages in a real browser (dajuan.testing_browser): ECharts must draw
every chart (a canvas or svg in each chart box) without a console error; screenshots go to
test-artifacts/browser/."""

from datetime import datetime

from django.utils import timezone

from dajuan.assessment import services
from dajuan.assessment.models import AssessedKind, Metric
from dajuan.rollups.tests.histories import play, register
from dajuan.testing import LoopTestCase
from dajuan.testing_browser import BrowserTestCase


def settle(page) -> None:
    """Let the page's own requests (the htmx inbox badge) and the charts' entry animations (1 s in
    ECharts) finish before the screenshot; leaving mid-request logs an abort. Screenshots are of the
    viewport (resizing is test_charts_follow_window_resizes_without_console_errors' business)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)


class FiguresInTheBrowserTests(BrowserTestCase):
    viewport = {"width": 1400, "height": 1000}

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
        """The page and the errors it logs (console errors and uncaught exceptions)."""
        page = super().page_for(user)
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
        self.screenshot(page, "dashboard")
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
        self.screenshot(page, "dashboard-town")
        page.goto(f"{self.live_server_url}/dashboard/print/?start=2026-03-01&end=2026-03-31")
        page.wait_for_function("document.querySelectorAll('.chart svg').length >= 5")
        settle(page)
        self.screenshot(page, "dashboard-print")
        self.assertEqual(errors, [], errors)

    def test_assessment_pages_render_without_console_errors(self):
        page, errors = self.page_for(self.supervisor)
        page.goto(f"{self.live_server_url}/assessment/2026/q1/")
        self.assertEqual(page.locator("table.results").count(), 3)
        self.screenshot(page, "assessment", full_page=True)
        page.goto(f"{self.live_server_url}/assessment/2026/q1/report/")
        self.screenshot(page, "assessment-report", full_page=True)
        self.assertEqual(errors, [], errors)
