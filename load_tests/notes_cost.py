"""Server cost per shared-notes update.

Usage: ``python -m load_tests.notes_cost --writers 4 --rate 40 --seconds 20``

Starts a real server process pinned to CPU 0 (``--storage sqlite`` for the embedded
default, with every update stored durably, or ``memory``), runs the bots on CPU 1:
``--writers`` participants of one circle, each typing one character per update
into the shared notes (a real Yjs update made with pycrdt) at ``--rate`` updates per
second in total. Every update is merged, stored and fanned out to the other
writers. Reports the server's CPU time per update (from /proc) and the time from
sending an update to another writer receiving it (p50/p95).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import tempfile
import time

import httpx
import websockets
from pycrdt import Doc, Text

from load_tests.relay_cost import cpu_seconds, percentile
from load_tests.server import (
    CREDENTIAL_ENV,
    add_credential_option,
    bearer,
    own_server_credential,
    running_server,
)
from signaling import protocol


class Writer:
    """A participant that only types into the notes."""

    def __init__(self, ws_url: str, token: str, name: str) -> None:
        self.ws_url, self.token, self.name = ws_url, token, name
        self.doc: Doc[Text] = Doc()
        self.text = self.doc.get("notes", type=Text)
        self.sent: dict[str, float] = {}
        self.delays_ms: list[float] = []
        self.ws: websockets.ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None

    async def join(self) -> None:
        self.ws = await websockets.connect(self.ws_url)
        await self.ws.send(
            protocol.encode(
                protocol.Join(
                    protocol_version=protocol.PROTOCOL_VERSION,
                    token=self.token,
                    display_name=self.name,
                )
            )
        )
        while True:
            message = protocol.parse_server(await self.ws.recv())
            if isinstance(message, protocol.Joined):
                self.doc.apply_update(base64.b64decode(message.board.notes))
                break
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        async for raw in self.ws:
            message = protocol.parse_server(raw)
            if isinstance(message, protocol.NotesUpdated):
                self.doc.apply_update(base64.b64decode(message.update))
                sent = shared_sent.get(message.update)
                if sent is not None:
                    self.delays_ms.append((time.monotonic() - sent) * 1000)

    async def type_one(self) -> None:
        assert self.ws is not None
        before = self.doc.get_state()
        self.text.insert(len(self.text), "x")
        update = base64.b64encode(self.doc.get_update(before)).decode()
        shared_sent[update] = time.monotonic()
        await self.ws.send(protocol.encode(protocol.NotesUpdate(update=update)))

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self.ws is not None:
            await self.ws.close()


shared_sent: dict[str, float] = {}


async def run(base: str, pid: int, writers: int, rate: float, seconds: float,
              credential: str) -> dict[str, float]:
    r = httpx.post(
        f"{base}/api/sessions", json={"kind": "circle", "title": "notes bench", "capacity": 12},
        headers=bearer(credential),
    )
    sid, mentor = r.json()["session"]["session_id"], r.json()["mentor_invite"]["token"]
    ws = base.replace("http", "ws") + f"/ws/sessions/{sid}"
    tokens = [mentor] + [
        httpx.post(
            f"{base}/api/sessions/{sid}/invites",
            json={"role": "mentee"},
            headers={"Authorization": f"Bearer {mentor}"},
        ).json()["token"]
        for _ in range(writers - 1)
    ]
    bots = [Writer(ws, token, f"w{i}") for i, token in enumerate(tokens)]
    for bot in bots:
        await bot.join()
    await asyncio.sleep(1)
    start_cpu, start = cpu_seconds(pid), time.monotonic()
    count = 0
    while time.monotonic() - start < seconds:
        await bots[count % writers].type_one()
        count += 1
        await asyncio.sleep(max(0.0, start + count / rate - time.monotonic()))
    await asyncio.sleep(1)  # let the last updates arrive
    cpu = cpu_seconds(pid) - start_cpu
    delays = [d for b in bots for d in b.delays_ms]
    texts = {str(b.text) for b in bots}
    for bot in bots:
        await bot.close()
    return {
        "updates": count,
        "server_cpu_ms_per_update": cpu / count * 1000,
        "delivery_ms_p50": percentile(delays, 0.5),
        "delivery_ms_p95": percentile(delays, 0.95),
        "replicas_identical": float(len(texts) == 1),
    }


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        storage = "memory://" if args.storage == "memory" else f"sqlite:///{tmp}/bench.db"
        credential = own_server_credential(args.credential)
        env = {"MENTOR_ROOMS_STORAGE_URL": storage, CREDENTIAL_ENV: credential}
        with running_server(env, pin_cpu=0) as (base, pid):
            result = await run(base, pid, args.writers, args.rate, args.seconds, credential)
            print(json.dumps({"storage": args.storage, **result}, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--rate", type=float, default=40.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--storage", choices=["sqlite", "memory"], default="sqlite")
    add_credential_option(parser)
    asyncio.run(main(parser.parse_args()))
