"""Reading request bodies (XML or JSON) against the model's types."""

from __future__ import annotations

import json
from typing import Any

from ..core.errors import Fault
from ..core.model import ApiModel, Member, Method, is_secret
from ..dispatch.validation import MAX_DEPTH, check, json_depth_ok
from .codec import Codec
from .protocol import Request


def load_json(body: bytes) -> Any:
    """A JSON request body, or the engine's fault for malformed or too deep input."""
    if not json_depth_ok(body):
        raise Fault(400, "Request syntactically incorrect.",
                    f"The request is nested deeper than {MAX_DEPTH} levels.")
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise Fault(400, "Request syntactically incorrect.", None) from None


def param_type(method: Method, members: dict[str, Member], name: str) -> str | None:
    """The model type of an action parameter (the method's own, else the Action type's)."""
    if is_secret(name):
        return None  # used by the engine, never kept here (nor written back in the reply)
    p = method.params.get(name)
    return p["type"] if p else (members[name].type if name in members else None)


def parse_body(codec: Codec, req: Request, type_name: str) -> dict:
    """The request body as plain data of ``type_name`` ({} when empty)."""
    if not req.body.strip():
        return {}
    if req.input_fmt == "json":
        data = codec.from_json(load_json(req.body), type_name)
    else:
        data = codec.from_xml(codec.parse_xml_body(req.body), type_name)
    check(data)
    return data


def parse_action(codec: Codec, model: ApiModel, req: Request, method: Method) -> dict:
    """An action's parameters as plain data (unknown parameters are not the method's)."""
    if not req.body.strip():
        return {}
    members = model.members("action")
    out = {}
    if req.input_fmt == "json":
        raw = load_json(req.body)
        if not isinstance(raw, dict):
            raise Fault(400, "Request syntactically incorrect.", None)
        for k, v in raw.items():
            t = param_type(method, members, k)
            if t is None or v is None:
                continue
            out[k] = codec._from_json_value(k, t, v)
        check(out)
        return out
    elem = codec.parse_xml_body(req.body)
    for child in elem:
        if not isinstance(child.tag, str):
            continue
        t = param_type(method, members, child.tag)
        if t is None:
            continue
        out[child.tag] = codec._from_xml_value(child, t)
    check(out)
    return out
