"""Account errors beyond the core DomainError family."""

from dajuan.core.errors import DomainError


class CodeThrottled(DomainError):
    """Too many wrong codes in a row: django-otp makes the device wait (1 s, 2 s, 4 s, … doubling)
    before it checks another one."""

    code = "code_throttled"
    http_status = 429
