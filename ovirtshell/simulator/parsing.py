"""Reading request bodies (XML or JSON) against the model's types."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .errors import Fault
from .model import Member, Method

if TYPE_CHECKING:
    from .engine import Simulator
    from .protocol import Request


def load_json(body: bytes) -> Any:
    """A JSON request body, or the engine's fault for malformed input."""
    try:
        return json.loads(body)
    except ValueError:
        raise Fault(400, "Request syntactically incorrect.", None) from None


def param_type(method: Method, members: dict[str, Member], name: str) -> str | None:
    """The model type of an action parameter (the method's own, else the Action type's)."""
    p = method.params.get(name)
    return p["type"] if p else (members[name].type if name in members else None)


class Parsing:
    """Mixed into ``Simulator``: request bodies and action parameters as plain data."""

    def parse_body(self: Simulator, req: Request, type_name: str) -> dict:
        codec = self.codec(req.prefix)
        if not req.body.strip():
            return {}
        if req.input_fmt == "json":
            raw = load_json(req.body)
            return codec.from_json(raw, type_name)
        elem = codec.parse_xml_body(req.body)
        return codec.from_xml(elem, type_name)

    def parse_action(self: Simulator, req: Request, method: Method) -> dict:
        codec = self.codec(req.prefix)
        if not req.body.strip():
            return {}
        if req.input_fmt == "json":
            raw = load_json(req.body)
            if not isinstance(raw, dict):
                raise Fault(400, "Request syntactically incorrect.", None)
            out = {}
            members = self.model.members("action")
            for k, v in raw.items():
                t = param_type(method, members, k)
                if t is None or v is None:
                    continue
                out[k] = codec._from_json_value(k, t, v)
            return out
        elem = codec.parse_xml_body(req.body)
        out = {}
        members = self.model.members("action")
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            t = param_type(method, members, child.tag)
            if t is None:
                continue
            out[child.tag] = codec._from_xml_value(child, t)
        return out
