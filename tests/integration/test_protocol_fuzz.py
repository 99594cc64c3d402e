"""Fuzzing the signaling WebSocket of a real server process while two people chat.

Method:

1. A corpus. hypothesis-jsonschema draws messages from the published
   JSON schema of client messages (``protocol.json_schema()["client"]``) in a
   derandomized ``@given`` run. Each is sent as drawn, and mutated once or twice
   (``random.Random(SEED)``): in its value (wrong types, extra and missing fields, raw
   literals such as ``1e400``, ``-0``, ``NaN``, ``Infinity`` or a 400-digit integer,
   escaped lone surrogates, ids and strings over their limits, deep nesting, another
   ``type``) or in its bytes (truncation, bit flips, random and "interesting" bytes,
   deleted or repeated slices, two messages spliced). Some frames must be closed:
   binary frames and text that is not UTF-8 (4415), frames over 128 KB (4414). The
   opaque payloads get seeds of their own, so the fuzzer reaches the parsers behind
   the schema: a real SDP offer mutated line by line (``publish_offer``,
   ``subscribe_answer``) and real Yjs updates mutated byte by byte (``notes_update``).
2. Playing. The shuffled frames are cut into batches of at most
   :data:`BATCH_SIZE` (a batch ends after a frame that must close the socket, or a
   valid ``leave``). Each batch is sent on a new connection of a new mentee invite
   (the rate limits are per connection; an identity closed with 4414/4415 rejoins to
   resume its held seat), followed by a sentinel ``ping``; the fuzzer reads until the
   sentinel's answer or the close, then leaves. A few batches are floods that must end
   in 4430.
3. The oracle, per batch: every message received is a typed server message and every
   ``error`` code an :class:`ErrorCode`; every malformed frame got its error
   (``malformed_message``, or ``rate_limited``); every valid ``ping``,
   ``publish_offer``, ``join`` and ``admin_hello`` with an id got an answer with that
   ``re``; the socket was closed exactly when a frame called for it, with that frame's
   code (never 1006, 1007, 1009, 1011). A session that stops taking joins is reported
   (the fuzzing goes on in a new one); after the last batch a newcomer must still be
   able to join.
4. Meanwhile the mentor and a mentee chat every :data:`CHAT_INTERVAL` seconds each,
   from their own threads: no ``error``, never closed, every chat message back.
5. The server's log (stderr) holds no traceback and no ``ERROR`` line.

The corpus is the same on every run with the same modules loaded (hypothesis also draws
constants it finds in the loaded modules of this repository). Inputs that found bugs
are kept, minimized, in :data:`REGRESSIONS`.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import itertools
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis_jsonschema import from_schema
from pycrdt import Doc, Text
from pydantic import ValidationError
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from session_room.errors import ErrorCode
from signaling import protocol
from signaling.protocol import MAX_MESSAGE_BYTES, PROTOCOL_VERSION, CloseCode
from tests.conftest import ROOT, TEST_ADMIN_TOKEN, LiveServer, free_port

SEED = 20_240_611
SCHEMA_EXAMPLES = 2000
"""Messages drawn from the published schema (each also sent mutated)."""
SECOND_MUTANT_SHARE = 0.3
SDP_FRAMES = 220
NOTES_FRAMES = 500
BATCH_SIZE = 15
"""Frames per connection: under every per-connection burst limit."""
FLOODS = 5
"""Batches that flood (spread over the run): each must be closed with 4430, and holds
its seat for a while (the capacity is 12)."""
FLOOD_FRAMES = 90
MIN_FRAMES = 3000
FUZZ_SECONDS = 60.0
"""The fuzzer stops sending after this long (then at least MIN_FRAMES must be out)."""
CHAT_INTERVAL = 0.25
MIN_CHATS = 20
"""Chat messages each bystander must have sent: they chatted throughout."""
ANSWER_TIMEOUT = 10.0
JOIN_TIMEOUT = 5.0

CLIENT_SCHEMA: dict[str, Any] = protocol.json_schema()["client"]
"""The published JSON schema of client messages."""
TYPE_NAMES = sorted(CLIENT_SCHEMA["discriminator"]["mapping"])
FIELD_NAMES = sorted({name for d in CLIENT_SCHEMA["$defs"].values()
                      for name in d.get("properties", {})})
ALLOWED_CLOSES = {int(code) for code in CloseCode}
ERROR_CODES = {code.value for code in ErrorCode}
REPLIES = {
    "ping": {"pong", "error"},
    "publish_offer": {"publish_answer", "error"},
    "join": {"error"},
    "admin_hello": {"error"},
}
"""Valid requests that are always answered with their ``re``, and the answers' types."""
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ")
LOG_ALARMS = ("Traceback", "Exception in ASGI application", " ERROR ", " CRITICAL ")


# ------------------------------------------------------------------ the server


@pytest.fixture
def logged_server(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    """A server process (memory storage) whose stdout and stderr go to a file."""
    log = tmp_path / "server.log"
    port = free_port()
    env = dict(os.environ)
    env.update({
        "MENTOR_ROOMS_PORT": str(port),
        "MENTOR_ROOMS_STORAGE_URL": "memory://",
        "MENTOR_ROOMS_MEDIA_HOST_ADDRESSES": json.dumps(["127.0.0.1"]),
        "MENTOR_ROOMS_ADMIN_TOKEN": TEST_ADMIN_TOKEN,
        "MENTOR_ROOMS_LOG_FORMAT": "text",
        "RUST_BACKTRACE": "0",
    })
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "signaling"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    live = LiveServer(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{live.base_url}/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"server did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield live, log
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def log_alarms(log: Path) -> list[str]:
    """The alarming records of the server's log, grouped by where they were raised:
    each group's count and its first record."""
    records: list[list[str]] = []
    for line in log.read_text(errors="replace").splitlines():
        if not records or LOG_RECORD.match(line) or line.startswith("thread '"):  # a panic
            records.append([])
        records[-1].append(line[:500])
    groups: dict[str, list[list[str]]] = {}
    for record in records:
        if any(alarm in line for line in record for alarm in LOG_ALARMS):
            groups.setdefault(_signature(record), []).append(record)
    return [f"server log ({len(found)}x) {signature}:\n" + "\n".join(found[0][:45])
            for signature, found in groups.items()]


def _signature(record: list[str]) -> str:
    """What a log record is about: its level and logger, and the innermost frame and
    the exception of its traceback."""
    head = record[0].split(" ", 4)
    where = " ".join(head[2:4]) if LOG_RECORD.match(record[0]) else record[0][:100]
    frames = [line.strip() for line in record if line.startswith("  File ")]
    ends = [line for line in record[1:] if line and not line.startswith((" ", "note:"))]
    return " | ".join([where] + frames[-1:] + ends[-1:])


# ------------------------------------------------------------------ frames


@dataclass(frozen=True)
class Frame:
    """One WebSocket frame and what the server must do with it."""

    data: bytes
    origin: str
    """How it was made (for reports)."""
    binary: bool
    closes: int | None
    """The close code it must cause (``None``: it gets an answer, the socket stays)."""
    message: protocol.AnyClientMessage | None
    """What it parses to (``None``: malformed, or it closes)."""

    @property
    def malformed(self) -> bool:
        return self.closes is None and self.message is None

    def __str__(self) -> str:
        kind = "binary" if self.binary else "text"
        shown = self.data[:300]
        more = f"... ({len(self.data)} bytes)" if len(self.data) > 300 else ""
        return f"[{self.origin}, {kind}] {shown!r}{more}"


def make_frame(data: bytes, origin: str, binary: bool = False) -> Frame:
    """A frame, with the close it must cause or what it parses to (the server's own
    parser decides)."""
    closes: int | None = None
    message: protocol.AnyClientMessage | None = None
    if len(data) > MAX_MESSAGE_BYTES:
        closes = CloseCode.MESSAGE_TOO_BIG
    elif binary:
        closes = CloseCode.NOT_JSON_TEXT
    else:
        try:
            text = data.decode()
        except UnicodeDecodeError:
            closes = CloseCode.NOT_JSON_TEXT
        else:
            with contextlib.suppress(ValidationError):
                message = protocol.parse_client(text)
    return Frame(data, origin, binary, closes, message)


def schema_examples(count: int) -> list[Any]:
    """``count`` client messages drawn from the published schema (derandomized)."""
    drawn: list[Any] = []

    @settings(max_examples=count, deadline=None, derandomize=True, database=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(from_schema(CLIENT_SCHEMA))
    def draw(message: Any) -> None:
        drawn.append(message)

    draw()
    return drawn


def dumps(value: Any, rng: random.Random) -> bytes:
    """``value`` as JSON, ASCII-escaped or not, compact or spaced."""
    text = json.dumps(value, ensure_ascii=rng.random() < 0.5,
                      separators=(",", ":") if rng.random() < 0.5 else (", ", ": "))
    return text.encode("utf-8", "surrogatepass")


RAW = "@@raw-literal@@"
RAW_LITERALS = [
    "1e400", "-1e400", "-0", "-0.0", "1e-400", "4.9e-324", "1.7976931348623157e308",
    "Infinity", "-Infinity", "NaN", "1" + "0" * 400, "-" + "9" * 400, "9223372036854775808",
    "-9223372036854775809", "18446744073709551616", "0.5", "1E2", "01", "true", "null",
    '""', "[]", "{}", '"\\u0000"', '"\\ud800"', '"\\udfff\\ud800"', '"\\ud83d\\ude00"',
]
WRONG_VALUES: list[Any] = [None, True, False, 0, -1, 1.5, "", "x", "true", "0", [], {}, [1, 2],
                           {"a": 1}, ["ping"], {"type": "ping"}]
LONG_STRINGS = ["x" * 65, "é" * 64, "é" * 65, "\U0001f600" * 65, "x" * 201, "x" * 2001,
                "x" * 4097, "x" * 64_001, "y" * 100_001, " ", "\x00", "\u2028", "\ufeff"]
ODD_TYPES = ["", "PING", "ping ", " leave", "Ping", "__proto__", "constructor", "error",
             "joined", "chat_message", "bye", "admin_hello", "join\x00", "x" * 300]
ODD_DOCUMENTS = [b"", b" ", b"\n", b"null", b"true", b"0", b"-0", b"1e400", b"NaN", b"[]", b"{}",
                 b"[{}]", b'"ping"', b'{"type":null}', b'{"type":1}', b'{"type":["ping"]}',
                 b'{"type":{"ping":1}}', b"\xef\xbb\xbf{}", b"{" * 10, b"}" * 10,
                 b'{"type":"ping"}{"type":"ping"}', b'{"type":"ping",}', b"{'type':'ping'}",
                 b'{"type":"ping" "id":"a"}', b"\x00" * 8, b'{"type":"ping"}\x00']
BYTE_TOKENS = [b'"', b"\\", b"\\u", b"\\ud800", b"\\x", b"\x00", b"{", b"}", b"[", b"]", b",",
               b":", b"\t", b"\r\n", b"\xe2\x80\xa8", b"\xef\xbb\xbf", b"1e400", b"NaN",
               b"-", b"0", b"\\\"", b"null"]
BAD_UTF8 = [b"\xff", b"\xfe", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf",
            b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"\xe2\x82"]


def _slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) of a JSON value."""
    out: list[tuple[Any, Any]] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for k in list(v):
                out.append((v, k))
                walk(v[k])
        elif isinstance(v, list):
            for i in range(len(v)):
                out.append((v, i))
                walk(v[i])

    walk(value)
    return out


def _pick_slot(value: Any, rng: random.Random, names: list[str]) -> tuple[Any, Any]:
    """A place in ``value`` to overwrite: an existing one, or a new field of a known name."""
    slots = _slots(value)
    if isinstance(value, dict) and (not slots or rng.random() < 0.25):
        return value, rng.choice(names)
    if not slots:
        return [value], 0
    return rng.choice(slots)


def _with_raw(value: Any, rng: random.Random, names: list[str], literal: str) -> bytes:
    """``value`` as JSON with raw JSON text ``literal`` in one place."""
    container, key = _pick_slot(value, rng, names)
    container[key] = RAW
    return dumps(value, rng).replace(json.dumps(RAW).encode(), literal.encode(), 1)


def mutate_value(value: Any, rng: random.Random, names: list[str]) -> tuple[str, bytes]:
    """A value-level mutation of a JSON message: (its name, the frame's bytes)."""
    value = copy.deepcopy(value)
    op = rng.randrange(10)
    if op == 0:
        container, key = _pick_slot(value, rng, names)
        container[key] = copy.deepcopy(rng.choice(WRONG_VALUES))
        return "wrong-type", dumps(value, rng)
    if op == 1:
        return "raw-literal", _with_raw(value, rng, names, rng.choice(RAW_LITERALS))
    if op == 2:
        strings = [(c, k) for c, k in _slots(value) if isinstance(c[k], str)]
        container, key = rng.choice(strings) if strings else _pick_slot(value, rng, names)
        current = container[key] if isinstance(container, list) or key in container else ""
        text = json.dumps(str(current))
        cut = rng.randrange(1, len(text))
        surrogate = rng.choice(["\\ud800", "\\udfff", "\\ud83d", "\\udc00\\ud800", "\\uDBFF"])
        container[key] = RAW
        literal = text[:cut] + surrogate + text[cut:]
        return "lone-surrogate", dumps(value, rng).replace(json.dumps(RAW).encode(),
                                                          literal.encode(), 1)
    if op == 3:
        container, key = _pick_slot(value, rng, ["id", "client_message_id", "item_id", "token",
                                                 "display_name", "text", "title", "sdp"])
        container[key] = rng.choice(LONG_STRINGS)
        return "long-string", dumps(value, rng)
    if op == 4 and isinstance(value, dict):
        value[rng.choice(["extra", "re", "ID", "", "__proto__", "Type", "type ", "id\x00"])] = (
            copy.deepcopy(rng.choice(WRONG_VALUES)))
        return "extra-field", dumps(value, rng)
    if op == 5 and isinstance(value, dict) and value:
        del value[rng.choice(list(value))]
        return "missing-field", dumps(value, rng)
    if op == 6 and isinstance(value, dict):
        value["type"] = rng.choice(ODD_TYPES + TYPE_NAMES)
        return "other-type", dumps(value, rng)
    if op == 7:
        depth = rng.choice([64, 1000, 5000, 40_000])
        nested = "[" * depth + "]" * depth if rng.random() < 0.5 else (
            '{"a":' * depth + "1" + "}" * depth)
        return f"nesting-{depth}", _with_raw(value, rng, names, nested)
    if op == 8:
        data = dumps(value, rng)
        brace = data.find(b"{")
        extra = rng.choice([b'"type":"leave",', b'"id":"dup",', b'"type":"ping",', b'"id":null,'])
        return "duplicate-key", data[:brace + 1] + extra + data[brace + 1:]
    return "odd-document", rng.choice(ODD_DOCUMENTS)


def mutate_bytes(data: bytes, rng: random.Random, other: bytes,
                 tokens: list[bytes] = BYTE_TOKENS) -> tuple[str, bytes]:
    """A byte-level mutation: (its name, the new bytes)."""
    b = bytearray(data)
    op = rng.randrange(7)
    at = rng.randrange(len(b) + 1)
    if op == 0:
        return "truncated", bytes(b[:at])
    if op == 1 and b:
        for _ in range(rng.randint(1, 3)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        return "bit-flip", bytes(b)
    if op == 2:
        noise = bytes(rng.randrange(0x20, 0x7F) if rng.random() < 0.8 else rng.randrange(256)
                      for _ in range(rng.randint(1, 8)))
        return "random-bytes", bytes(b[:at] + noise + b[at:])
    if op == 3:
        return "token", bytes(b[:at] + rng.choice(tokens) + b[at:])
    if op == 4:
        return "deleted-slice", bytes(b[:at] + b[at + rng.randint(1, 16):])
    if op == 5:
        piece = b[at:at + rng.randint(1, 32)]
        return "repeated-slice", bytes(b[:at] + piece * rng.randint(2, 4) + b[at:])
    return "splice", bytes(b[:at]) + other[rng.randrange(len(other) + 1):]


def closing_frame(data: bytes, rng: random.Random) -> Frame:
    """A frame the server must close: binary, not UTF-8, or over the size limit."""
    op = rng.randrange(3)
    if op == 0:
        return make_frame(data[:4096], "binary", binary=True)
    if op == 1:
        at = rng.randrange(len(data) + 1)
        return make_frame(data[:at] + rng.choice(BAD_UTF8) + data[at:], "not-utf8")
    size = rng.randrange(MAX_MESSAGE_BYTES + 1, 200_000)
    big = json.dumps({"type": "chat_send", "client_message_id": "big", "text": "x" * size})
    return make_frame(big.encode(), "oversize")


# -------------------------------------------------------- payload seeds: SDP, Yjs

SDP_OFFER = "\r\n".join([
    "v=0", "o=- 4005189324 4005189324 IN IP4 0.0.0.0", "s=-", "t=0 0",
    "a=group:BUNDLE 0 1", "a=msid-semantic:WMS *",
    "m=audio 9 UDP/TLS/RTP/SAVPF 96 0", "c=IN IP4 0.0.0.0", "a=sendonly",
    "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid", "a=mid:0", "a=msid:s a",
    "a=rtcp:9 IN IP4 0.0.0.0", "a=rtcp-mux", "a=ssrc:1 cname:c", "a=rtpmap:96 opus/48000/2",
    "a=rtpmap:0 PCMU/8000", "a=candidate:f 1 udp 2130706431 127.0.0.1 9 typ host",
    "a=end-of-candidates", "a=ice-ufrag:X1Vt", "a=ice-pwd:B9WLKzibgu9V2IleWrY9WH",
    "a=fingerprint:sha-256 5B:83:1F:9A:B9:90:0F:F8:2B:31:07:B5:0F:98:AF:46:03:AB:A8:1D:0F:"
    "AA:89:19:F2:06:55:6B:B9:21:6F:51",
    "a=setup:actpass", "m=video 9 UDP/TLS/RTP/SAVPF 97 98", "c=IN IP4 0.0.0.0", "a=sendonly",
    "a=mid:1", "a=msid:s v", "a=rtcp-mux", "a=ssrc-group:FID 2 3", "a=ssrc:2 cname:c",
    "a=ssrc:3 cname:c", "a=rtpmap:97 VP8/90000", "a=rtcp-fb:97 nack pli",
    "a=rtpmap:98 rtx/90000", "a=fmtp:98 apt=97", "a=ice-ufrag:X1Vt",
    "a=ice-pwd:B9WLKzibgu9V2IleWrY9WH",
    "a=fingerprint:sha-256 5B:83:1F:9A:B9:90:0F:F8:2B:31:07:B5:0F:98:AF:46:03:AB:A8:1D:0F:"
    "AA:89:19:F2:06:55:6B:B9:21:6F:51",
    "a=setup:actpass", "",
])
"""A browser-like publish offer (Opus and VP8), as aiortc writes one."""
SDP_TOKENS = ["", "-1", "0", "99999999999999999999", "abc", "x:y", "IN", "IP6", "::1",
              "UDP/TLS/RTP/SAVPF", "opus/48000/2", "VP8/90000", "apt=", "=", "é", "\x00"]


def mutate_sdp(rng: random.Random) -> tuple[str, str]:
    """A mutant of :data:`SDP_OFFER`: (the mutations' names, the SDP)."""
    lines = SDP_OFFER.split("\r\n")
    names = []
    if rng.random() < 0.25:  # the few lines of a media section around one attribute
        start = rng.choice([i for i, line in enumerate(lines) if line.startswith("m=")])
        lines = [lines[start]] + rng.sample(lines, rng.randint(1, 3))
        names.append("few-lines")
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(6)
        j = rng.randrange(len(lines))
        if op == 0:
            del lines[j]
            names.append("drop-line")
        elif op == 1:
            lines[j] = lines[j][:rng.randrange(len(lines[j]) + 1)]
            names.append("cut-line")
        elif op == 2:
            parts = lines[j].split(" ")
            parts[rng.randrange(len(parts))] = rng.choice(SDP_TOKENS)
            lines[j] = " ".join(parts)
            names.append("token")
        elif op == 3:
            lines.insert(j, rng.choice(lines))
            names.append("repeat-line")
        elif op == 4 and lines[j]:
            k = rng.randrange(len(lines[j]))
            lines[j] = lines[j][:k] + rng.choice(" :/=x-0\t") + lines[j][k + 1:]
            names.append("char")
        else:
            lines[j] = lines[j].replace("audio", "video") if "audio" in lines[j] else (
                lines[j].replace("video", "audio"))
            names.append("kind")
    separator = "\r\n" if rng.random() < 0.8 else "\n"
    return "+".join(names), separator.join(lines)


def sdp_frames(rng: random.Random, count: int) -> list[Frame]:
    """``publish_offer`` (and some ``subscribe_answer``) frames with mutated SDP; every
    one has its own id, so its answer can be matched."""
    frames = [make_frame(json.dumps({"type": "publish_offer", "id": f"sdp-valid-{n}",
                                     "sdp": SDP_OFFER}).encode(), "sdp-valid")
              for n in range(3)]
    for n in range(count):
        names, sdp = mutate_sdp(rng)
        if rng.random() < 0.8:
            body: dict[str, Any] = {"type": "publish_offer", "id": f"sdp-{n}", "sdp": sdp}
        else:
            body = {"type": "subscribe_answer", "id": f"sdp-{n}",
                    "revision": rng.randrange(4), "sdp": sdp.replace("sendonly", "recvonly")}
        frames.append(make_frame(json.dumps(body).encode(), f"sdp:{names}"))
    return frames


def yjs_seeds() -> list[bytes]:
    """Real notes updates, whole documents and the incremental ones clients send per
    edit, of clients with small, 32-bit (as browsers pick) and 53-bit ids."""
    seeds = []
    for client_id in (7, 0xD1AC9BCE, 2**53 - 1):
        doc: Doc[Text] = Doc(client_id=client_id)
        notes = doc.get("notes", type=Text)
        notes += "Goals for the week"
        seeds.append(doc.get_update())
        before = doc.get_state()
        notes.insert(9, " this")
        seeds.append(doc.get_update(before))
        before = doc.get_state()
        del notes[0:2]
        seeds += [doc.get_update(before), doc.get_update()]
    return seeds


def varint(n: int) -> bytes:
    """``n`` as an unsigned LEB128 varint (the integers of a Yjs update)."""
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    return bytes(out + bytes([n]))


YJS_INTEGERS = [0, 1, 2**31 - 1, 2**32 - 1, 2**32 + 1, 2**53 - 1, 2**63 - 1, 2**64 - 1]
YJS_TOKENS = [varint(n) for n in YJS_INTEGERS] + [b"\x80" * 9 + b"\x01", b"\x04", b"\x08"]


def mutate_varint(data: bytes, rng: random.Random) -> bytes:
    """Replaces one varint of ``data`` (one that starts anywhere a byte < 0x80 ended
    the one before) with an extreme integer."""
    starts = [i for i in range(len(data)) if i == 0 or data[i - 1] < 0x80]
    if not starts:
        return data
    start = end = rng.choice(starts)
    while end < len(data) and data[end] >= 0x80:
        end += 1
    return data[:start] + varint(rng.choice(YJS_INTEGERS)) + data[end + 1:]


def notes_frames(rng: random.Random, count: int) -> list[Frame]:
    """``notes_update`` frames carrying mutated Yjs updates (some not base64)."""
    seeds = yjs_seeds()
    frames = []
    for n in range(count):
        update, names = rng.choice(seeds), []
        for _ in range(rng.randint(1, 2)):
            if rng.random() < 0.6:
                update, name = mutate_varint(update, rng), "varint"
            else:
                name, update = mutate_bytes(update, rng, rng.choice(seeds), YJS_TOKENS)
            names.append(name)
        text = base64.b64encode(update).decode() or "AA=="
        if rng.random() < 0.1:
            text = rng.choice([text.rstrip("="), text + "*", text.replace("/", "_"), " " + text])
            names.append("bad-base64")
        body = {"type": "notes_update", "id": f"notes-{n}", "update": text}
        frames.append(make_frame(json.dumps(body).encode(), "notes:" + "+".join(names)))
    return frames


REGRESSIONS: list[list[dict[str, Any]]] = [
    # aiortc's SDP parser raises AssertionError, AttributeError and StopIteration (a
    # RuntimeError once it leaves a coroutine), not only ValueError.
    [{"type": "publish_offer", "id": "regression-1", "sdp": "m=audio 9 -1 96 0"},
     {"type": "publish_offer", "id": "regression-2",
      "sdp": "m=video 9 UDP/TLS/RTP/SAVPF 97 98\r\na=ssrc-group"},
     {"type": "publish_offer", "id": "regression-3",
      "sdp": "m=video 9 UDP/TLS/RTP/SAVPF 97 98\r\na=fmtp:98 apt=97"},
     {"type": "publish_offer", "id": "regression-4",
      "sdp": "m=audio 9 UDP/TLS/RTP/SAVPF 96 0\r\na=candidate:f 1 udp 2130706431 12"}],
    # An offer the check passes but aiortc cannot answer (BUNDLE names a missing mid);
    # closing its peer connection then raises AttributeError.
    [{"type": "publish_offer", "id": "regression-5",
      "sdp": "a=group:BUNDLE 0 1\r\nm=video 9 UDP/TLS/RTP/SAVPF 97 98\r\na=sendonly\r\n"
             "a=mid:1\r\na=rtcp-mux\r\na=rtpmap:97 VP8/90000\r\na=ice-ufrag:X1Vt\r\n"
             "a=ice-pwd:B9WLKzibgu9V2IleWrY9WH\r\na=setup:actpass"}],
    # Yjs updates that make yrs panic (pyo3's PanicException is a BaseException).
    [{"type": "notes_update", "id": "regression-6", "update": "AQEF/////w8AAAEFAQAA"}],
    [{"type": "notes_update", "id": "regression-7",
      "update": "AQEHAAQBBW5vdGVzEkdvYWxzIGZvciB0aGUgd2VlawA="},
     {"type": "notes_update", "id": "regression-8", "update": "AQEH/////w/EBwgHCQUgdGhpcwA="}],
    [{"type": "notes_update", "id": "regression-9",
      "update": "AQT/////////D/////8PAQEFbm90ZXMChA8BB2FscyBmb3KEDwgJIHBoZSB3ZWVrxA8IDwkF"
                "IHRoaXMB/////////w8BAAI="}],
]
"""Minimized inputs this fuzzer found, each list always sent as a batch of its own."""
LAST_REGRESSION = [
    # Yjs updates the notes accept, after which encoding the document (every join's
    # snapshot) panics: no one can join the session any more. Sent last, then a
    # newcomer must be able to join.
    {"type": "notes_update", "id": "regression-10",
     "update": "AQH/////////D/////8HxP////////8PCP////////8PCQUgdGhpcwA="},
    {"type": "notes_update", "id": "regression-11",
     "update": "AQH/////////DwAEAQVub3RlcxJHb2FscyBmb3IgdGhlIHdlZWsA"},
    {"type": "notes_update", "id": "regression-12",
     "update": "AQT/////////D/////////8PAQEFbm90ZXMChP////////8PAQdhbHMgZm9yhP////////8PCAkg"
               "dGhlIHdlZWvE/////////w8I/////////w8JBSB0aGlzAf//7/v///8PAQAC"},
]


def build_corpus(rng: random.Random) -> list[Frame]:
    """Every frame the fuzzer sends (besides floods), shuffled."""
    examples = schema_examples(SCHEMA_EXAMPLES)
    raw = [dumps(example, rng) for example in examples]
    frames: list[Frame] = []
    for example, data in zip(examples, raw, strict=True):
        frames.append(make_frame(data, "schema"))
        for _ in range(2 if rng.random() < SECOND_MUTANT_SHARE else 1):
            roll = rng.random()
            if roll < 0.45:
                name, mutant = mutate_value(example, rng, FIELD_NAMES)
            elif roll < 0.92:
                name, mutant = mutate_bytes(data, rng, rng.choice(raw))
            else:
                frames.append(closing_frame(data, rng))
                continue
            frames.append(make_frame(mutant, f"schema+{name}"))
    frames += sdp_frames(rng, SDP_FRAMES) + notes_frames(rng, NOTES_FRAMES)
    rng.shuffle(frames)
    return frames


@dataclass(frozen=True)
class Batch:
    """Frames sent on one connection."""

    frames: tuple[Frame, ...]
    flood: bool = False

    def describe(self) -> str:
        return "\n".join(f"    {frame}" for frame in self.frames[:BATCH_SIZE])


def plan_batches(frames: list[Frame]) -> list[Batch]:
    """Cuts the frames into batches (at most :data:`BATCH_SIZE`, ending after a frame
    that closes the socket or a valid ``leave``), with the floods and the regressions
    spread among them."""
    batches: list[Batch] = []
    current: list[Frame] = []
    for frame in frames:
        current.append(frame)
        if (frame.closes is not None or isinstance(frame.message, protocol.Leave)
                or len(current) >= BATCH_SIZE):
            batches.append(Batch(tuple(current)))
            current = []
    if current:
        batches.append(Batch(tuple(current)))
    flood = Batch(tuple(make_frame(b"{not json", "flood") for _ in range(FLOOD_FRAMES)), True)
    regressions = [
        Batch(tuple(make_frame(json.dumps(m).encode(), "regression") for m in regression))
        for regression in REGRESSIONS]
    extra = [b for pair in itertools.zip_longest([flood] * FLOODS, regressions)
             for b in pair if b is not None]
    step = len(batches) // (len(extra) + 1)
    for n, batch in enumerate(extra):
        batches.insert((n + 1) * step + n, batch)
    return batches + [Batch(tuple(make_frame(json.dumps(m).encode(), "regression")
                                  for m in LAST_REGRESSION))]


# ------------------------------------------------------------------ clients


def typed(raw: str | bytes, report: Callable[[str, str], None], who: str) -> dict[str, Any]:
    """A received message, checked: a typed server message, errors with a known code."""
    if isinstance(raw, bytes):
        report("binary message from the server", f"{who}: {raw[:200]!r}")
        return {"type": "?"}
    try:
        protocol.parse_server(raw)
    except ValidationError as exc:
        report("untyped message from the server", f"{who}: {raw[:300]!r}: {exc}")
        return {"type": "?"}
    message: dict[str, Any] = json.loads(raw)
    if message["type"] == "error" and message["code"] not in ERROR_CODES:
        report("unknown error code", f"{who}: {message}")
    return message


def join_session(ws: ClientConnection, token: str, name: str,
         report: Callable[[str, str], None]) -> dict[str, Any]:
    """Sends ``join``; the ``joined`` snapshot.

    Raises:
        ConnectionClosed: The join was refused.
        TimeoutError: No answer.
    """
    ws.send(json.dumps({"type": "join", "protocol_version": PROTOCOL_VERSION, "token": token,
                        "display_name": name}))
    while True:
        message = typed(ws.recv(JOIN_TIMEOUT), report, name)
        if message["type"] == "joined":
            return message


class Bystander(threading.Thread):
    """A well-behaved participant chatting every :data:`CHAT_INTERVAL` seconds."""

    def __init__(self, ws: ClientConnection, name: str, token: str) -> None:
        super().__init__(name=f"bystander {name}", daemon=True)
        self.ws = ws
        self.who = name
        self.problems: list[str] = []
        self.participant_id = join_session(ws, token, name, self._report)["you"]["participant_id"]
        self.sent: list[str] = []
        self.echoed: set[str] = set()
        self.received: Counter[str] = Counter()
        self.stop = threading.Event()
        self.finish_by = 0.0

    def _report(self, kind: str, detail: str) -> None:
        self.problems.append(f"{kind}: {detail}")

    def run(self) -> None:
        next_chat = time.monotonic()
        try:
            while True:
                now = time.monotonic()
                if self.stop.is_set() and len(self.sent) >= MIN_CHATS:
                    if set(self.sent) <= self.echoed or now > self.finish_by:
                        return
                elif now >= next_chat:  # a fast fuzz run ends early: chat on to MIN_CHATS
                    cmid = f"bystander-{self.who}-{len(self.sent)}"
                    self.ws.send(json.dumps({"type": "chat_send", "id": cmid,
                                             "client_message_id": cmid,
                                             "text": f"{self.who} says {len(self.sent)}"}))
                    self.sent.append(cmid)
                    next_chat = max(next_chat + CHAT_INTERVAL, now)
                try:
                    raw = self.ws.recv(max(0.0, min(next_chat - now, 0.1)))
                except TimeoutError:
                    continue
                self._take(raw)
        except ConnectionClosed as exc:
            self._report("closed", f"{exc.rcvd} (sent {exc.sent})")
        except Exception as exc:  # the thread's report is the test's only view of it
            self._report("crashed", repr(exc))

    def _take(self, raw: str | bytes) -> None:
        message = typed(raw, self._report, self.who)
        self.received[message["type"]] += 1
        if message["type"] in ("error", "bye"):
            self._report(f"got {message['type']}", json.dumps(message)[:300])
        if (message["type"] == "chat_message"
                and message["message"]["participant_id"] == self.participant_id):
            self.echoed.add(message["message"]["client_message_id"])

    def finish(self) -> list[str]:
        """Stops chatting, waits for the last echoes; every problem seen."""
        self.finish_by = time.monotonic() + ANSWER_TIMEOUT + MIN_CHATS * CHAT_INTERVAL
        self.stop.set()
        self.join(ANSWER_TIMEOUT + MIN_CHATS * CHAT_INTERVAL + 5)
        missing = [c for c in self.sent if c not in self.echoed]
        if missing:
            self._report("chat never came back",
                         f"{len(missing)} of {len(self.sent)}: {missing[:5]}")
        if len(self.sent) < MIN_CHATS:
            self._report("chatted too little", f"{len(self.sent)} messages")
        return [f"{self.who}: {p}" for p in self.problems]


@dataclass
class Fuzzer:
    """Plays batches, each on a connection of its own, and checks every answer."""

    server: LiveServer
    session_id: str
    mentor_token: str
    http: httpx.Client
    sent: int = 0
    batches: int = 0
    closes: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    origins: Counter[str] = field(default_factory=Counter)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def report(self, kind: str, detail: str) -> None:
        self.problems.setdefault(kind, []).append(detail)

    def invite(self) -> str:
        r = self.http.post(f"/api/sessions/{self.session_id}/invites",
                           json={"role": "mentee", "display_name": "Fuzzer"},
                           headers={"Authorization": f"Bearer {self.mentor_token}"})
        r.raise_for_status()
        token: str = r.json()["token"]
        return token

    def run(self, batches: list[Batch], deadline: float) -> None:
        token: str | None = None
        refused_in_a_row = 0
        for number, batch in enumerate(batches):
            if time.monotonic() > deadline:
                break
            token = token or self.invite()
            with connect(self.server.ws_url(self.session_id), max_size=2**24) as ws:
                try:
                    join_session(ws, token, "Fuzzer", self.report)
                except (ConnectionClosed, TimeoutError) as exc:
                    self.report("the fuzzer's join was refused", f"batch {number}: {exc!r}")
                    token = None
                    refused_in_a_row += 1
                    if refused_in_a_row >= 3:  # the session is broken: go on in a new one
                        self.report("the session took no more joins", f"before batch {number}")
                        self.session_id, self.mentor_token = self.server.create_session(
                            "circle", capacity=12, title="Fuzzing goes on")
                    continue
                refused_in_a_row = 0
                self.batches += 1
                code = self.play(ws, batch, number)
                if code is None:
                    self.leave(ws)
            # a socket closed for a bad frame resumes its held seat with the same identity
            if code not in (CloseCode.NOT_JSON_TEXT, CloseCode.MESSAGE_TOO_BIG):
                token = None

    def probe(self) -> None:
        """A newcomer can still join (the session's stored state is sound)."""
        with connect(self.server.ws_url(self.session_id), max_size=2**24) as ws:
            try:
                join_session(ws, self.invite(), "Newcomer", self.report)
            except (ConnectionClosed, TimeoutError) as exc:
                self.report("a newcomer cannot join after the fuzzing", repr(exc))

    def play(self, ws: ClientConnection, batch: Batch, number: int) -> int | None:
        """Sends a batch and a sentinel ping, reads to the sentinel's answer or the
        close, checks everything; the close code (``None``: still open, 0: silent)."""
        sentinel = f"sentinel-{number}-{SEED}"
        try:
            for frame in batch.frames:
                ws.send(frame.data, text=not frame.binary)
                self.sent += 1
                self.origins[frame.origin.split(":")[0].split("+")[0]] += 1
            ws.send(json.dumps({"type": "ping", "id": sentinel}))
        except ConnectionClosed:
            pass
        received: list[dict[str, Any]] = []
        code: int | None = None
        try:
            while True:
                message = typed(ws.recv(ANSWER_TIMEOUT), self.report, f"batch {number}")
                received.append(message)
                if message["type"] == "error":
                    self.errors[message["code"]] += 1
                if message.get("re") == sentinel and message["type"] in ("pong", "error"):
                    break
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd is not None else 1006
            self.closes[code] += 1
        except TimeoutError:
            self.report("no answer to the sentinel ping",
                        f"batch {number} (nothing for {ANSWER_TIMEOUT} s):\n{batch.describe()}")
            return 0
        self.check(batch, number, received, code)
        return code

    def check(self, batch: Batch, number: int, received: list[dict[str, Any]],
              code: int | None) -> None:
        last = batch.frames[-1]
        leaves = isinstance(last.message, protocol.Leave)
        where = f"batch {number}, close {code}:\n{batch.describe()}"
        if code is not None and code not in ALLOWED_CLOSES:
            self.report(f"close code {code} is not ours", where)
        if batch.flood:
            if code != CloseCode.TOO_MANY_MESSAGES:
                self.report("a flood was not closed with 4430", where)
            return
        if code is not None and code != last.closes and not (leaves and code == 1000):
            self.report(f"unexpected close {code}", where)
            return
        if last.closes is not None and code is None:
            self.report(f"not closed with {last.closes}", where)
        if leaves and code == 1000 and not any(m["type"] == "bye" for m in received):
            self.report("left without bye", where)
        if code == CloseCode.MESSAGE_TOO_BIG:
            return  # the WebSocket library closes at once: answers still queued are dropped
        codes = Counter(m["code"] for m in received if m["type"] == "error")
        # the app answers a frame it closes with 4415 with an error first
        closed_by_app = code == last.closes == CloseCode.NOT_JSON_TEXT
        malformed = sum(f.malformed for f in batch.frames) + closed_by_app
        if not codes["malformed_message"] <= malformed <= (
                codes["malformed_message"] + codes["rate_limited"]):
            self.report("malformed frames and their errors differ",
                        f"{malformed} malformed, errors {dict(codes)}; {where}")
        if code is not None:
            return  # replies to valid requests after the close are dropped
        answers = Counter(m.get("re") for m in received)
        ids = Counter(f.message.id for f in batch.frames if f.message is not None)
        for frame in batch.frames:
            request = frame.message
            if (request is None or request.type not in REPLIES or request.id is None
                    or ids[request.id] > 1):
                continue
            kinds = {m["type"] for m in received if m.get("re") == request.id}
            if not answers[request.id] or not kinds <= REPLIES[request.type]:
                self.report(f"no answer to a valid {request.type}",
                            f"{frame} got {sorted(kinds)}; batch {number}")

    def leave(self, ws: ClientConnection) -> None:
        """Leaves (frees the seat), retrying if ``leave`` itself was rate limited."""
        try:
            for _ in range(3):
                ws.send(json.dumps({"type": "leave", "id": "fuzzer-leaves"}))
                while True:
                    message = typed(ws.recv(ANSWER_TIMEOUT), self.report, "leave")
                    if message.get("re") == "fuzzer-leaves" and message["type"] == "error":
                        time.sleep(0.6)
                        break
        except ConnectionClosed as exc:
            if exc.rcvd is None or exc.rcvd.code != CloseCode.NORMAL:
                self.report("leave not closed with 1000", repr(exc))
            return
        except TimeoutError:
            pass
        self.report("leave not answered", "no close after three leave messages")

    def summary(self) -> str:
        return (f"{self.sent} frames on {self.batches} connections; by origin "
                f"{dict(self.origins)}; closes {dict(self.closes)}; errors {dict(self.errors)}")

    def problem_lines(self) -> list[str]:
        return [f"{kind} ({len(cases)}x), e.g.:\n" + "\n".join(cases[:3])
                for kind, cases in self.problems.items()]


# ------------------------------------------------------------------ the test


def test_thousands_of_generated_and_mutated_messages_get_typed_answers_while_others_chat(
        logged_server: tuple[LiveServer, Path]) -> None:
    server, log = logged_server
    started = time.monotonic()
    batches = plan_batches(build_corpus(random.Random(SEED)))
    sid, mentor = server.create_session("circle", capacity=12, title="Fuzzing")
    with httpx.Client(base_url=server.base_url, timeout=10) as http, \
            contextlib.ExitStack() as sockets:
        def socket() -> ClientConnection:
            return sockets.enter_context(connect(server.ws_url(sid), max_size=2**24))

        mentee = server.invite(sid, mentor, "mentee", "Ana")["token"]
        bystanders = [Bystander(socket(), "Maya", mentor), Bystander(socket(), "Ana", mentee)]
        for bystander in bystanders:
            bystander.start()
        fuzzer = Fuzzer(server, sid, mentor, http)
        fuzzer.run(batches, started + FUZZ_SECONDS)
        fuzzer.probe()
        problems = [p for b in bystanders for p in b.finish()]
    problems += fuzzer.problem_lines()
    time.sleep(0.5)  # the last log lines
    problems += log_alarms(log)
    summary = f"{fuzzer.summary()}; {time.monotonic() - started:.0f} s"
    print(summary)
    assert fuzzer.sent >= MIN_FRAMES, summary
    assert not problems, summary + "\n\n" + "\n\n".join(problems)
