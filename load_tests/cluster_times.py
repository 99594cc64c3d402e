"""Two nodes on one Redis: the latency a redirect adds to a join, and failover time.

Usage: ``python -m load_tests.cluster_times --joins 30 --failovers 3``

Starts ``redis-server`` (append-only, fsync always) and two ``python -m signaling``
processes on loopback. *Redirect*: a signaling-only bot joins a session owned by node B,
alternately through B (direct) and through A (redirected to B); the join latency is from
opening the first socket to receiving ``joined``. *Failover*: a bot sits in a session owned
by B; B gets SIGKILL; the time until node A's attendance report shows the interval closed
as ``node_lost``, and until a rejoin through A is ``joined`` in a fresh room, is measured;
then B is started again.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import httpx

from load_tests.bot import Bot
from load_tests.report import percentile
from load_tests.server import CREDENTIAL_ENV, add_credential_option, bearer, own_server_credential


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_node(redis_url: str, port: int, credential: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, MENTOR_ROOMS_PORT=str(port), MENTOR_ROOMS_STORAGE_URL=redis_url,
               MENTOR_ROOMS_NODE_URL=f"http://127.0.0.1:{port}",
               MENTOR_ROOMS_MEDIA_HOST_ADDRESSES='["127.0.0.1"]')
    env[CREDENTIAL_ENV] = credential
    node = subprocess.Popen([sys.executable, "-m", "signaling"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return node
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("node did not start")


async def session_on(base: str, via: str, credential: str) -> tuple[str, str]:
    """A session created on ``base`` whose first join goes through ``via`` (and so is
    placed there when both nodes are idle)."""
    async with httpx.AsyncClient() as http:
        body = (await http.post(f"{base}/api/sessions", json={"kind": "one_on_one", "title": "t"},
                                headers=bearer(credential))).json()
    sid, token = body["session"]["session_id"], body["mentor_invite"]["token"]
    first = Bot(f"{via.replace('http', 'ws')}/ws/sessions/{sid}", token, "Placer",
                publish=False, report_quality=False)
    await first.join()
    await first.close()
    return sid, token


async def redirect_latency(a: str, b: str, joins: int, credential: str) -> dict[str, object]:
    sid, token = await session_on(a, b, credential)
    times: dict[str, list[float]] = {"direct": [], "redirected": []}
    for n in range(joins):
        kind, via = ("direct", b) if n % 2 == 0 else ("redirected", a)
        bot = Bot(f"{via.replace('http', 'ws')}/ws/sessions/{sid}", token, "Maya",
                  publish=False, report_quality=False)
        await bot.join()
        assert bot.redirects == (kind == "redirected")
        times[kind].append(bot.joined_at - bot.join_started)
        await bot.close()
        await asyncio.sleep(0.1)
    out: dict[str, object] = {}
    for kind, values in times.items():
        out[kind] = {q: round(percentile(values, p) * 1000, 1)
                     for q, p in (("p50", 0.5), ("p95", 0.95))}
    direct, redirected = (percentile(times[k], 0.5) for k in ("direct", "redirected"))
    out["added_p50_ms"] = round((redirected - direct) * 1000, 1)
    return out


async def failover(a: str, b_node: subprocess.Popen[bytes], b: str,
                   credential: str) -> dict[str, float]:
    sid, token = await session_on(a, b, credential)
    bot = Bot(f"{b.replace('http', 'ws')}/ws/sessions/{sid}", token, "Maya",
              publish=False, report_quality=False)
    await bot.join()
    b_node.kill()
    killed = time.monotonic()
    await bot.close()
    noticed = None
    async with httpx.AsyncClient() as http:
        while noticed is None and time.monotonic() - killed < 30:
            report = (await http.get(f"{a}/api/sessions/{sid}/attendance",
                                     headers=bearer(credential))).json()
            if any(p["left_reason"] == "node_lost" for p in report["people"]):
                noticed = time.monotonic() - killed
            await asyncio.sleep(0.05)
    again = Bot(f"{a.replace('http', 'ws')}/ws/sessions/{sid}", token, "Maya",
                publish=False, report_quality=False)
    await again.join()
    rejoined = time.monotonic() - killed
    await again.close()
    return {"node_lost_recorded_s": round(noticed or -1, 2), "rejoined_s": round(rejoined, 2)}


async def main(args: argparse.Namespace) -> None:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed")
    with tempfile.TemporaryDirectory() as data:
        redis_port = free_port()
        redis = subprocess.Popen(
            [binary, "--port", str(redis_port), "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--dir", data],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        url = f"redis://127.0.0.1:{redis_port}/0"
        pa, pb = free_port(), free_port()
        a, b = f"http://127.0.0.1:{pa}", f"http://127.0.0.1:{pb}"
        credential = own_server_credential(args.credential)
        nodes = [start_node(url, pa, credential), start_node(url, pb, credential)]
        try:
            result: dict[str, object] = {
                "redirect": await redirect_latency(a, b, args.joins, credential)}
            runs = []
            for _ in range(args.failovers):
                runs.append(await failover(a, nodes[1], b, credential))
                nodes[1] = start_node(url, pb, credential)
                await asyncio.sleep(2)
            result["failover"] = runs
            print(json.dumps(result, indent=2))
        finally:
            for node in nodes:
                node.kill()
            redis.kill()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--joins", type=int, default=30)
    parser.add_argument("--failovers", type=int, default=3)
    add_credential_option(parser)
    asyncio.run(main(parser.parse_args()))
