"""HTTPS on the server itself: the certificate checks made before start-up, and the tiny
app that answers the plain port with redirects to the HTTPS one.

A refusal is a :class:`TlsProblem` whose text is one line a person can act on;
``python -m signaling`` prints it on stderr and exits with :data:`EXIT_TLS_PROBLEM`.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from starlette.types import Receive, Scope, Send

from signaling.settings import Settings

EXIT_TLS_PROBLEM = 2
"""Exit code of ``python -m signaling`` when its TLS settings or files are refused."""

EXPIRY_WARNING = timedelta(days=14)
"""A certificate that expires sooner than this is served, with a warning at start-up."""


class TlsProblemKind(StrEnum):
    """Why the TLS settings or files were refused."""

    INCOMPLETE = "incomplete"
    """Only one of the certificate and key files is set."""
    SAME_PORT = "same_port"
    """The TLS port is the plain port."""
    MISSING = "missing"
    UNREADABLE = "unreadable"
    NOT_A_CERTIFICATE = "not_a_certificate"
    NOT_A_KEY = "not_a_key"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    KEY_MISMATCH = "key_mismatch"


class TlsProblem(Exception):
    """The TLS configuration cannot be served; ``str()`` is the one line to show."""

    def __init__(self, kind: TlsProblemKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class TlsFiles:
    """A certificate and key that passed :func:`check_tls_files`."""

    cert_file: Path
    key_file: Path
    not_after: datetime
    """When the (first, leaf) certificate expires, in UTC."""

    def expires_soon(self, now: datetime) -> bool:
        """True when the certificate expires within :data:`EXPIRY_WARNING` of ``now``."""
        return self.not_after - now < EXPIRY_WARNING


def _read(path: Path, what: str, setting: str) -> bytes:
    """The bytes of ``path``; :class:`TlsProblem` when it is missing or unreadable."""
    if not path.exists():
        raise TlsProblem(TlsProblemKind.MISSING,
                         f"the TLS {what} file {path} ({setting}) does not exist")
    try:
        return path.read_bytes()
    except OSError as error:
        raise TlsProblem(TlsProblemKind.UNREADABLE,
                         f"the TLS {what} file {path} ({setting}) cannot be read: "
                         f"{error.strerror or error}") from None


def _certificate(cert_file: Path) -> x509.Certificate:
    """The first certificate of a PEM file (the server's own; a chain may follow)."""
    data = _read(cert_file, "certificate", "MENTOR_ROOMS_TLS_CERT_FILE")
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        certificates = []
    if not certificates:
        raise TlsProblem(TlsProblemKind.NOT_A_CERTIFICATE,
                         f"{cert_file} (MENTOR_ROOMS_TLS_CERT_FILE) is not a PEM certificate "
                         "(expected '-----BEGIN CERTIFICATE-----')")
    return certificates[0]


def _public_key_bytes(key: object) -> bytes | None:
    """The SubjectPublicKeyInfo DER of a private or public key object, if it has one."""
    public = key.public_key() if hasattr(key, "public_key") else key
    if not hasattr(public, "public_bytes"):
        return None
    info: bytes = public.public_bytes(serialization.Encoding.DER,
                                      serialization.PublicFormat.SubjectPublicKeyInfo)
    return info


def _key_public_info(key_file: Path) -> bytes | None:
    """The public half of the PEM private key in ``key_file`` (DER), or None when
    ``cryptography`` cannot say (then :func:`ssl.SSLContext.load_cert_chain` decides)."""
    data = _read(key_file, "key", "MENTOR_ROOMS_TLS_KEY_FILE")
    if b"-----BEGIN" not in data or b"PRIVATE KEY-----" not in data:
        raise TlsProblem(TlsProblemKind.NOT_A_KEY,
                         f"{key_file} (MENTOR_ROOMS_TLS_KEY_FILE) is not a PEM private key "
                         "(expected '-----BEGIN PRIVATE KEY-----')")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise TlsProblem(TlsProblemKind.NOT_A_KEY,
                         f"{key_file} (MENTOR_ROOMS_TLS_KEY_FILE) is encrypted; give the "
                         "server an unencrypted key (readable by its user only)") from None
    except ValueError:
        raise TlsProblem(TlsProblemKind.NOT_A_KEY,
                         f"{key_file} (MENTOR_ROOMS_TLS_KEY_FILE) is not a PEM private key "
                         "that can be read") from None
    except UnsupportedAlgorithm:  # then load_cert_chain decides
        return None
    return _public_key_bytes(key)


def check_tls_files(cert_file: Path, key_file: Path, now: datetime) -> TlsFiles:
    """Checks a certificate and key as the server would load them.

    Args:
        cert_file: PEM file, the server's certificate first (a chain may follow).
        key_file: PEM file with its unencrypted private key.
        now: The current time (aware, UTC).

    Returns:
        The files, with the certificate's expiry.

    Raises:
        TlsProblem: A file is missing or unreadable, is not PEM of the right kind, the
            certificate is expired or not yet valid, or the key is not the certificate's.
    """
    certificate = _certificate(cert_file)
    key_info = _key_public_info(key_file)
    not_before, not_after = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if now >= not_after:
        raise TlsProblem(TlsProblemKind.EXPIRED,
                         f"the TLS certificate {cert_file} expired on "
                         f"{not_after:%Y-%m-%d %H:%M} UTC; renew it")
    if now < not_before:
        raise TlsProblem(TlsProblemKind.NOT_YET_VALID,
                         f"the TLS certificate {cert_file} is not valid before "
                         f"{not_before:%Y-%m-%d %H:%M} UTC (check this machine's clock)")
    mismatch = TlsProblem(TlsProblemKind.KEY_MISMATCH,
                          f"the TLS key {key_file} does not match the certificate {cert_file}")
    if key_info is not None and key_info != _public_key_bytes(certificate.public_key()):
        raise mismatch
    try:  # what uvicorn will do: the last word on whether the pair can be served
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert_file, key_file)
    except ssl.SSLError:
        raise mismatch from None
    return TlsFiles(cert_file, key_file, not_after)


def tls_files(settings: Settings, now: datetime | None = None) -> TlsFiles | None:
    """The checked TLS files of ``settings``, or None when TLS is not configured.

    Raises:
        TlsProblem: Only one of the two files is set, the TLS port is the plain port, or
            :func:`check_tls_files` refuses the files.
    """
    cert, key = settings.tls_cert_file, settings.tls_key_file
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        given, missing = (("MENTOR_ROOMS_TLS_CERT_FILE", "MENTOR_ROOMS_TLS_KEY_FILE")
                          if key is None else
                          ("MENTOR_ROOMS_TLS_KEY_FILE", "MENTOR_ROOMS_TLS_CERT_FILE"))
        raise TlsProblem(TlsProblemKind.INCOMPLETE,
                         f"{given} is set but {missing} is not; set both for HTTPS, or "
                         "neither for plain HTTP")
    if settings.tls_port == settings.port:
        raise TlsProblem(TlsProblemKind.SAME_PORT,
                         f"MENTOR_ROOMS_TLS_PORT and MENTOR_ROOMS_PORT are both {settings.port}; "
                         "leave MENTOR_ROOMS_TLS_PORT unset to serve HTTPS on that port")
    return check_tls_files(cert, key, now or datetime.now(UTC))


_HOST = re.compile(r"^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")
"""A Host header we are willing to put in a Location: a name or an IP (v6 in brackets),
and an optional port."""


def https_location(host_header: str, path: str, query: str, tls_port: int) -> str | None:
    """Where a plain-HTTP request should go: the same host and path on HTTPS.

    Args:
        host_header: The request's ``Host`` (its port, if any, is replaced).
        path: The request path (already percent-decoded by the server).
        query: The raw query string, without ``?``.
        tls_port: The HTTPS port; 443 is left out of the URL.

    Returns:
        The absolute ``https://`` URL, or None when ``host_header`` is not a plain host.
    """
    if not _HOST.match(host_header):
        return None
    host = (host_header[:host_header.index("]") + 1] if host_header.startswith("[")
            else host_header.split(":", 1)[0])
    port = "" if tls_port == 443 else f":{tls_port}"
    target = path if path.startswith("/") else f"/{path}"
    return f"https://{host}{port}{target}" + (f"?{query}" if query else "")


class HttpsRedirect:
    """ASGI app for the plain port when HTTPS has its own: every HTTP request gets a 308
    to the same path on HTTPS; a WebSocket is refused (403) before it opens."""

    def __init__(self, tls_port: int) -> None:
        self.tls_port = tls_port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            return
        headers = dict(scope.get("headers", []))
        host = headers.get(b"host", b"").decode("latin-1")
        path = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        location = https_location(host, path, query, self.tls_port)
        if location is None:
            body = b"Use https:// and this server's name.\n"
            response: list[tuple[bytes, bytes]] = []
            status = 400
        else:
            body = f"Moved to {location}\n".encode()
            response = [(b"location", location.encode())]
            status = 308
        response += [(b"content-type", b"text/plain; charset=utf-8"),
                     (b"content-length", str(len(body)).encode()),
                     (b"cache-control", b"no-store")]
        await send({"type": "http.response.start", "status": status, "headers": response})
        await send({"type": "http.response.body", "body": body})
