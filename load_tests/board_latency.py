"""Action-to-render latency of the shared board between two real browser pages.

Usage: ``python -m load_tests.board_latency --repeat 40``

Starts a server (memory storage), opens a mentor and a mentee page in headless
Chromium (fake camera and microphone, so media flows as in a real session) and
repeats each action on the mentor's page: a chat message, an agenda item, a timer
start/pause, a notes keystroke. The action is performed inside the page and
stamped with ``Date.now()``; the other page, watching since before the action,
stamps with ``Date.now()`` too (same machine clock) the moment the result is in its
DOM (a MutationObserver for chat, agenda and timer; a 1 ms poll of the textarea for
notes). Prints p50/p95 per action.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

from load_tests.relay_cost import percentile
from load_tests.server import (
    CREDENTIAL_ENV,
    add_credential_option,
    bearer,
    own_server_credential,
    running_server,
)

CHROMIUM = "/usr/lib/chromium/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
]

WATCH = """([selector, text]) => { window.__watch = new Promise((resolve) => {
  const hit = () => [...document.querySelectorAll(selector)]
    .some((node) => (node.textContent || '').includes(text));
  if (hit()) { resolve(Date.now()); return; }
  const observer = new MutationObserver(() => {
    if (hit()) { observer.disconnect(); resolve(Date.now()); }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true,
                                   attributes: true});
}); }"""

WATCH_NOTES = """(length) => { window.__watch = new Promise((resolve) => {
  const poll = () => {
    if (document.querySelector('#notes-text').value.length >= length) resolve(Date.now());
    else setTimeout(poll, 1);
  };
  poll();
}); }"""

WATCH_TIMER = """(state) => { window.__watch = new Promise((resolve) => {
  const display = document.querySelector('#timer-display');
  const check = () => display.dataset.state === state
    || (state === 'running' && ['warning', 'expired'].includes(display.dataset.state));
  if (check()) { resolve(Date.now()); return; }
  new MutationObserver((_, observer) => {
    if (check()) { observer.disconnect(); resolve(Date.now()); }
  }).observe(display, {attributes: true});
}); }"""

SUBMIT = """([form, fields]) => {
  for (const [selector, value] of Object.entries(fields)) {
    document.querySelector(selector).value = value;
  }
  const t = Date.now();
  document.querySelector(form).requestSubmit();
  return t;
}"""


def open_page(browser: Any, url: str, name: str) -> Page:
    page: Page = browser.new_context().new_page()
    page.goto(url)
    page.fill("#display-name", name)
    page.click("#join-button")
    page.wait_for_function("window.mentorRooms.state().phase === 'joined'", timeout=30_000)
    return page


def measure(actor: Page, observer: Page, selector: str, text: str, action: Any) -> float:
    """Milliseconds from ``action()`` (returns its Date.now()) to ``text`` rendered."""
    observer.evaluate(WATCH, [selector, text])
    sent = float(action())
    seen = float(observer.evaluate("window.__watch"))
    return seen - sent


def run(base: str, repeat: int, credential: str) -> dict[str, dict[str, float]]:
    r = httpx.post(f"{base}/api/sessions", json={"kind": "one_on_one", "title": "latency"},
                   headers=bearer(credential))
    sid, mentor = r.json()["session"]["session_id"], r.json()["mentor_invite"]["token"]
    mentee = httpx.post(
        f"{base}/api/sessions/{sid}/invites",
        json={"role": "mentee"},
        headers={"Authorization": f"Bearer {mentor}"},
    ).json()["url"]
    results: dict[str, list[float]] = {"chat": [], "agenda": [], "timer": [], "notes": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        maya = open_page(browser, f"{base}/s/{sid}#token={mentor}", "Maya")
        ana = open_page(browser, mentee, "Ana")
        for page in (maya, ana):
            page.click("#tab-chat")
        time.sleep(2)
        for i in range(repeat):
            text = f"bench message {i}"
            results["chat"].append(
                measure(
                    maya,
                    ana,
                    "#chat-log .chat-text",
                    text,
                    lambda t=text: maya.evaluate(SUBMIT, ["#chat-form", {"#chat-input": t}]),
                )
            )
            title = f"bench item {i}"
            results["agenda"].append(
                measure(
                    maya,
                    ana,
                    "#agenda-list .agenda-title",
                    title,
                    lambda t=title: maya.evaluate(
                        SUBMIT,
                        [
                            "#agenda-add-form",
                            {"#agenda-title-input": t, "#agenda-minutes-input": "5"},
                        ],
                    ),
                )
            )
        for i in range(repeat):
            maya.fill("#timer-minutes-input", "10")
            state = "running" if i % 2 == 0 else "paused"
            button = "#timer-start" if i % 2 == 0 else "#timer-pause"
            ana.evaluate(WATCH_TIMER, state)
            sent = maya.evaluate(
                "(b) => { const t = Date.now(); document.querySelector(b).click(); return t; }",
                button,
            )
            results["timer"].append(float(ana.evaluate("window.__watch")) - sent)
        for page in (maya, ana):
            page.click("#tab-notes")
        maya.click("#notes-text")
        for i in range(repeat):
            ana.evaluate(WATCH_NOTES, i + 1)
            sent = maya.evaluate("Date.now()")
            maya.keyboard.type("n")
            results["notes"].append(float(ana.evaluate("window.__watch")) - sent)
        browser.close()
    return {
        kind: {
            "p50_ms": percentile(values, 0.5),
            "p95_ms": percentile(values, 0.95),
            "n": len(values),
        }
        for kind, values in results.items()
    }


def main(args: argparse.Namespace) -> None:
    credential = own_server_credential(args.credential)
    env = {
        "MENTOR_ROOMS_STORAGE_URL": "memory://",
        "MENTOR_ROOMS_MEDIA_HOST_ADDRESSES": '["127.0.0.1"]',
        CREDENTIAL_ENV: credential,
    }
    with running_server(env, port_base=19000) as (base, _):
        print(json.dumps(run(base, args.repeat, credential), indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    add_credential_option(parser)
    main(parser.parse_args())
