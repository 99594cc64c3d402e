"""Chromium under a non-localhost name: over HTTPS two pages join with camera and
microphone and media flows both ways; over plain HTTP the pre-join screen says that
HTTPS is needed instead of failing silently."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from tests.conftest import LiveServer, free_port, start_server
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ARGS, CHROMIUM
from tests.e2e.test_browser_rooms import DEADLINE, open_room, wait_for_media
from tests.integration.test_https_server import TlsServer, start_tls_server

pytestmark = pytest.mark.browser
NAME = "mentor.test"
SCREENSHOTS = Path(os.environ.get("MENTOR_ROOMS_SCREENSHOTS")
                   or Path(__file__).parent / "screenshots")


def spki_sha256(cert_file: Path) -> str:
    """Base64 SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium's
    ``--ignore-certificate-errors-spki-list`` takes it."""
    certificate = x509.load_pem_x509_certificates(cert_file.read_bytes())[0]
    info = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(info).digest()).decode()


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    port = free_port()
    server = start_tls_server(tmp_path_factory.mktemp("tls"), redirect=False, tls_port=port,
                              extra_env={"MENTOR_ROOMS_PUBLIC_URL": f"https://{NAME}:{port}"})
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture(scope="module")
def plain_server() -> Iterator[LiveServer]:
    server = start_server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def named_browser(https_server: TlsServer) -> Iterator[Any]:
    """Chromium resolving mentor.test to 127.0.0.1 and trusting only this server's
    certificate (by its public key), as a person's browser trusts a real one."""
    if CHROMIUM is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    args = [*ARGS, f"--host-resolver-rules=MAP {NAME} 127.0.0.1",
            f"--ignore-certificate-errors-spki-list={spki_sha256(https_server.cert_file)}"]
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield instance
        instance.close()


def test_two_pages_join_over_https_on_a_real_name_and_see_and_hear_each_other(
    named_browser: Any, https_server: TlsServer
) -> None:
    with https_server.client() as client:
        sid, mentor = https_server.create_session(client)
        r = client.post(f"{https_server.base_url}/api/sessions/{sid}/invites",
                        json={"role": "mentee", "display_name": "Ana"},
                        headers={"Authorization": f"Bearer {mentor}"})
        r.raise_for_status()
    base = f"https://{NAME}:{https_server.tls_port}"
    invite_url: str = r.json()["url"]
    assert invite_url.startswith(f"{base}/"), invite_url
    pages = [open_room(named_browser, f"{base}/s/{sid}#token={mentor}", "Maya"),
             open_room(named_browser, invite_url, "Ana")]
    try:
        for page in pages:
            assert page.evaluate("() => [window.isSecureContext, location.protocol]") == \
                [True, "https:"]
            assert page.locator("#https-needed").is_hidden()
        wait_for_media(pages, 1)
        assert "Ana" in pages[0].locator("#tiles .tile .tile-name").all_text_contents()
    finally:
        for page in pages:
            page.context.close()


def test_a_plain_http_page_on_a_real_name_says_https_is_needed_and_can_still_join(
    named_browser: Any, plain_server: LiveServer
) -> None:
    sid, mentor = plain_server.create_session("one_on_one")
    url = f"http://{NAME}:{plain_server.base_url.rsplit(':', 1)[1]}/s/{sid}#token={mentor}"
    context = named_browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(url)
        message = page.locator("#https-needed")
        message.wait_for(state="visible", timeout=DEADLINE * 1000)
        assert page.evaluate("() => window.isSecureContext") is False
        assert message.get_attribute("role") == "alert"
        text = message.text_content() or ""
        assert "This page needs HTTPS for your camera and microphone" in text
        assert "http://localhost" in text
        assert page.locator("#preview-status").text_content() == "No camera"
        assert page.locator("#start-muted").is_disabled()
        assert page.locator("#media-error").is_hidden()  # no attempt, so no failure
        assert page.locator("#join-button").is_enabled()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "prejoin_https_needed_1280x800.png"))
        assert_accessible(page, "pre-join over plain HTTP, 1280x800")
        page.fill("#display-name", "Maya")
        page.click("#join-button")
        page.wait_for_function(
            "() => window.mentorRooms && window.mentorRooms.state().phase === 'joined'",
            timeout=DEADLINE * 1000)
    finally:
        context.close()

