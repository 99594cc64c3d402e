"""Hostile clients against a real server: what the well-behaved ones still get.

Usage: ``python -m load_tests.hostile_load [--seconds 20] [--server-dir DIR]``

Starts ``python -m signaling`` (memory storage) pinned to CPU 0, this process on CPU 1,
and runs two experiments, each as a reference phase and a hostile phase in the same
run, so the figures are ratios against a reference measured alongside:

- **flood**: a circle with a mentor and a mentee who each send a chat message every
  200 ms and time its echo (their chat round trip), and count refusals. In the hostile
  phase a third participant sends ``chat_send`` and ``notes_update`` as fast as the
  socket takes them and rejoins whenever it is closed; in the "at the limits" phase a
  fourth sends chat, notes (real Yjs updates), agenda items, quality reports and pings
  each just under its limit, the most a client can sustain without being closed.
- **joins**: sequential joins (open, ``join``, ``joined``; then leave) of a
  participant, timed. In the hostile phase 1,000 WebSockets that never send anything
  and 200 TCP connections that sent half an HTTP request are held open against the
  server (each reopened as soon as the server closes it).

``--server-dir`` runs the server from another checkout (e.g. the previous build).
Prints JSON with p50/p95/p99 and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import time
from typing import Any

import httpx
import websockets
from pycrdt import Doc, Text
from websockets.asyncio.client import ClientConnection

from load_tests.relay_cost import percentile
from load_tests.server import add_credential_option, bearer, own_server_credential, running_server
from signaling import protocol

CHAT_EVERY = 0.2


def _summary(values: list[float]) -> dict[str, float]:
    ms = sorted(v * 1000 for v in values)
    if not ms:
        return {"n": 0}
    return {"n": len(ms), "p50_ms": round(percentile(ms, 0.50), 2),
            "p95_ms": round(percentile(ms, 0.95), 2), "p99_ms": round(percentile(ms, 0.99), 2),
            "max_ms": round(ms[-1], 2)}


async def _join(url: str, token: str, name: str) -> ClientConnection:
    ws = await websockets.connect(url, max_size=2**22)
    await ws.send(protocol.encode(protocol.Join(
        protocol_version=protocol.PROTOCOL_VERSION, token=token, display_name=name)))
    while json.loads(await ws.recv())["type"] != "joined":
        pass
    return ws


class Chatter:
    """A well-behaved participant: a chat message every 200 ms, its echo timed."""

    def __init__(self, ws: ClientConnection, name: str) -> None:
        self.ws = ws
        self.name = name
        self.sent: dict[str, float] = {}
        self.round_trips: list[float] = []
        self.refusals = 0
        self.closed = False
        self.close_code: int | None = None

    async def read(self) -> None:
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                if message["type"] == "error":
                    self.refusals += 1
                elif message["type"] == "chat_message":
                    cid = message["message"]["client_message_id"]
                    if (sent := self.sent.pop(cid, None)) is not None:
                        self.round_trips.append(time.perf_counter() - sent)
        except websockets.ConnectionClosed:
            pass
        self.closed = True

    async def chat(self, seconds: float, tag: str) -> None:
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            cid = f"{self.name}-{tag}-{n}"
            self.sent[cid] = time.perf_counter()
            try:
                await self.ws.send(json.dumps({"type": "chat_send", "client_message_id": cid,
                                               "text": "how is the week going?"}))
            except websockets.ConnectionClosed as exc:  # the server closed a bystander
                self.closed = True
                self.close_code = exc.rcvd.code if exc.rcvd else None
                return
            n += 1
            await asyncio.sleep(CHAT_EVERY)


async def _flooder(url: str, token: str, stop: asyncio.Event, counts: dict[str, int]) -> None:
    notes = base64.b64encode(b"\x01\x02\x03").decode()
    n = 0
    while not stop.is_set():
        try:
            ws = await websockets.connect(url, max_size=2**22)
            await ws.send(protocol.encode(protocol.Join(
                protocol_version=protocol.PROTOCOL_VERSION, token=token,
                display_name="Flood")))
            reply = json.loads(await ws.recv())
            if reply["type"] != "joined":
                counts["rejoins_refused"] += 1
                await ws.close()
                await asyncio.sleep(0.05)
                continue
            counts["joins"] += 1
            drain = asyncio.create_task(_drain(ws))
            while not stop.is_set():
                for _ in range(5):
                    await ws.send(json.dumps({"type": "chat_send", "text": "spam",
                                              "client_message_id": f"f{n}"}))
                    n += 1
                await ws.send(json.dumps({"type": "notes_update", "update": notes}))
                counts["sent"] += 6
                await asyncio.sleep(0)
            drain.cancel()
            await ws.close()
        except (websockets.ConnectionClosed, OSError):
            counts["closed"] += 1
            await asyncio.sleep(0.01)


STEADY_PER_SECOND = {"chat": 4, "notes": 36, "board": 9, "quality": 4, "ping": 9}
"""Just under each kind's limit (signaling/edge/limits.py): a flooder that is never
closed, the most a client can sustain."""


async def _steady_flooder(url: str, token: str, stop: asyncio.Event,
                          counts: dict[str, int]) -> None:
    doc: Doc[Text] = Doc()
    text = doc.get("notes", type=Text)
    ws = await _join(url, token, "Steady")
    drain = asyncio.create_task(_drain(ws))
    schedule = [kind for kind, rate in STEADY_PER_SECOND.items() for _ in range(rate)]
    gap = 1.0 / len(schedule)
    n = 0
    try:
        while not stop.is_set():
            for kind in schedule:
                if kind == "chat":
                    message: dict[str, Any] = {"type": "chat_send", "text": "steady",
                                               "client_message_id": f"s{n}"}
                elif kind == "notes":
                    before = doc.get_state()
                    text.insert(len(text), "x")
                    message = {"type": "notes_update", "update": base64.b64encode(
                        doc.get_update(before)).decode()}
                elif kind == "board":
                    message = {"type": "agenda_add", "title": f"item {n}"}
                elif kind == "quality":
                    message = {"type": "quality_report", "window_ms": 1000,
                               "packets_received": 0, "packets_lost": 0,
                               "bytes_received": 0, "jitter_ms": 0}
                else:
                    message = {"type": "ping", "id": f"p{n}"}
                await ws.send(json.dumps(message))
                counts["sent"] += 1
                n += 1
                await asyncio.sleep(gap)
    except websockets.ConnectionClosed:
        counts["closed"] += 1
    drain.cancel()
    await ws.close()


async def _drain(ws: ClientConnection) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for _ in ws:
            pass


async def flood(base: str, credential: str, seconds: float) -> dict[str, Any]:
    """The chat round trip of two people without, then with, a flooder."""
    async with httpx.AsyncClient(base_url=base) as http:
        r = await http.post("/api/sessions", headers=bearer(credential), json={
            "kind": "circle", "title": "flood", "capacity": 6, "mentor_name": "Maya"})
        r.raise_for_status()
        sid, mentor = r.json()["session"]["session_id"], r.json()["mentor_invite"]["token"]
        tokens = [(await http.post(f"/api/sessions/{sid}/invites", json={"role": "mentee"},
                                   headers=bearer(mentor))).json()["token"] for _ in range(3)]
    url = base.replace("http", "ws", 1) + f"/ws/sessions/{sid}"
    people = [Chatter(await _join(url, mentor, "Maya"), "maya"),
              Chatter(await _join(url, tokens[0], "Ana"), "ana")]
    readers = [asyncio.create_task(p.read()) for p in people]
    out: dict[str, Any] = {}
    for phase in ("reference", "flooded", "at_the_limits"):
        for p in people:
            p.round_trips, p.refusals, p.sent = [], 0, {}
        stop = asyncio.Event()
        counts = {"sent": 0, "joins": 0, "closed": 0, "rejoins_refused": 0}
        flooder = (asyncio.create_task(_flooder(url, tokens[1], stop, counts))
                   if phase == "flooded" else
                   asyncio.create_task(_steady_flooder(url, tokens[2], stop, counts))
                   if phase == "at_the_limits" else None)
        await asyncio.gather(*(p.chat(seconds, phase) for p in people))
        await asyncio.sleep(1)
        stop.set()
        if flooder is not None:
            await flooder
        out[phase] = {"round_trip": _summary([t for p in people for t in p.round_trips]),
                      "refusals_of_others": sum(p.refusals for p in people),
                      "echoes_missing": sum(len(p.sent) for p in people),
                      "others_closed": [p.close_code for p in people if p.closed]}
        if any(p.closed for p in people):
            break  # the hostile client pushed the others out: nothing more to measure
        if flooder is not None:
            out[phase]["flooder"] = {**counts, "per_second": round(counts["sent"] / seconds)}
    for p in people:
        await p.ws.close()
    for task in readers:
        task.cancel()
    ref = out["reference"]["round_trip"]
    for phase in [p for p in ("flooded", "at_the_limits") if p in out]:
        hot = out[phase]["round_trip"]
        out[phase]["p99_ratio"] = round(hot["p99_ms"] / ref["p99_ms"], 2)
    return out


async def _hold_websocket(url: str, stop: asyncio.Event, held: list[int]) -> None:
    while not stop.is_set():
        try:
            async with websockets.connect(url, open_timeout=20) as ws:
                held[0] += 1
                with contextlib.suppress(websockets.ConnectionClosed):
                    await ws.wait_closed()
                held[0] -= 1
                held[2] += 1
        except (OSError, TimeoutError, websockets.InvalidHandshake):
            await asyncio.sleep(0.2)


async def _hold_half_open(host: str, port: int, stop: asyncio.Event, held: list[int]) -> None:
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            await asyncio.sleep(0.2)
            continue
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        held[1] += 1
        with contextlib.suppress(OSError):
            await reader.read()  # returns when the server closes it
        held[1] -= 1
        held[3] += 1
        writer.close()


async def joins(base: str, credential: str, count: int) -> dict[str, Any]:
    """Join latency without, then with, 1,000 idle WebSockets and 200 half-open
    connections held against the server."""
    async with httpx.AsyncClient(base_url=base) as http:
        r = await http.post("/api/sessions", headers=bearer(credential),
                            json={"kind": "one_on_one", "title": "joins"})
        sid, mentor = r.json()["session"]["session_id"], r.json()["mentor_invite"]["token"]
    url = base.replace("http", "ws", 1) + f"/ws/sessions/{sid}"
    host, port = base.removeprefix("http://").split(":")

    async def timed_joins() -> list[float]:
        times = []
        for _ in range(count):
            start = time.perf_counter()
            ws = await _join(url, mentor, "Maya")
            times.append(time.perf_counter() - start)
            await ws.send(json.dumps({"type": "leave"}))
            await _drain(ws)
            await asyncio.sleep(0.05)
        return times

    out: dict[str, Any] = {"reference": _summary(await timed_joins())}
    stop, held = asyncio.Event(), [0, 0, 0, 0]
    tasks = [asyncio.create_task(_hold_websocket(f"{url}", stop, held)) for _ in range(1000)]
    tasks += [asyncio.create_task(_hold_half_open(host, int(port), stop, held))
              for _ in range(200)]
    deadline = time.monotonic() + 30
    while held[0] < 1000 and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    out["held_when_measuring"] = {"websockets": held[0], "half_open": held[1]}
    closed_before = held[2], held[3]
    started = time.monotonic()
    out["under_load"] = _summary(await timed_joins())
    out["held_after"] = {"websockets": held[0], "half_open": held[1]}
    out["closed_by_server_per_second"] = {
        "websockets": round((held[2] - closed_before[0]) / (time.monotonic() - started), 1),
        "half_open": round((held[3] - closed_before[1]) / (time.monotonic() - started), 1)}
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    ref, hot = out["reference"], out["under_load"]
    out["p95_ratio"] = round(hot["p95_ms"] / ref["p95_ms"], 2)
    return out


def main() -> None:
    """Runs both experiments against a server it starts and prints JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="each flood phase")
    parser.add_argument("--joins", type=int, default=200, help="timed joins per phase")
    parser.add_argument("--server-dir", default=None,
                        help="run the server from this checkout (default: this one)")
    parser.add_argument("--only", choices=["flood", "joins"], default=None)
    add_credential_option(parser)
    args = parser.parse_args()
    credential = own_server_credential(args.credential)
    env = {"MENTOR_ROOMS_STORAGE_URL": "memory://", "MENTOR_ROOMS_ADMIN_TOKEN": credential,
           "MENTOR_ROOMS_MEDIA_HOST_ADDRESSES": '["127.0.0.1"]'}
    result: dict[str, Any] = {}
    with running_server(env, pin_cpu=0, cwd=args.server_dir) as (base, _):
        if args.only in (None, "flood"):
            result["flood"] = asyncio.run(flood(base, credential, args.seconds))
        if args.only in (None, "joins"):
            result["joins"] = asyncio.run(joins(base, credential, args.joins))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
