"""The unified social credit code (统一社会信用代码, GB 32100-2015), checked with python-stdnum: 18
characters from the code's own alphabet (no I, O, S, V, Z) whose last is a check character over the
first seventeen."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc


def clean_credit_code(value: str) -> str:
    """The code in its compact form (upper case, no spaces), or ValidationError naming the fix."""
    compact = uscc.compact(value or "")
    if not compact:
        raise ValidationError(_("Enter the 18-character unified social credit code."), code="required")
    try:
        return uscc.validate(compact)
    except stdnum_errors.InvalidLength:
        raise ValidationError(_("A unified social credit code has 18 characters; %(n)s were given.")
                              % {"n": len(compact)}, code="length") from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(_("The check character (the 18th) does not match; re-read the code from the "
                                "business licence."), code="checksum") from None
    except stdnum_errors.ValidationError:
        raise ValidationError(_("Use digits and the capital letters of the code (I, O, S, V and Z never occur); "
                                "copy it from the business licence."), code="format") from None


def credit_code_validator(value: str) -> None:
    clean_credit_code(value)
