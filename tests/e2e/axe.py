"""axe-core accessibility checks for browser tests.

``assert_accessible(page, context)`` injects the vendored ``vendor/axe.min.js`` into a
Playwright page and fails when axe reports any *serious* or *critical* violation.

How axe gets in under the app's strict CSP (``script-src 'self'``, no ``unsafe-inline``,
no ``unsafe-eval``): ``page.add_script_tag(path=...)`` inlines the file as a ``<script>``
element, which the CSP blocks. ``page.evaluate`` is not subject to the page's CSP (it runs
through the DevTools protocol), so the helper evaluates a function whose body is the axe
source. No ``bypass_csp`` context is needed, so the page under test runs with the CSP it
ships with. axe itself uses no ``eval``/``new Function``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
"""axe-core's single-file build (version and source in ``vendor/README.md``)."""

FAILING_IMPACTS = ("serious", "critical")
"""Violations with these impacts fail the check; minor and moderate ones are ignored."""

_RUN = """async (impacts) => {
  const results = await window.axe.run(document, {resultTypes: ['violations']});
  return results.violations
    .filter(v => impacts.includes(v.impact))
    .map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map(n => n.target.map(String).join(' ')),
    }));
}"""


@cache
def _injector() -> str:
    """A function expression that defines ``window.axe`` when evaluated in a page."""
    source = AXE_PATH.read_text(encoding="utf-8")
    return "() => {\n" + source + "\n;return typeof window.axe;\n}"


def _describe(violation: dict[str, Any]) -> str:
    targets = ", ".join(violation["targets"][:8])
    more = len(violation["targets"]) - 8
    suffix = f" (+{more} more)" if more > 0 else ""
    return f"  {violation['id']} [{violation['impact']}] {violation['help']}: {targets}{suffix}"


def assert_accessible(page: Any, context: str) -> None:
    """Asserts that axe-core finds no serious or critical violation on ``page``.

    The page should have finished rendering what is to be checked (wait for its data
    first). Injecting axe is idempotent; the page's CSP stays in force.

    Args:
        page: A Playwright sync ``Page``.
        context: Names the page and state being checked (e.g. ``"admin page, 390x844"``);
            it heads the failure message.

    Raises:
        AssertionError: Listing each failing rule's id, impact, summary and the CSS
            selectors of the offending nodes.
    """
    if page.evaluate("() => typeof window.axe") != "object":
        kind = page.evaluate(_injector())
        assert kind == "object", f"{context}: axe-core did not load ({kind})"
    violations: list[dict[str, Any]] = page.evaluate(_RUN, list(FAILING_IMPACTS))
    if violations:
        lines = "\n".join(_describe(v) for v in violations)
        raise AssertionError(
            f"{context}: {len(violations)} serious/critical accessibility violation(s):\n"
            f"{lines}")
