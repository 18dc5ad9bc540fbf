"""The Open311 routes' answers: a pydantic model or list as JSON, or as GeoReport v2 XML
(lists of `service`, `request`, `attribute` … elements under their plural root)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from fastapi import Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel


class Fmt(StrEnum):
    json = "json"
    xml = "xml"


_ITEM = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def _plain(data: BaseModel | list[Any]) -> Any:
    if isinstance(data, list):
        return [_plain(d) for d in data]
    dumped = data.model_dump(mode="json")
    if dumped.get("extended_attributes", 0) is None:
        del dumped["extended_attributes"]
    return dumped


# Characters XML 1.0 cannot hold (C0 controls but tab, LF and CR; lone surrogates; U+FFFE/F):
# a description with one would make the whole listing malformed for every reader.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _element(parent: Element, name: str, value: Any) -> None:
    node = SubElement(parent, name)
    if value is None:
        return
    if isinstance(value, dict):
        for key, inner in value.items():
            _element(node, key, inner)
    elif isinstance(value, list):
        for inner in value:
            _element(node, _ITEM.get(name, "item"), inner)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    else:
        node.text = _NOT_XML.sub("\ufffd", str(value))


def to_xml(root: str, value: Any) -> bytes:
    top = Element(root)
    if isinstance(value, list):
        for inner in value:
            _element(top, _ITEM.get(root, "item"), inner)
    else:
        for key, inner in value.items():
            _element(top, key, inner)
    body = tostring(top, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8")


def reply(data: BaseModel | list[Any], fmt: Fmt, root: str, status: int = 200) -> Response:
    plain = _plain(data)
    if fmt is Fmt.xml:
        return Response(to_xml(root, plain), status, media_type="text/xml; charset=utf-8")
    return JSONResponse(plain, status)
