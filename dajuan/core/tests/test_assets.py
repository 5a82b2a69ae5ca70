from django.contrib.staticfiles import finders
from django.test import SimpleTestCase


class VendorAssetTests(SimpleTestCase):
    def test_front_end_libraries_installed_by_make_are_served_locally(self):
        """`make` copies them from node_modules; pages load them from /static/vendor, never a CDN."""
        for path in ("vendor/htmx/htmx.min.js", "vendor/echarts/echarts.min.js",
                     "vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js"):
            with self.subTest(path=path):
                self.assertIsNotNone(finders.find(path), f"{path} missing: run `make bootstrap`")
