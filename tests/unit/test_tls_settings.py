"""TLS settings: the start-up checks of the certificate and key, the plain port's
redirects and HSTS over HTTPS only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme
from cryptography.hazmat.primitives import serialization
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from signaling.edge.headers import SecurityHeaders
from signaling.edge.tls import (
    HttpsRedirect,
    TlsProblem,
    TlsProblemKind,
    check_tls_files,
    https_location,
    tls_files,
)
from signaling.settings import Settings

NOW = datetime.now(UTC)


def write_pair(folder: Path, cert: trustme.LeafCert, name: str = "server") -> tuple[Path, Path]:
    """Writes ``cert`` (with its chain) and its key as PEM files; returns their paths."""
    cert_file, key_file = folder / f"{name}.crt", folder / f"{name}.key"
    for i, blob in enumerate(cert.cert_chain_pems):
        blob.write_to_path(str(cert_file), append=i > 0)
    cert.private_key_pem.write_to_path(str(key_file))
    return cert_file, key_file


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def pair(ca: trustme.CA, tmp_path: Path) -> tuple[Path, Path]:
    return write_pair(tmp_path, ca.issue_cert("mentor.test", "127.0.0.1"))


def refusal(cert_file: Path, key_file: Path, now: datetime = NOW) -> TlsProblem:
    with pytest.raises(TlsProblem) as raised:
        check_tls_files(cert_file, key_file, now)
    return raised.value


def test_a_valid_certificate_and_its_key_pass_with_the_certificate_expiry(
    pair: tuple[Path, Path], ca: trustme.CA
) -> None:
    checked = check_tls_files(*pair, NOW)
    assert checked.cert_file == pair[0]
    assert checked.not_after > NOW + timedelta(days=300)
    assert not checked.expires_soon(NOW)


def test_a_certificate_expiring_within_fourteen_days_is_served_but_flagged(
    ca: trustme.CA, tmp_path: Path
) -> None:
    cert = ca.issue_cert("mentor.test", not_after=NOW + timedelta(days=5))
    checked = check_tls_files(*write_pair(tmp_path, cert), NOW)
    assert checked.expires_soon(NOW)
    assert not checked.expires_soon(NOW - timedelta(days=30))


def test_a_missing_certificate_file_is_refused_naming_the_file(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    problem = refusal(tmp_path / "nowhere.crt", pair[1])
    assert problem.kind is TlsProblemKind.MISSING
    assert "nowhere.crt" in str(problem) and "does not exist" in str(problem)


def test_an_unreadable_key_file_is_refused(pair: tuple[Path, Path], tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.key"
    folder.mkdir()  # reading a folder fails even as root (a chmod 000 file would not)
    problem = refusal(pair[0], folder)
    assert problem.kind is TlsProblemKind.UNREADABLE
    assert "cannot be read" in str(problem)


def test_a_file_that_is_not_a_pem_certificate_is_refused(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.crt"
    garbage.write_text("hello\n")
    for wrong in (garbage, pair[1]):  # not PEM at all; a key where the certificate goes
        problem = refusal(wrong, pair[1])
        assert problem.kind is TlsProblemKind.NOT_A_CERTIFICATE
        assert "is not a PEM certificate" in str(problem)


def test_a_certificate_given_as_the_key_is_refused_as_not_a_key(
    pair: tuple[Path, Path]
) -> None:
    problem = refusal(pair[0], pair[0])
    assert problem.kind is TlsProblemKind.NOT_A_KEY
    assert "is not a PEM private key" in str(problem)


def test_an_encrypted_key_is_refused_with_what_to_do(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    key = serialization.load_pem_private_key(pair[1].read_bytes(), password=None)
    encrypted = tmp_path / "encrypted.key"
    encrypted.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret")))
    problem = refusal(pair[0], encrypted)
    assert problem.kind is TlsProblemKind.NOT_A_KEY
    assert "encrypted" in str(problem)


def test_an_expired_certificate_is_refused_with_its_expiry_date(
    ca: trustme.CA, tmp_path: Path
) -> None:
    expired = ca.issue_cert("mentor.test", not_before=NOW - timedelta(days=30),
                            not_after=NOW - timedelta(days=1))
    problem = refusal(*write_pair(tmp_path, expired))
    assert problem.kind is TlsProblemKind.EXPIRED
    assert f"expired on {NOW - timedelta(days=1):%Y-%m-%d}" in str(problem)


def test_a_certificate_not_yet_valid_is_refused_mentioning_the_clock(
    ca: trustme.CA, tmp_path: Path
) -> None:
    future = ca.issue_cert("mentor.test", not_before=NOW + timedelta(days=2),
                           not_after=NOW + timedelta(days=90))
    problem = refusal(*write_pair(tmp_path, future))
    assert problem.kind is TlsProblemKind.NOT_YET_VALID
    assert "clock" in str(problem)


def test_a_key_of_another_certificate_is_refused_as_a_mismatch(
    ca: trustme.CA, pair: tuple[Path, Path], tmp_path: Path
) -> None:
    _, other_key = write_pair(tmp_path, ca.issue_cert("other.test"), "other")
    problem = refusal(pair[0], other_key)
    assert problem.kind is TlsProblemKind.KEY_MISMATCH
    assert "does not match" in str(problem)


def test_a_key_of_another_algorithm_is_refused_as_a_mismatch(
    ca: trustme.CA, pair: tuple[Path, Path], tmp_path: Path
) -> None:
    rsa = ca.issue_cert("other.test", key_type=trustme.KeyType.RSA)
    _, rsa_key = write_pair(tmp_path, rsa, "rsa")
    assert refusal(pair[0], rsa_key).kind is TlsProblemKind.KEY_MISMATCH


def test_no_tls_files_means_plain_http() -> None:
    assert tls_files(Settings(storage_url="memory://")) is None


def test_empty_tls_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TLS_CERT_FILE", "TLS_KEY_FILE", "TLS_PORT"):
        monkeypatch.setenv(f"MENTOR_ROOMS_{name}", "")
    settings = Settings()
    assert (settings.tls_cert_file, settings.tls_key_file, settings.tls_port) == (None,) * 3
    assert tls_files(settings) is None


@pytest.mark.parametrize("given", ["cert", "key"])
def test_only_one_of_the_two_tls_files_is_refused_naming_both_variables(
    pair: tuple[Path, Path], given: str
) -> None:
    settings = Settings(tls_cert_file=pair[0]) if given == "cert" else \
        Settings(tls_key_file=pair[1])
    with pytest.raises(TlsProblem) as raised:
        tls_files(settings)
    assert raised.value.kind is TlsProblemKind.INCOMPLETE
    text = str(raised.value)
    assert "MENTOR_ROOMS_TLS_CERT_FILE" in text and "MENTOR_ROOMS_TLS_KEY_FILE" in text
    assert text.startswith(f"MENTOR_ROOMS_TLS_{given.upper()}_FILE is set")


def test_a_tls_port_equal_to_the_plain_port_is_refused(pair: tuple[Path, Path]) -> None:
    settings = Settings(tls_cert_file=pair[0], tls_key_file=pair[1], port=8443, tls_port=8443)
    with pytest.raises(TlsProblem) as raised:
        tls_files(settings)
    assert raised.value.kind is TlsProblemKind.SAME_PORT


def test_both_files_set_are_checked_and_returned(pair: tuple[Path, Path]) -> None:
    checked = tls_files(Settings(tls_cert_file=pair[0], tls_key_file=pair[1]))
    assert checked is not None and checked.key_file == pair[1]


@pytest.mark.parametrize(("host", "port", "expected"), [
    ("mentor.test:8080", 8443, "https://mentor.test:8443/s/abc?x=1"),
    ("mentor.test", 443, "https://mentor.test/s/abc?x=1"),
    ("127.0.0.1:80", 443, "https://127.0.0.1/s/abc?x=1"),
    ("[::1]:8080", 8443, "https://[::1]:8443/s/abc?x=1"),
])
def test_the_https_location_keeps_host_path_and_query_and_swaps_the_port(
    host: str, port: int, expected: str
) -> None:
    assert https_location(host, "/s/abc", "x=1", port) == expected


@pytest.mark.parametrize("host", ["", "evil.test/path", "a b", "mentor.test:80:90", "user@x"])
def test_a_host_header_that_is_not_a_plain_host_gets_no_location(host: str) -> None:
    assert https_location(host, "/", "", 8443) is None


def test_the_plain_port_answers_308_to_https_and_refuses_websockets() -> None:
    client = TestClient(HttpsRedirect(8443), base_url="http://mentor.test:8080")
    answer = client.post("/api/sessions?kind=circle", follow_redirects=False)
    assert answer.status_code == 308
    assert answer.headers["location"] == "https://mentor.test:8443/api/sessions?kind=circle"
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/ws/sessions/x"):
        pass


def headers_app(hsts_seconds: int | None = None) -> SecurityHeaders:
    async def page(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    inner = Starlette(routes=[Route("/", page)])
    return SecurityHeaders(inner) if hsts_seconds is None else SecurityHeaders(inner, hsts_seconds)


def test_hsts_is_sent_over_https_only_and_defaults_to_a_year() -> None:
    over_https = TestClient(headers_app(), base_url="https://mentor.test").get("/")
    assert over_https.headers["strict-transport-security"] == "max-age=31536000"
    over_http = TestClient(headers_app(), base_url="http://mentor.test").get("/")
    assert "strict-transport-security" not in over_http.headers
    assert over_http.headers["x-frame-options"] == "DENY"


def test_hsts_seconds_set_the_max_age_and_zero_sends_none() -> None:
    short = TestClient(headers_app(600), base_url="https://mentor.test").get("/")
    assert short.headers["strict-transport-security"] == "max-age=600"
    off = TestClient(headers_app(0), base_url="https://mentor.test").get("/")
    assert "strict-transport-security" not in off.headers


def test_the_own_url_is_https_on_the_tls_port_when_serving_tls(pair: tuple[Path, Path]) -> None:
    assert Settings(port=8000).own_url == "http://127.0.0.1:8000"
    tls = Settings(port=8000, tls_cert_file=pair[0], tls_key_file=pair[1])
    assert tls.own_url == "https://127.0.0.1:8000"
    assert tls.model_copy(update={"tls_port": 8443}).own_url == "https://127.0.0.1:8443"
    assert Settings(node_url="https://node1.example.org").own_url == "https://node1.example.org"
