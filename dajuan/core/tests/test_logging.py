import logging

from django.test import TestCase

from dajuan.core.logging import RefusalWithoutTraceback


class RefusalLoggingTests(TestCase):
    def record(self, status: int) -> logging.LogRecord:
        try:
            raise PermissionError("refused")
        except PermissionError:
            import sys

            record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden", (),
                                       sys.exc_info())
        record.status_code = status
        return record

    def test_refusals_keep_their_line_but_lose_the_traceback(self):
        for status in (403, 404):
            record = self.record(status)
            self.assertTrue(RefusalWithoutTraceback().filter(record))
            self.assertIsNone(record.exc_info)

    def test_server_errors_keep_their_traceback(self):
        record = self.record(500)
        self.assertTrue(RefusalWithoutTraceback().filter(record))
        self.assertIsNotNone(record.exc_info)
