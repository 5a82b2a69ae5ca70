"""GeoReport v2 output: the same Python structures rendered as JSON (application/json) or XML
(text/xml), and the spec's error list."""

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {"json": "application/json", "xml": "text/xml"}


def _xml_value(parent: ET.Element, tag: str, value) -> None:
    node = ET.SubElement(parent, tag)
    if isinstance(value, bool):
        node.text = "true" if value else "false"
    elif isinstance(value, list):
        item_tag = {"keywords": "keyword", "values": "value", "attributes": "attribute", "endpoints": "endpoint",
                    "formats": "format"}.get(tag, "item")
        if tag in ("keywords",):
            node.text = ",".join(str(v) for v in value)
            return
        for item in value:
            if isinstance(item, dict):
                _xml_dict(node, item_tag, item)
            else:
                _xml_value(node, item_tag, item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(node, key, inner)
    elif value is not None:
        node.text = str(value)


def _xml_dict(parent: ET.Element, tag: str, data: dict) -> None:
    node = ET.SubElement(parent, tag)
    for key, value in data.items():
        _xml_value(node, key, value)


def respond(data, fmt: str, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    """`data`: a list (rendered as <root><item>…</item>…</root>) or a dict (rendered as <root>…</root>)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, default=str)
    else:
        top = ET.Element(root)
        if isinstance(data, list):
            for entry in data:
                _xml_dict(top, item, entry)
        else:
            for key, value in data.items():
                _xml_value(top, key, value)
        body = '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="unicode")
    response = HttpResponse(body.encode("utf-8"), status=status)
    response["Content-Type"] = CONTENT_TYPES[fmt]  # exactly, without a charset parameter
    return response


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return respond([{"code": status, "description": str(description)}], fmt, root="errors", item="error",
                   status=status)
