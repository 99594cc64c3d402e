"""Generates ``web_client/protocol.js``, the browser's mirror of :mod:`signaling.protocol`.

Run ``python -m signaling.protocol.js`` after changing the protocol; a test fails
when the committed file differs from what this produces.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any

from session_room.agenda import ItemStatus
from session_room.errors import ErrorCode
from session_room.layers import VideoStep
from session_room.quality import MediaMode, ModeReason, QualityLevel
from session_room.roles import LeaveReason, Role, SessionKind
from session_room.timer import TimerAction, TimerStatus
from signaling import protocol

JS_PATH = Path(__file__).resolve().parents[2] / "web_client" / "protocol.js"


def _enum_js(name: str, enum: type[Enum]) -> str:
    members = {m.name: m.value for m in enum}
    return f"export const {name} = Object.freeze({json.dumps(members, indent=2)});\n"


def _js_type(schema: dict[str, Any], enums: dict[str, str] | None = None) -> str:
    """The JSDoc type of a schema. A field typed by an enum is a plain ``string`` (or
    ``number`` for an ordered level): the client compares it with the frozen enum
    objects, and a newer server may send a value this page does not know yet."""
    enums = enums or {}
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        return enums.get(name, name)
    if "const" in schema:
        return json.dumps(schema["const"])
    if "anyOf" in schema:
        return "(" + "|".join(_js_type(s, enums) for s in schema["anyOf"]) + ")"
    if "enum" in schema:
        return "(" + "|".join(json.dumps(v) for v in schema["enum"]) + ")"
    kind = schema.get("type")
    if kind == "array":
        return f"Array<{_js_type(schema.get('items', {}), enums)}>"
    return {
        "string": "string",
        "integer": "number",
        "number": "number",
        "boolean": "boolean",
        "null": "null",
    }.get(str(kind), "*")


def _typedefs(defs: dict[str, Any]) -> str:
    enums = {name: "number" if model.get("type") == "integer" else "string"
             for name, model in defs.items() if "enum" in model}
    out: list[str] = []
    for name in sorted(defs):
        model = defs[name]
        if model.get("type") != "object":
            continue
        required = set(model.get("required", []))
        lines = ["/**", f" * @typedef {{Object}} {name}"]
        for field, spec in model.get("properties", {}).items():
            label = field if field in required else f"[{field}]"
            lines.append(f" * @property {{{_js_type(spec, enums)}}} {label}")
        lines.append(" */")
        out.append("\n".join(lines))
    return "\n".join(out) + "\n"


def _message_types(schema: dict[str, Any]) -> list[str]:
    mapping = schema["discriminator"]["mapping"]
    return sorted(mapping)


def render() -> str:
    """Returns the text of ``web_client/protocol.js`` for the current protocol."""
    schema = protocol.json_schema()
    defs: dict[str, Any] = {}
    defs.update(schema["client"].get("$defs", {}))
    defs.update(schema["server"].get("$defs", {}))
    parts = [
        "// Generated from signaling/protocol/__init__.py by `python -m signaling.protocol.js`.\n"
        "// Do not edit by hand: tests/unit/test_protocol.py fails when it drifts.\n",
        f"export const PROTOCOL_VERSION = {protocol.PROTOCOL_VERSION};\n",
        f"export const MAX_NAME_CHARS = {protocol.MAX_NAME_CHARS};\n",
        _enum_js("ErrorCode", ErrorCode),
        _enum_js("CloseCode", protocol.CloseCode),
        _enum_js("Role", Role),
        _enum_js("LeaveReason", LeaveReason),
        _enum_js("SessionKind", SessionKind),
        _enum_js("QualityLevel", QualityLevel),
        _enum_js("MediaMode", MediaMode),
        _enum_js("ModeReason", ModeReason),
        _enum_js("VideoStep", VideoStep),
        _enum_js("MediaKind", protocol.MediaKind),
        _enum_js("ItemStatus", ItemStatus),
        _enum_js("TimerStatus", TimerStatus),
        _enum_js("TimerAction", TimerAction),
        "export const CLIENT_MESSAGE_TYPES = Object.freeze("
        + json.dumps(_message_types(schema["client"]))
        + ");\n",
        "export const SERVER_MESSAGE_TYPES = Object.freeze("
        + json.dumps(_message_types(schema["server"]))
        + ");\n",
        "/** @typedef {" + "|".join(
            s["$ref"].rsplit("/", 1)[-1] for s in schema["client"]["oneOf"]
        ) + "} ClientMessage */\n",
        "/** @typedef {" + "|".join(
            s["$ref"].rsplit("/", 1)[-1] for s in schema["server"]["oneOf"]
        ) + "} ServerMessage */\n",
        _typedefs(defs),
    ]
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    """Writes the JS mirror (or prints it with ``--stdout``)."""
    text = render()
    if "--stdout" in argv:
        sys.stdout.write(text)
    else:
        JS_PATH.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
