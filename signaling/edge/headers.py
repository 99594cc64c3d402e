"""Security headers on every HTTP response (a pure ASGI middleware: WebSockets pass
through untouched, and no response body is buffered), with HSTS on those served over
HTTPS."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "connect-src 'self' ws: wss:",  # several nodes: redirects and dashboards reach peers
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
"""No inline script or style anywhere; pages may not be framed."""

DOCS_CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
    "img-src 'self' data: https://fastapi.tiangolo.com",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])
"""FastAPI's ``/docs`` and ``/redoc`` pages load Swagger UI / ReDoc from a CDN with one
inline bootstrap script; only they get this policy."""

PERMISSIONS_POLICY = ", ".join([
    "camera=(self)", "microphone=(self)", "display-capture=(self)",
    "speaker-selection=(self)", "fullscreen=(self)", "autoplay=(self)",
    "compute-pressure=(self)",
    "geolocation=()", "payment=()", "usb=()", "serial=()", "bluetooth=()",
    "interest-cohort=()",
])
"""Camera, microphone and screen capture for our own pages only; nothing else."""

DOCS_PATHS = ("/docs", "/redoc")


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    """The headers every response to ``path`` carries."""
    csp = DOCS_CONTENT_SECURITY_POLICY if path.startswith(DOCS_PATHS) else CONTENT_SECURITY_POLICY
    return [
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]


DEFAULT_HSTS_SECONDS = 31536000
"""One year, as ``MENTOR_ROOMS_HSTS_SECONDS`` defaults to."""


def hsts_header(max_age: int) -> list[tuple[bytes, bytes]]:
    """``Strict-Transport-Security`` for ``max_age`` seconds; none when it is 0."""
    return [(b"strict-transport-security", f"max-age={max_age}".encode())] if max_age else []


_PAGE = security_headers("/")
_DOCS = security_headers("/docs")


class SecurityHeaders:
    """Adds :func:`security_headers` to every HTTP response (replacing any the app set),
    and :func:`hsts_header` to those whose scope's scheme is ``https``: uvicorn sets it
    from its own TLS, or from ``X-Forwarded-Proto`` of a proxy it trusts
    (``forwarded_allow_ips``). Over plain HTTP no HSTS is sent (browsers ignore it)."""

    def __init__(self, app: ASGIApp, hsts_seconds: int = DEFAULT_HSTS_SECONDS) -> None:
        """Args:
            app: The wrapped ASGI app.
            hsts_seconds: HSTS ``max-age``; 0 sends no HSTS.
        """
        self.app = app
        self._hsts = hsts_header(hsts_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _DOCS if scope["path"].startswith(DOCS_PATHS) else _PAGE
        if scope.get("scheme") == "https":
            extra = extra + self._hsts
        names = {name for name, _ in extra}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: Iterable[tuple[bytes, bytes]] = message.get("headers", [])
                message["headers"] = [h for h in headers if h[0].lower() not in names] + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
