"""A category's Open311 attributes: the service definition, and checking the attribute[...] values of a
POST (required, datatype, allowed keys). Checked values become lines of the case's content."""

from decimal import Decimal, InvalidOperation

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from dajuan.open311.models import ServiceAttribute

LISTS = (ServiceAttribute.Datatype.SINGLEVALUELIST, ServiceAttribute.Datatype.MULTIVALUELIST)


class AttributeError_(ValueError):
    """A bad attribute value (named so as not to shadow the builtin AttributeError)."""


def definition(category, code: str) -> dict:
    attributes = [{
        "variable": True, "code": a.code, "datatype": a.datatype, "required": a.required,
        "datatype_description": "", "order": a.order, "description": a.description,
        "values": [{"key": str(v.get("key")), "name": str(v.get("name", v.get("key")))} for v in a.values
                   if isinstance(v, dict)] if a.datatype in LISTS else [],
    } for a in category.open311_attributes.all()]
    return {"service_code": code, "attributes": attributes}


def _values(post, code: str) -> list[str]:
    return [v.strip() for v in post.getlist(f"attribute[{code}]") + post.getlist(f"attribute[{code}][]")
            if v.strip()]


def attribute_lines(category, post) -> list[str]:
    """'question: answer' lines for the attributes given; raises AttributeError_ naming the attribute."""
    attributes = list(category.open311_attributes.all())
    known = {a.code for a in attributes}
    for key in post:
        if key.startswith("attribute[") and key.split("[", 2)[1].rstrip("]") not in known:
            raise AttributeError_(_("%(key)s is not an attribute of this service.") % {"key": key})
    lines = []
    for a in attributes:
        values = _values(post, a.code)
        if not values:
            if a.required:
                raise AttributeError_(_("attribute[%(code)s] is required: %(q)s") % {"code": a.code,
                                                                                     "q": a.description})
            continue
        if a.datatype != ServiceAttribute.Datatype.MULTIVALUELIST and len(values) > 1:
            raise AttributeError_(_("attribute[%(code)s] takes one value.") % {"code": a.code})
        for value in values:
            _check(a, value)
        lines.append(f"{a.description}: {', '.join(values)}"[:500])
    return lines


def _check(a: ServiceAttribute, value: str) -> None:
    if len(value) > 500:
        raise AttributeError_(_("attribute[%(code)s] is longer than 500 characters.") % {"code": a.code})
    if a.datatype == ServiceAttribute.Datatype.NUMBER:
        try:
            Decimal(value)
        except InvalidOperation:
            raise AttributeError_(_("attribute[%(code)s] must be a number.") % {"code": a.code}) from None
    elif a.datatype == ServiceAttribute.Datatype.DATETIME and parse_datetime(value) is None:
        raise AttributeError_(_("attribute[%(code)s] must be a date-time, e.g. 2026-01-01T09:00:00+08:00.")
                              % {"code": a.code})
    elif a.datatype in LISTS and value not in a.value_keys():
        raise AttributeError_(_("attribute[%(code)s] must be one of: %(keys)s.")
                              % {"code": a.code, "keys": ", ".join(sorted(a.value_keys()))})
