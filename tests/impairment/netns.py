"""Real network impairment on this machine: a network namespace joined to the host by
a veth pair, tbf bandwidth caps and nftables random loss or blocking.

Recipe: ../shared/recipes/network-impairment.md (netem is not available here).
Everything needs root; :func:`unavailable_reason` says why a test cannot run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

HOST_ADDRESS = "10.77.1.1"
PEER_ADDRESS = "10.77.1.2"
TABLE = "imp"


class Way(StrEnum):
    """Which way an impairment applies, seen from the participant in the namespace."""

    DOWNLINK = "downlink"
    UPLINK = "uplink"


def run(*args: str, ns: str | None = None, check: bool = True) -> str:
    """Runs a command (inside namespace ``ns`` if given); returns its stdout."""
    prefix = ["ip", "netns", "exec", ns] if ns else []
    done = subprocess.run([*prefix, *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def unavailable_reason() -> str | None:
    """Why namespaces with tbf and nftables cannot be used here, or ``None``."""
    if os.geteuid() != 0:
        return "needs root to create network namespaces (CI runs as root)"
    for tool, package in (("ip", "iproute2"), ("tc", "iproute2"), ("nft", "nftables")):
        if shutil.which(tool) is None:
            return f"needs `{tool}` (apt-get install {package})"
    probe = "mr-probe"
    run("ip", "netns", "del", probe, check=False)
    try:
        run("ip", "netns", "add", probe)
        run("nft", "add", "table", "inet", TABLE, ns=probe)
    except RuntimeError as exc:
        return f"network namespaces or nftables do not work here: {exc}"
    finally:
        run("ip", "netns", "del", probe, check=False)
    return None


@dataclass(frozen=True)
class Link:
    """The veth link between the host and one participant's namespace."""

    ns: str
    host_dev: str
    peer_dev: str

    def cap(self, way: Way, kbit: int) -> None:
        """Caps one direction with a token bucket (queueing and tail drop)."""
        dev, ns = (self.host_dev, None) if way is Way.DOWNLINK else (self.peer_dev, self.ns)
        run("tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", f"{kbit}kbit",
            "burst", "16kbit", "latency", "50ms", ns=ns)

    def lose(self, way: Way, percent: int) -> None:
        """Drops ``percent`` % of the packets going one way, at random."""
        hook = "input" if way is Way.DOWNLINK else "output"
        self._chain(hook)
        run("nft", "add", "rule", "inet", TABLE, hook, "numgen", "random", "mod", "100",
            "<", str(percent), "drop", ns=self.ns)

    def block_udp(self) -> None:
        """Drops every UDP packet both ways: media cannot flow, the WebSocket can."""
        for hook in ("input", "output"):
            self._chain(hook)
            run("nft", "add", "rule", "inet", TABLE, hook, "meta", "l4proto", "udp", "drop",
                ns=self.ns)

    def lift(self) -> None:
        """Removes every cap and rule."""
        run("tc", "qdisc", "del", "dev", self.host_dev, "root", check=False)
        run("tc", "qdisc", "del", "dev", self.peer_dev, "root", ns=self.ns, check=False)
        run("nft", "delete", "table", "inet", TABLE, ns=self.ns, check=False)

    def _chain(self, hook: str) -> None:
        run("nft", "add", "table", "inet", TABLE, ns=self.ns)
        run("nft", "add", "chain", "inet", TABLE, hook,
            f"{{ type filter hook {hook} priority 0; }}", ns=self.ns)


@contextmanager
def namespace_link(name: str = "mr-imp") -> Iterator[Link]:
    """A namespace ``name`` at :data:`PEER_ADDRESS`, joined to the host at
    :data:`HOST_ADDRESS`; removed afterwards (also if a previous run left it)."""
    link = Link(name, f"{name}-h", f"{name}-p")
    run("ip", "netns", "del", name, check=False)
    run("ip", "link", "del", link.host_dev, check=False)
    run("ip", "netns", "add", name)
    try:
        run("ip", "link", "add", link.host_dev, "type", "veth", "peer", "name", link.peer_dev)
        run("ip", "link", "set", link.peer_dev, "netns", name)
        run("ip", "addr", "add", f"{HOST_ADDRESS}/24", "dev", link.host_dev)
        run("ip", "link", "set", link.host_dev, "up")
        run("ip", "addr", "add", f"{PEER_ADDRESS}/24", "dev", link.peer_dev, ns=name)
        run("ip", "link", "set", link.peer_dev, "up", ns=name)
        run("ip", "link", "set", "lo", "up", ns=name)
        yield link
    finally:
        run("ip", "netns", "del", name, check=False)
        run("ip", "link", "del", link.host_dev, check=False)
