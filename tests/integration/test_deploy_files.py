"""The compose deployment's files agree with each other: docker-compose.yml, the Caddyfiles in
deploy/, deploy/.env.example and the README's deployment guide (no Docker engine needed).

Where Debian's ``caddy`` is installed (CI installs it), Caddy also validates both Caddyfiles, and
runs deploy/Caddyfile.local-ca in front of two real nodes on loopback ports: HTTPS with HSTS
under every name, the HTTP redirect, WebSockets, and the public name outliving a dead node.

YAML is read with ruamel.yaml (typed; check-jsonschema's own YAML reader, so in the dev extra)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import websockets
from ruamel.yaml import YAML

from signaling.settings import Settings
from tests.conftest import LiveServer, free_port, start_server

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
LOCAL_CA_OVERRIDE = ROOT / "deploy" / "compose.local-ca.yml"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
CADDYFILE_LOCAL_CA = ROOT / "deploy" / "Caddyfile.local-ca"
ENV_EXAMPLE = ROOT / "deploy" / ".env.example"
README = ROOT / "README.md"

DOMAIN = "rooms.example.org"
ENV = {"MENTOR_ROOMS_DOMAIN": DOMAIN, "ACME_EMAIL": "ops@example.org",
       "TURN_SECRET": "s3cret-s3cret-s3cret-s3cret", "TURN_EXTERNAL_IP": "203.0.113.7"}
NODES = ("mentor-rooms-1", "mentor-rooms-2")
COMPOSE_VARIABLE = re.compile(r"\$\{(\w+)(:?[?-][^}]*)?\}")
CADDY_VARIABLE = re.compile(r"\{\$(\w+)(?::([^}]*))?\}")


def load_yaml(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(text)
    return loaded


def compose(path: Path = COMPOSE) -> dict[str, Any]:
    """The compose file as `docker compose config` would read it with ENV in .env."""
    return load_yaml(COMPOSE_VARIABLE.sub(lambda m: ENV[m.group(1)], path.read_text()))


def caddy_sites(path: Path) -> dict[str, list[str]]:
    """Site address -> its directive lines (nested ones included, stripped), with Caddy's
    ``{$VAR}``/``{$VAR:default}`` placeholders filled from ENV."""
    text = CADDY_VARIABLE.sub(lambda m: ENV.get(m.group(1)) or m.group(2) or "", path.read_text())
    sites: dict[str, list[str]] = {}
    depth, site = 0, ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if depth == 0 and line.endswith("{"):
            site = line[:-1].strip()
            sites[site] = []
        elif depth > 0 and line != "}":
            sites[site].append(line)
        depth += line.count("{") - line.count("}")
    sites.pop("", None)  # the global options block
    return sites


def upstreams(lines: list[str]) -> list[str]:
    """The upstream addresses of a site's ``reverse_proxy`` lines."""
    return [up for line in lines if line.startswith("reverse_proxy")
            for up in line.removesuffix("{").split()[1:]]


def node_env(name: str) -> dict[str, str]:
    env: dict[str, str] = compose()["services"][name]["environment"]
    return env


def test_each_node_url_is_a_caddy_site_that_proxies_to_that_node_alone() -> None:
    sites = caddy_sites(CADDYFILE)
    for index, name in enumerate(NODES, start=1):
        env = node_env(name)
        url = urlsplit(env["MENTOR_ROOMS_NODE_URL"])
        assert (url.scheme, url.hostname, url.port, url.path) == (
            "https", f"node{index}.{DOMAIN}", None, "")
        own_port = f"127.0.0.1:{env['MENTOR_ROOMS_PORT']}"
        assert upstreams(sites[f"node{index}.{DOMAIN}"]) == [own_port]


def test_the_public_name_balances_over_every_node_with_health_checks_on_healthz() -> None:
    public = caddy_sites(CADDYFILE)[DOMAIN]
    ports = {node_env(name)["MENTOR_ROOMS_PORT"] for name in NODES}
    assert len(ports) == len(NODES)
    assert sorted(upstreams(public)) == sorted(f"127.0.0.1:{port}" for port in ports)
    assert "health_uri /healthz" in public
    for name in NODES:
        assert node_env(name)["MENTOR_ROOMS_PUBLIC_URL"] == f"https://{DOMAIN}"


def test_nodes_listen_on_loopback_only_and_trust_forwarded_headers_from_loopback() -> None:
    for name in NODES:
        env = node_env(name)
        assert env["MENTOR_ROOMS_HOST"] == "127.0.0.1"
        assert env["MENTOR_ROOMS_FORWARDED_ALLOW_IPS"] == "127.0.0.1"
        # every setting is one the server reads (a misspelt one would be silently ignored)
        unknown = {key for key in env
                   if key.removeprefix("MENTOR_ROOMS_").lower() not in Settings.model_fields}
        assert not unknown


def test_caddy_is_the_only_way_in_and_keeps_its_certificates_in_a_volume() -> None:
    services = compose()["services"]
    caddy = services["caddy"]
    assert caddy["image"] == "caddy:2"
    assert caddy["network_mode"] == "host"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]
    assert "caddy-data:/data" in caddy["volumes"]
    assert set(caddy["environment"]) == {"MENTOR_ROOMS_DOMAIN", "ACME_EMAIL"}
    assert all("ports" not in service for service in services.values())


def test_turn_urls_name_the_domain_on_coturn_s_port_and_share_its_secret(
        monkeypatch: pytest.MonkeyPatch) -> None:
    services = compose()["services"]
    flags = dict(arg.removeprefix("--").partition("=")[::2]
                 for arg in services["coturn"]["command"])
    assert flags["listening-port"] == "3478"
    assert flags["static-auth-secret"] == ENV["TURN_SECRET"]
    assert flags["external-ip"] == ENV["TURN_EXTERNAL_IP"]
    assert flags["realm"] == DOMAIN
    assert "use-auth-secret" in flags
    for name in NODES:
        env = node_env(name)
        assert env["MENTOR_ROOMS_TURN_SECRET"] == ENV["TURN_SECRET"]
        monkeypatch.setenv("MENTOR_ROOMS_TURN_URLS", env["MENTOR_ROOMS_TURN_URLS"])
        assert Settings().turn_urls == [f"turn:turn.{DOMAIN}:3478?transport=udp",
                                      f"turn:turn.{DOMAIN}:3478?transport=tcp"]


def test_the_readme_opens_the_ports_the_deployment_listens_on() -> None:
    flags = dict(arg.removeprefix("--").partition("=")[::2]
                 for arg in compose()["services"]["coturn"]["command"])
    guide = README.read_text().split("## Deploy on a server (HTTPS)", 1)[1].split("\n## ", 1)[0]
    assert f"{flags['min-port']}–{flags['max-port']}/udp" in guide
    for port in ("80/tcp", "443/tcp", "443/udp", "3478/udp and 3478/tcp"):
        assert f"| {port} |" in guide
    for step in ("docker compose up -d", "/healthz", "admin-credential", "curl -I http://"):
        assert step in guide


def test_every_variable_compose_requires_is_explained_in_the_env_example() -> None:
    texts = COMPOSE.read_text() + LOCAL_CA_OVERRIDE.read_text()
    used = {m.group(1) for m in COMPOSE_VARIABLE.finditer(texts)}
    required = {m.group(1) for m in COMPOSE_VARIABLE.finditer(texts)
                if (m.group(2) or "").startswith(":?")}
    assert used == required == set(ENV)
    example = ENV_EXAMPLE.read_text()
    assigned = dict(line.partition("=")[::2] for line in example.splitlines()
                    if line and not line.startswith("#"))
    assert set(assigned) == required
    # left empty on purpose: compose refuses to start and names the missing setting, rather
    # than a newcomer's server coming up with example values
    assert set(assigned.values()) == {""}


def test_the_local_ca_override_swaps_in_the_local_ca_caddyfile() -> None:
    override = load_yaml(LOCAL_CA_OVERRIDE.read_text())
    assert override["services"]["caddy"]["volumes"] == [
        "./deploy/Caddyfile.local-ca:/etc/caddy/Caddyfile:ro"]
    lan = {**ENV, "MENTOR_ROOMS_DOMAIN": ""}
    text = CADDY_VARIABLE.sub(lambda m: lan.get(m.group(1)) or m.group(2) or "",
                              CADDYFILE_LOCAL_CA.read_text())
    assert "mentor.lan {" in text and "node1.mentor.lan {" in text
    public, local = caddy_sites(CADDYFILE), caddy_sites(CADDYFILE_LOCAL_CA)
    assert set(local) == set(public)
    for site, lines in local.items():
        assert "tls internal" in lines
        assert upstreams(lines) == upstreams(public[site])


@pytest.mark.skipif(shutil.which("check-jsonschema") is None, reason="check-jsonschema absent")
def test_both_compose_files_pass_the_compose_schema() -> None:
    result = subprocess.run(
        ["check-jsonschema", "--builtin-schema", "vendor.compose-spec", str(COMPOSE),
         str(LOCAL_CA_OVERRIDE)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy absent (Debian package caddy)")
@pytest.mark.parametrize("caddyfile", [CADDYFILE, CADDYFILE_LOCAL_CA], ids=lambda p: p.name)
def test_caddy_accepts_the_caddyfile(caddyfile: Path, tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path), **ENV}
    result = subprocess.run(
        ["caddy", "validate", "--adapter", "caddyfile", "--config", str(caddyfile)],
        capture_output=True, text=True, timeout=60, env=env, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Valid configuration" in result.stdout + result.stderr


@pytest.fixture
def lan_proxy(tmp_path: Path) -> Iterator[tuple[list[LiveServer], int, int, ssl.SSLContext]]:
    """deploy/Caddyfile.local-ca run by a real Caddy in front of two real nodes, on free
    loopback ports instead of 80/443/8000/8001: (nodes, http port, https port, a context that
    trusts Caddy's local root)."""
    if shutil.which("caddy") is None:
        pytest.skip("caddy absent (Debian package caddy)")
    nodes = [start_server({"MENTOR_ROOMS_FORWARDED_ALLOW_IPS": "127.0.0.1"}) for _ in NODES]
    http_port, https_port = free_port(), free_port()
    sites = CADDYFILE_LOCAL_CA.read_text().split("\n}\n", 1)[1]  # without the global block
    for default_port, node in zip(("8000", "8001"), nodes, strict=True):
        sites = sites.replace(f"127.0.0.1:{default_port}", node.base_url.removeprefix("http://"))
    config = tmp_path / "Caddyfile"
    config.write_text(f"{{\n\thttp_port {http_port}\n\thttps_port {https_port}\n\tadmin off\n"
                      f"\tstorage file_system {tmp_path / 'data'}\n\tlocal_certs\n"
                      f"\tskip_install_trust\n}}\n{sites}")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MENTOR_ROOMS_DOMAIN": "mentor.lan"}
    caddy = subprocess.Popen(["caddy", "run", "--adapter", "caddyfile", "--config", str(config)],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = tmp_path / "data" / "pki" / "authorities" / "local" / "root.crt"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if root.exists():
                context = ssl.create_default_context(cafile=str(root))
                try:
                    if https_get(context, https_port, "mentor.lan", "/healthz")[0] == 200:
                        break
                except (OSError, ssl.SSLError):
                    pass
            time.sleep(0.2)
        else:
            pytest.fail("Caddy did not serve https://mentor.lan/healthz within 30 s")
        yield nodes, http_port, https_port, context
    finally:
        caddy.terminate()
        caddy.wait(10)
        for node in nodes:
            node.process.terminate()
            node.process.wait(10)


def https_get(context: ssl.SSLContext | None, port: int, host: str,
              path: str) -> tuple[int, dict[str, str], str]:
    """GET ``path`` from 127.0.0.1:port as ``host`` (SNI and Host): status, headers, body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        conn = context.wrap_socket(raw, server_hostname=host) if context else raw
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                     .encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.decode().partition("\r\n\r\n")
    status_line, *lines = head.split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines)}
    return int(status_line.split()[1]), headers, body


def test_through_caddy_every_name_answers_over_https_with_hsts_and_http_redirects(
        lan_proxy: tuple[list[LiveServer], int, int, ssl.SSLContext]) -> None:
    _, http_port, https_port, context = lan_proxy
    for host in ("mentor.lan", "node1.mentor.lan", "node2.mentor.lan"):
        status, headers, body = https_get(context, https_port, host, "/healthz")
        assert (status, body.strip()) == (200, '{"status":"ok"}')
        # the node trusted Caddy's X-Forwarded-Proto: https
        assert headers["strict-transport-security"] == "max-age=31536000"
    status, headers, _ = https_get(None, http_port, "mentor.lan", "/s/abc?x=1")
    assert status == 308
    assert headers["location"].startswith("https://mentor.lan")
    assert headers["location"].endswith("/s/abc?x=1")


def test_through_caddy_websockets_reach_the_node_under_each_name(
        lan_proxy: tuple[list[LiveServer], int, int, ssl.SSLContext]) -> None:
    nodes, _, https_port, context = lan_proxy

    async def hello(host: str) -> dict[str, Any]:
        sock = socket.create_connection(("127.0.0.1", https_port))
        async with websockets.connect(f"wss://{host}:{https_port}/ws/admin", ssl=context,
                                      sock=sock) as ws:
            await ws.send(json.dumps({"type": "admin_hello", "token": nodes[0].admin_token}))
            answer: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
            return answer

    for host in ("mentor.lan", "node1.mentor.lan", "node2.mentor.lan"):
        assert asyncio.run(hello(host))["type"] == "dashboard_snapshot"


def test_through_caddy_the_public_name_survives_a_dead_node_and_its_own_name_does_not(
        lan_proxy: tuple[list[LiveServer], int, int, ssl.SSLContext]) -> None:
    nodes, _, https_port, context = lan_proxy
    nodes[1].process.terminate()
    nodes[1].process.wait(10)
    assert https_get(context, https_port, "node2.mentor.lan", "/healthz")[0] == 502
    for _ in range(4):  # round robin would hit the dead node every other time
        assert https_get(context, https_port, "mentor.lan", "/healthz")[0] == 200
