"""Settings from the environment (prefix ``MENTOR_ROOMS_``), via pydantic-settings."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class LogFormat(StrEnum):
    """How log records are written."""

    TEXT = "text"
    JSON = "json"


class IceServerSetting(BaseModel):
    """One STUN/TURN server handed to browsers and used by the relay."""

    urls: list[str]
    username: str | None = None
    credential: str | None = None


class Settings(BaseSettings):
    """Server configuration. Every field can be set as ``MENTOR_ROOMS_<NAME>``.

    Lists are given as JSON, e.g.
    ``MENTOR_ROOMS_ICE_SERVERS='[{"urls": ["stun:stun.example.org:3478"]}]'``.
    """

    model_config = SettingsConfigDict(env_prefix="MENTOR_ROOMS_", extra="ignore")

    host: str = "127.0.0.1"
    """Address the HTTP server listens on."""
    port: int = 8000
    """Port the HTTP server listens on."""
    storage_url: str = "sqlite:///./data/mentor_rooms.db"
    """``sqlite:///path`` (embedded default) or ``memory://`` (tests, nothing kept)."""
    secret_key: str | None = None
    """Signs invite tokens. Unset: generated once and kept in the storage backend."""
    node_url: str | None = None
    """This node's own base URL as clients reach it (several nodes: joins for a session
    another node owns are redirected there); unset: :attr:`own_url`."""
    public_url: str | None = None
    """Base URL used in invite links; unset: taken from the request."""
    invite_ttl_minutes: int = Field(default=7 * 24 * 60, ge=1)
    """How long an invite link stays valid."""
    ice_servers: list[IceServerSetting] = Field(default_factory=list)
    """STUN/TURN servers; empty means host candidates only (no public default)."""
    turn_urls: list[str] = Field(default_factory=list)
    """coturn URLs, e.g. ``["turn:turn.example.org:3478?transport=udp",
    "turn:turn.example.org:3478?transport=tcp"]``; each participant gets short-lived
    credentials for them (needs ``turn_secret``)."""
    turn_secret: str | None = Field(default=None, min_length=16)
    """coturn's ``static-auth-secret`` (coturn runs with ``use-auth-secret``)."""
    turn_ttl_seconds: int = Field(default=6 * 3600, ge=60, le=7 * 24 * 3600)
    """How long a TURN credential stays valid (a session that outlives it keeps its
    allocation; a rejoin gets a fresh one)."""
    media_host_addresses: list[str] | None = None
    """Addresses the relay gathers ICE host candidates on; unset: all but loopback."""
    gap_timeout_ms: int = Field(default=100, ge=20, le=1000)
    """How long the relay waits for a lost packet before asking for a keyframe."""
    packet_forwarding: bool = True
    """Forward RTP packets as they arrive, their numbers rewritten per subscriber (the
    default). ``False``: the earlier frame path, which reassembles frames and
    packetizes them again per subscriber (kept as a fallback for one release)."""
    simulcast: bool = True
    """Accept the browsers' simulcast layers and pick one per viewer (packet path only).
    ``False``: publishers send one layer (the top one)."""
    join_timeout_seconds: float = 10.0
    """How long a new socket may take to send ``join``."""
    idle_session_seconds: float = 30.0
    """How long an empty session's worker lives before it stops."""
    admin_token: str | None = Field(default=None, min_length=16)
    """The admin credential (named "admin"); unset and no ``admins``: one is generated
    on first start, printed once and kept in the storage backend."""
    admins: dict[str, str] = Field(default_factory=dict)
    """More administrators, name -> credential (each >= 16 chars); actions are logged
    with the name, e.g. ``MENTOR_ROOMS_ADMINS='{"ana": "..."}'``."""
    open_creation: bool = False
    """Anyone who reaches the server may create sessions (a demo); off: creating a
    session needs an admin credential or a mentor credential an admin issued."""
    webhook_retry_base_seconds: float = Field(default=10.0, gt=0, le=3600)
    """Delay before a failed webhook delivery's first retry; each retry doubles it (with
    +-20 % jitter), up to ``webhook_retry_max_seconds``."""
    webhook_retry_max_seconds: float = Field(default=3600.0, gt=0, le=24 * 3600)
    """The longest delay between two attempts of one webhook delivery."""
    webhook_max_attempts: int = Field(default=10, ge=1, le=50)
    """Attempts of one delivery (the first included) before it is logged as failed."""
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    """How long one delivery attempt may take (connect, send, answer)."""
    webhook_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    """How often the deliverer looks for due deliveries (a new event wakes it at once)."""
    webhook_concurrency: int = Field(default=8, ge=1, le=100)
    """Deliveries in flight at once on this node (a slow receiver holds at most this
    many; the others keep flowing while one is free)."""
    log_format: LogFormat = LogFormat.TEXT
    """``text`` (one readable line per record) or ``json`` (one JSON object per line)."""
    log_level: str = "INFO"
    """Level of our own loggers (``mentor_rooms``, ``signaling``, ``media``, ...)."""
    library_log_level: str = "WARNING"
    """Level of aiortc's and aioice's loggers (INFO there is one line per ICE check)."""
    request_header_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    """A TCP connection that has not completed its HTTP request (headers) within this
    time is closed."""
    reconnect_grace_seconds: float = Field(default=30.0, ge=0, le=600)
    """A dropped participant's seat is held this long for a rejoin (same participant id,
    "reconnecting" to the others); a drop and rejoin within it is one attendance interval."""
    tls_cert_file: Path | None = None
    """PEM certificate (the server's first, then any intermediates). With ``tls_key_file``
    the server speaks HTTPS and WSS itself; set both or neither. Checked at start-up:
    a missing, unreadable, non-PEM, expired or not-yet-valid certificate, or a key that
    is not its own, stops the server with one line on stderr (exit code 2); one that
    expires within 14 days is served with a warning."""
    tls_key_file: Path | None = None
    """PEM private key of ``tls_cert_file`` (unencrypted)."""
    tls_port: int | None = Field(default=None, ge=1, le=65535)
    """With the TLS files: HTTPS listens here and ``port`` only answers 308 redirects to
    the same path on HTTPS (WebSockets there are refused). Unset: HTTPS on ``port`` and
    no plain listener. Ignored without the TLS files."""
    hsts_seconds: int = Field(default=31536000, ge=0)
    """``Strict-Transport-Security: max-age=N`` on every response served over HTTPS
    (directly, or through a proxy in ``forwarded_allow_ips`` that says
    ``X-Forwarded-Proto: https``); 0: no such header."""
    forwarded_allow_ips: str = "127.0.0.1"
    """Comma-separated addresses (or ``*``) whose ``X-Forwarded-Proto`` and
    ``X-Forwarded-For`` are believed: a TLS-terminating reverse proxy's (uvicorn's
    ``forwarded_allow_ips``)."""

    @field_validator("tls_cert_file", "tls_key_file", "tls_port", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """An empty variable (``MENTOR_ROOMS_TLS_PORT=`` in a compose file) means unset."""
        return None if value == "" else value

    @property
    def own_url(self) -> str:
        """``node_url`` if set, else where this process itself listens for the app:
        ``https://{host}:{tls_port or port}`` with the TLS files, ``http://{host}:{port}``
        without."""
        if self.node_url:
            return self.node_url
        if self.tls_cert_file is not None and self.tls_key_file is not None:
            return f"https://{self.host}:{self.tls_port or self.port}"
        return f"http://{self.host}:{self.port}"
