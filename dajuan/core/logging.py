"""Logging helpers named in settings.LOGGING."""

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refused action (403) or a missing page (404) is the system working as meant: keep Django's one
    warning line, drop the traceback it attaches, so real errors stand out in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (403, 404):
            record.exc_info = None
            record.exc_text = None
        return True
