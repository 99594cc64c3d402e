"""``python -m signaling`` over HTTPS and WSS with a certificate from a test CA: HSTS,
the plain port's redirects, a join over wss, a trusted proxy's X-Forwarded-Proto, and
the start-up refusals (one line on stderr, exit code 2)."""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import trustme
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from signaling.protocol import PROTOCOL_VERSION
from tests.conftest import ROOT, TEST_ADMIN_TOKEN, free_port, start_server

HOST_NAMES = ("mentor.test", "127.0.0.1", "localhost")


@dataclass
class TlsServer:
    """A ``python -m signaling`` process serving HTTPS (and maybe redirecting a plain
    port), with the CA that signed its certificate."""

    process: subprocess.Popen[bytes]
    tls_port: int
    plain_port: int | None
    ca_file: Path
    cert_file: Path

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.tls_port}"

    def client(self) -> httpx.Client:
        """An httpx client trusting the test CA."""
        return httpx.Client(verify=ssl.create_default_context(cafile=str(self.ca_file)))

    def create_session(self, client: httpx.Client, base: str | None = None) -> tuple[str, str]:
        """Creates a one-on-one session; returns (session id, mentor token)."""
        r = client.post(f"{base or self.base_url}/api/sessions",
                        json={"kind": "one_on_one", "title": "Over HTTPS", "mentor_name": "Maya"},
                        headers={"Authorization": f"Bearer {TEST_ADMIN_TOKEN}"})
        r.raise_for_status()
        body = r.json()
        return body["session"]["session_id"], body["mentor_invite"]["token"]

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Sends ``sig``; returns the exit code (kills after 10 s)."""
        self.process.send_signal(sig)
        try:
            return self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


def make_certificate(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA and a certificate for :data:`HOST_NAMES`; returns (CA file, certificate
    file with its chain, key file)."""
    ca = trustme.CA()
    leaf = ca.issue_cert(*HOST_NAMES)
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "server.pem", folder / "key.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    for i, blob in enumerate(leaf.cert_chain_pems):
        blob.write_to_path(str(cert_file), append=i > 0)
    leaf.private_key_pem.write_to_path(str(key_file))
    return ca_file, cert_file, key_file


def server_env(extra: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"MENTOR_ROOMS_STORAGE_URL": "memory://",
                "MENTOR_ROOMS_MEDIA_HOST_ADDRESSES": json.dumps(["127.0.0.1"]),
                "MENTOR_ROOMS_ADMIN_TOKEN": TEST_ADMIN_TOKEN})
    env.update(extra)
    return env


def start_tls_server(folder: Path, redirect: bool = True,
                     extra_env: dict[str, str] | None = None,
                     tls_port: int | None = None) -> TlsServer:
    """Starts a TLS server with a fresh test CA's certificate and waits for
    ``https://127.0.0.1:PORT/healthz``. ``redirect``: HTTPS on its own port and the
    plain port redirecting; otherwise HTTPS on ``MENTOR_ROOMS_PORT`` alone.
    ``tls_port``: the HTTPS port (default a free one)."""
    ca_file, cert_file, key_file = make_certificate(folder)
    tls_port = tls_port or free_port()
    plain_port = free_port() if redirect else None
    env = {"MENTOR_ROOMS_TLS_CERT_FILE": str(cert_file),
           "MENTOR_ROOMS_TLS_KEY_FILE": str(key_file)}
    if plain_port is None:
        env["MENTOR_ROOMS_PORT"] = str(tls_port)
    else:
        env.update({"MENTOR_ROOMS_PORT": str(plain_port), "MENTOR_ROOMS_TLS_PORT": str(tls_port)})
    env.update(extra_env or {})
    process = subprocess.Popen([sys.executable, "-m", "signaling"], cwd=ROOT,
                               env=server_env(env))
    server = TlsServer(process, tls_port, plain_port, ca_file, cert_file)
    deadline = time.monotonic() + 20
    with server.client() as client:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if client.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                    return server
            except httpx.HTTPError:
                time.sleep(0.1)
    process.kill()
    raise RuntimeError("the TLS server did not start")


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    server = start_tls_server(tmp_path_factory.mktemp("tls"))
    yield server
    if server.process.poll() is None:
        server.stop()


def test_https_with_the_test_ca_answers_and_carries_hsts(tls_server: TlsServer) -> None:
    with tls_server.client() as client:
        for host in ("127.0.0.1", "localhost"):
            r = client.get(f"https://{host}:{tls_server.tls_port}/healthz")
            assert r.status_code == 200
            assert r.headers["strict-transport-security"] == "max-age=31536000"
            assert "content-security-policy" in r.headers


def test_https_is_refused_by_a_client_that_does_not_trust_the_ca(tls_server: TlsServer) -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{tls_server.base_url}/healthz")


def test_the_plain_port_redirects_to_the_same_path_on_the_tls_port(
    tls_server: TlsServer,
) -> None:
    r = httpx.get(f"http://127.0.0.1:{tls_server.plain_port}/s/abc?relay",
                  follow_redirects=False)
    assert r.status_code == 308
    assert r.headers["location"] == f"https://127.0.0.1:{tls_server.tls_port}/s/abc?relay"
    assert "strict-transport-security" not in r.headers
    with tls_server.client() as client:
        followed = client.get(f"http://localhost:{tls_server.plain_port}/healthz",
                              follow_redirects=True)
    assert followed.status_code == 200
    assert str(followed.url) == f"https://localhost:{tls_server.tls_port}/healthz"


def test_a_websocket_on_the_plain_port_is_refused(tls_server: TlsServer) -> None:
    url = f"ws://127.0.0.1:{tls_server.plain_port}/ws/sessions/x"
    with pytest.raises(InvalidStatus) as refused, connect(url, open_timeout=5):
        pass
    assert refused.value.response.status_code == 403


def test_a_join_over_wss_is_accepted(tls_server: TlsServer) -> None:
    with tls_server.client() as client:
        sid, mentor = tls_server.create_session(client)
    context = ssl.create_default_context(cafile=str(tls_server.ca_file))
    url = f"wss://localhost:{tls_server.tls_port}/ws/sessions/{sid}"
    with connect(url, ssl=context, open_timeout=5) as ws:
        ws.send(json.dumps({"type": "join", "protocol_version": PROTOCOL_VERSION,
                            "token": mentor, "display_name": "Maya"}))
        types: list[str] = []
        while not types or types[-1] not in ("joined", "error"):
            types.append(json.loads(ws.recv(timeout=10))["type"])
    assert types[-1] == "joined", types


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_stops_both_listeners_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    server = start_tls_server(tmp_path)
    assert server.stop(sig) == 0
    for port in (server.tls_port, server.plain_port):
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)


def test_without_a_tls_port_https_is_served_on_the_main_port_alone(tmp_path: Path) -> None:
    server = start_tls_server(tmp_path, redirect=False)
    try:
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"http://127.0.0.1:{server.tls_port}/healthz", timeout=2)
    finally:
        assert server.stop() == 0


def test_hsts_follows_its_setting_and_zero_turns_it_off(tmp_path: Path) -> None:
    for seconds, expected in (("600", "max-age=600"), ("0", None)):
        folder = tmp_path / seconds
        folder.mkdir()
        server = start_tls_server(folder, redirect=False,
                                  extra_env={"MENTOR_ROOMS_HSTS_SECONDS": seconds})
        try:
            with server.client() as client:
                answer = client.get(f"{server.base_url}/healthz")
            assert answer.headers.get("strict-transport-security") == expected
        finally:
            assert server.stop() == 0


def test_a_trusted_proxy_saying_https_gets_hsts_and_an_untrusted_one_does_not() -> None:
    trusted = start_server()  # forwarded_allow_ips defaults to 127.0.0.1, where we are
    untrusted = start_server({"MENTOR_ROOMS_FORWARDED_ALLOW_IPS": "192.0.2.1"})
    try:
        forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
        assert "strict-transport-security" not in \
            httpx.get(f"{trusted.base_url}/healthz").headers
        r = httpx.get(f"{trusted.base_url}/healthz", headers=forwarded)
        assert r.headers["strict-transport-security"] == "max-age=31536000"
        r = httpx.get(f"{untrusted.base_url}/healthz", headers=forwarded)
        assert r.status_code == 200
        assert "strict-transport-security" not in r.headers
    finally:
        trusted.stop()
        untrusted.stop()


def refused_start(env: dict[str, str]) -> tuple[int, str]:
    """Runs ``python -m signaling`` with ``env``; returns (exit code, stderr)."""
    done = subprocess.run([sys.executable, "-m", "signaling"], cwd=ROOT,
                          env=server_env({"MENTOR_ROOMS_PORT": str(free_port()), **env}),
                          capture_output=True, timeout=60)
    return done.returncode, done.stderr.decode()


def assert_one_line_refusal(code: int, stderr: str, expected: str) -> None:
    assert code == 2, stderr
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Mentor Rooms cannot start: ")
    assert expected in lines[0]


def test_a_missing_certificate_file_stops_the_start_with_exit_code_2(tmp_path: Path) -> None:
    _, _, key_file = make_certificate(tmp_path)
    code, stderr = refused_start({"MENTOR_ROOMS_TLS_CERT_FILE": str(tmp_path / "gone.pem"),
                                  "MENTOR_ROOMS_TLS_KEY_FILE": str(key_file)})
    assert_one_line_refusal(code, stderr, f"{tmp_path / 'gone.pem'} "
                            "(MENTOR_ROOMS_TLS_CERT_FILE) does not exist")


def test_a_key_of_another_certificate_stops_the_start_with_exit_code_2(tmp_path: Path) -> None:
    _, cert_file, _ = make_certificate(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    _, _, other_key = make_certificate(other)
    code, stderr = refused_start({"MENTOR_ROOMS_TLS_CERT_FILE": str(cert_file),
                                  "MENTOR_ROOMS_TLS_KEY_FILE": str(other_key)})
    assert_one_line_refusal(code, stderr, "does not match the certificate")


def test_an_expired_certificate_stops_the_start_with_exit_code_2(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    leaf = trustme.CA().issue_cert("mentor.test", not_before=now - timedelta(days=60),
                                   not_after=now - timedelta(days=2))
    cert_file, key_file = tmp_path / "old.pem", tmp_path / "old.key"
    leaf.cert_chain_pems[0].write_to_path(str(cert_file))
    leaf.private_key_pem.write_to_path(str(key_file))
    code, stderr = refused_start({"MENTOR_ROOMS_TLS_CERT_FILE": str(cert_file),
                                  "MENTOR_ROOMS_TLS_KEY_FILE": str(key_file)})
    assert_one_line_refusal(code, stderr, "expired on")


def test_only_a_key_file_stops_the_start_with_exit_code_2(tmp_path: Path) -> None:
    _, _, key_file = make_certificate(tmp_path)
    code, stderr = refused_start({"MENTOR_ROOMS_TLS_KEY_FILE": str(key_file)})
    assert_one_line_refusal(code, stderr, "MENTOR_ROOMS_TLS_KEY_FILE is set but "
                            "MENTOR_ROOMS_TLS_CERT_FILE is not")


def test_a_certificate_expiring_soon_is_served_with_a_warning(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    leaf = trustme.CA().issue_cert("localhost", not_after=now + timedelta(days=3))
    cert_file, key_file = tmp_path / "soon.pem", tmp_path / "soon.key"
    leaf.cert_chain_pems[0].write_to_path(str(cert_file))
    leaf.private_key_pem.write_to_path(str(key_file))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "signaling"], cwd=ROOT, stderr=subprocess.PIPE,
        env=server_env({"MENTOR_ROOMS_PORT": str(port),
                        "MENTOR_ROOMS_TLS_CERT_FILE": str(cert_file),
                        "MENTOR_ROOMS_TLS_KEY_FILE": str(key_file)}))
    try:
        assert process.stderr is not None
        lines = [process.stderr.readline().decode() for _ in range(2)]
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
    assert any("expires on" in line and "renew it soon" in line for line in lines), lines
    assert any(f"open https://127.0.0.1:{port}/" in line for line in lines), lines
