"""A minimal Janus 1.x client for benchmarks: a throw-away Janus process with its own
configuration, the HTTP REST API (sessions, handles, long-poll events) and the
VideoRoom publisher and subscriber steps done with aiortc.

Janus gathers its ICE candidates with libnice, which skips loopback interfaces: on a
loopback-only machine it offers no candidate at all. :func:`bench_address` puts a
private address on an interface of its own (``dummy``, or a ``veth`` pair where the
kernel has no dummy driver; root) and removes it afterwards; Janus gathers on that
interface only (``nat.ice_enforce_list``). Traffic between local addresses stays in
the machine (the kernel routes it through ``lo``) whatever interface holds them.

aiortc gathers every candidate before ``localDescription`` is set, so the SDP sent to
Janus is complete (``"trickle": false`` in the JSEP, then a ``completed`` trickle);
in half-trickle mode Janus's own SDP already carries its candidates.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from load_tests.bot_media import (
    AudioSource,
    ReceiveProbe,
    VideoSource,
    install_probe,
    route_keyframe_requests,
)

VIDEOROOM = "janus.plugin.videoroom"
BENCH_INTERFACE = "mrbench0"
"""The interface :func:`bench_address` creates (its veth peer, if any: ``mrbenchp0``,
a name Janus's enforce list, matched by substring, does not pick up)."""


class JanusError(RuntimeError):
    """Janus refused a request (its error text)."""


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=False)


def interface_of(address: str) -> str | None:
    """The interface that holds the IPv4 ``address`` on this machine (``None``: none)."""
    for line in _ip("-o", "-4", "addr", "show").stdout.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[3].split("/")[0] == address:
            return fields[1].split("@")[0]
    return None


@contextmanager
def bench_address(address: str, name: str = BENCH_INTERFACE) -> Iterator[str]:
    """Makes ``address`` a local, non-loopback address for the block; yields its interface.

    An address the machine already has is used as it is (and left alone). Otherwise a
    ``dummy`` interface ``name`` is created with ``address/32`` (a ``veth`` pair where
    the kernel lacks the dummy driver) and deleted when the block ends, even on failure.

    Raises:
        RuntimeError: The interface cannot be created (not root, or no ``ip``).
    """
    existing = interface_of(address)
    if existing is not None:
        yield existing
        return
    peer = name.replace("bench", "benchp", 1)
    made = _ip("link", "add", name, "type", "dummy")
    if made.returncode:
        made = _ip("link", "add", name, "type", "veth", "peer", "name", peer)
    if made.returncode:
        raise RuntimeError(f"cannot create interface {name} (root needed): {made.stderr.strip()}")
    try:
        steps = [("addr", "add", f"{address}/32", "dev", name), ("link", "set", name, "up")]
        if _ip("link", "show", peer).returncode == 0:
            steps.append(("link", "set", peer, "up"))
        for step in steps:
            done = _ip(*step)
            if done.returncode:
                raise RuntimeError(f"ip {' '.join(step)}: {done.stderr.strip()}")
        yield name
    finally:
        _ip("link", "del", name)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def janus_lib() -> Path:
    """The folder holding Janus's ``plugins/``, ``transports/``, ``events/``, ``loggers/``."""
    for folder in [*Path("/usr/lib").glob("*/janus"), Path("/usr/lib/janus"),
                   Path("/opt/janus/lib/janus")]:
        if (folder / "plugins").is_dir():
            return folder
    raise RuntimeError("no Janus plugins folder (/usr/lib/*/janus/plugins) found")


def write_config(folder: Path, address: str, interface: str, port: int,
                 debug_level: int = 4) -> None:
    """Writes a Janus configuration into ``folder``: the HTTP transport on 127.0.0.1
    ``port`` and the VideoRoom plugin only (every other plugin, transport and logger
    disabled, no event handlers, no session timeout), ICE on ``interface`` only,
    ``address`` in the SDP, IPv4 only."""
    lib = janus_lib()

    def all_but(kind: str, keep: str = "") -> str:
        return ",".join(sorted(p.name for p in (lib / kind).glob("*.so") if p.name != keep))

    (folder / "janus.jcfg").write_text(f"""general: {{
    configs_folder = "{folder}"; plugins_folder = "{lib / 'plugins'}"
    transports_folder = "{lib / 'transports'}"; events_folder = "{lib / 'events'}"
    loggers_folder = "{lib / 'loggers'}"; debug_level = {debug_level}
    session_timeout = 0; interface = "{address}"; server_name = "mentor-rooms-bench"
}}
media: {{ ipv6 = false }}
nat: {{ nice_debug = false; ice_enforce_list = "{interface}"; ignore_mdns = true }}
plugins: {{ disable = "{all_but('plugins', 'libjanus_videoroom.so')}" }}
transports: {{ disable = "{all_but('transports', 'libjanus_http.so')}" }}
loggers: {{ disable = "{all_but('loggers')}" }}
events: {{ broadcast = false }}
""")
    (folder / "janus.transport.http.jcfg").write_text(f"""general: {{
    json = "plain"; base_path = "/janus"; http = true; port = {port}; ip = "127.0.0.1"
    https = false
}}
admin: {{ admin_http = false; admin_https = false }}
""")
    (folder / "janus.plugin.videoroom.jcfg").write_text("general: {\n}\n")


@contextmanager
def running_janus(address: str, interface: str,
                  pin_cpu: int | None = None) -> Iterator[tuple[str, int]]:
    """Runs Janus with a temporary configuration until the block ends.

    Args:
        address: The local address Janus puts in its SDP.
        interface: The only interface Janus gathers ICE candidates on.
        pin_cpu: Pins Janus (every thread) to this CPU with ``taskset``.

    Yields:
        The REST base URL (``http://127.0.0.1:<port>/janus``) and Janus's pid.
    """
    folder = Path(tempfile.mkdtemp(prefix="janus-bench-"))
    port = free_port()
    write_config(folder, address, interface, port)
    command = ["janus", "-F", str(folder), "-o"]
    if pin_cpu is not None:
        command = ["taskset", "-c", str(pin_cpu), *command]
    log_path = folder / "janus.log"
    base = f"http://127.0.0.1:{port}/janus"
    with open(log_path, "w") as log:
        janus = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 15
        while True:
            if janus.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Janus did not start:\n{log_path.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/info", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield base, janus.pid
    finally:
        janus.terminate()
        try:
            janus.wait(10)
        except subprocess.TimeoutExpired:
            janus.kill()
            janus.wait(5)
        shutil.rmtree(folder, ignore_errors=True)


class JanusSession:
    """One Janus API session over HTTP, with its long-poll loop for async events.

    Attributes:
        id: The session id.
        up: Handles whose PeerConnection is up (``webrtcup`` seen).
    """

    def __init__(self, client: httpx.AsyncClient, base: str) -> None:
        self._client, self._base = client, base
        self.id = 0
        self.up: set[int] = set()
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._up_changed = asyncio.Event()
        self._poller: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, client: httpx.AsyncClient, base: str) -> JanusSession:
        """Creates a session and starts polling its events."""
        session = cls(client, base)
        session.id = int((await session._post("", {"janus": "create"}))["data"]["id"])
        session._poller = asyncio.create_task(session._poll())
        return session

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        body = {"transaction": secrets.token_hex(8), **body}
        response = await self._client.post(f"{self._base}{path}", json=body)
        response.raise_for_status()
        reply: dict[str, Any] = response.json()
        if reply.get("janus") == "error":
            raise JanusError(f"{body['janus']}: {reply.get('error')}")
        return reply

    async def attach(self, plugin: str = VIDEOROOM) -> int:
        """Attaches a new handle to ``plugin``; returns its id."""
        reply = await self._post(f"/{self.id}", {"janus": "attach", "plugin": plugin})
        return int(reply["data"]["id"])

    async def message(
        self, handle: int, body: dict[str, Any], jsep: dict[str, Any] | None = None,
        timeout: float = 10.0,
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """Sends a plugin request and waits for its answer (synchronous, or the async
        event with the same transaction).

        Returns:
            The plugin's data and the JSEP that came with it (if any).

        Raises:
            JanusError: Janus or the plugin refused the request.
        """
        transaction = secrets.token_hex(8)
        waiting = self._waiting[transaction] = asyncio.get_running_loop().create_future()
        request: dict[str, Any] = {"janus": "message", "transaction": transaction, "body": body}
        if jsep is not None:
            request["jsep"] = jsep
        try:
            reply = await self._post(f"/{self.id}/{handle}", request)
            event = reply if reply.get("janus") == "success" else await asyncio.wait_for(
                waiting, timeout)
        finally:
            self._waiting.pop(transaction, None)
        data: dict[str, Any] = event.get("plugindata", {}).get("data", {})
        if "error" in data:
            raise JanusError(f"{body.get('request')}: {data['error']} ({data.get('error_code')})")
        return data, event.get("jsep")

    async def trickle_done(self, handle: int) -> None:
        """Tells Janus that no more candidates will follow for ``handle``."""
        await self._post(f"/{self.id}/{handle}",
                         {"janus": "trickle", "candidate": {"completed": True}})

    async def wait_up(self, handle: int, timeout: float = 10.0) -> None:
        """Waits until ``handle``'s PeerConnection is up (ICE and DTLS done)."""
        async with asyncio.timeout(timeout):
            while handle not in self.up:
                self._up_changed.clear()
                await self._up_changed.wait()

    async def _poll(self) -> None:
        while True:
            try:
                response = await self._client.get(
                    f"{self._base}/{self.id}", params={"maxev": 10}, timeout=60)
                events = response.json()
            except (httpx.HTTPError, ValueError):
                await asyncio.sleep(0.5)
                continue
            for event in events if isinstance(events, list) else [events]:
                self._dispatch(event)
            if isinstance(events, dict) and events.get("janus") == "error":
                await asyncio.sleep(0.5)  # e.g. the session is gone: do not spin

    def _dispatch(self, event: dict[str, Any]) -> None:
        kind = event.get("janus")
        waiting = self._waiting.get(str(event.get("transaction")))
        if kind == "event" and waiting is not None and not waiting.done():
            waiting.set_result(event)
        elif kind == "webrtcup":
            self.up.add(int(event.get("sender", 0)))
            self._up_changed.set()

    async def close(self) -> None:
        """Stops polling and destroys the session (its handles hang up). Idempotent."""
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
            with contextlib.suppress(httpx.HTTPError, JanusError):
                await self._post(f"/{self.id}", {"janus": "destroy"})


@dataclass
class JanusPeer:
    """One bot on Janus: its session, VideoRoom handle and PeerConnection.

    Attributes:
        probes: What a subscriber receives, by kind (``"audio"``, ``"video"``).
    """

    session: JanusSession
    handle: int
    pc: RTCPeerConnection
    probes: dict[str, ReceiveProbe] = field(default_factory=dict)

    async def close(self) -> None:
        """Closes the PeerConnection and destroys the session."""
        await self.pc.close()
        await self.session.close()


def _bundled() -> RTCPeerConnection:
    return RTCPeerConnection(RTCConfiguration(bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))


def _jsep(pc: RTCPeerConnection) -> dict[str, Any]:
    description = pc.localDescription
    return {"type": description.type, "sdp": description.sdp, "trickle": False}


async def publish(client: httpx.AsyncClient, base: str, room: int, video: VideoSource,
                  audio: AudioSource) -> tuple[JanusPeer, int]:
    """Creates VideoRoom ``room`` (VP8/Opus, one publisher, no bitrate cap, no periodic
    FIR) and publishes ``video`` + ``audio`` in it; returns once Janus reports the
    PeerConnection up.

    Returns:
        The publisher and its feed id (what subscribers ask for).
    """
    session = await JanusSession.open(client, base)
    pc = _bundled()
    try:
        handle = await session.attach()
        await session.message(handle, {
            "request": "create", "room": room, "publishers": 1, "videocodec": "vp8",
            "audiocodec": "opus", "bitrate": 0, "fir_freq": 0, "notify_joining": False,
            "permanent": False, "description": "mentor-rooms bench",
        })
        joined, _ = await session.message(
            handle, {"request": "join", "ptype": "publisher", "room": room, "display": "pub"})
        route_keyframe_requests(pc.addTrack(video), video)
        pc.addTrack(audio)
        await pc.setLocalDescription(await pc.createOffer())
        _, answer = await session.message(
            handle, {"request": "configure", "audio": True, "video": True}, _jsep(pc))
        if answer is None:
            raise JanusError("configure: no JSEP answer")
        await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], answer["type"]))
        await session.trickle_done(handle)
        await session.wait_up(handle)
    except BaseException:
        await pc.close()
        await session.close()
        raise
    return JanusPeer(session, handle, pc), int(joined["id"])


async def subscribe(client: httpx.AsyncClient, base: str, room: int, feed: int) -> JanusPeer:
    """Subscribes to every stream of ``feed`` in ``room`` (multistream API) and counts
    what arrives with a :class:`ReceiveProbe` per kind (no decoding, no fingerprints)."""
    session = await JanusSession.open(client, base)
    pc = _bundled()
    try:
        handle = await session.attach()
        _, offer = await session.message(handle, {
            "request": "join", "ptype": "subscriber", "room": room, "streams": [{"feed": feed}],
        })
        if offer is None:
            raise JanusError("join (subscriber): no JSEP offer")
        await pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], offer["type"]))
        probes = {t.kind: install_probe(t.receiver, t.kind, fingerprint=False)
                  for t in pc.getTransceivers()}
        await pc.setLocalDescription(await pc.createAnswer())
        await session.message(handle, {"request": "start"}, _jsep(pc))
        await session.trickle_done(handle)
    except BaseException:
        await pc.close()
        await session.close()
        raise
    return JanusPeer(session, handle, pc, probes)


async def destroy_room(publisher: JanusPeer, room: int) -> None:
    """Destroys ``room`` (through the publisher's handle); errors are ignored."""
    with contextlib.suppress(httpx.HTTPError, JanusError, asyncio.TimeoutError):
        await publisher.session.message(publisher.handle, {"request": "destroy", "room": room})
