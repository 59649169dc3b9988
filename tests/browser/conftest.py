"""Browser tests: Debian's Chromium driven by Playwright (never a downloaded browser)."""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Chromium as root in a container, with no background traffic to the (closed) internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_database_calls():
    # Playwright's sync API runs an event loop in this thread; the tests' own database calls
    # (and the flush after each test) are still synchronous, so Django's async-safety guard is
    # relaxed while browser tests run.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM) and shutil.which("chromium"):
        return
    skip = pytest.mark.skip(reason=f"browser tests SKIPPED: {CHROMIUM} not found (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pin_clock(context) -> None:
    """Start the browser's clock where the server's is pinned (tests/conftest.py `clock`); it
    runs on from there. Scans are stamped by the phone, and a phone hours away from the server
    is a test of its own, not an accident of the hour the suite runs at."""
    from django.utils import timezone

    context.clock.install(time=timezone.now())


# Every Content-Security-Policy violation in a page, as "directive blocked-URI source:line".
WATCH_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  (window.__cspViolations = window.__cspViolations || []).push(
    `${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def watch_csp(context) -> None:
    """Record the policy violations of every page of the context (read with csp_violations)."""
    context.add_init_script(WATCH_CSP)


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


@pytest.fixture
def phone(browser):
    """A phone-sized page that records console errors and failed requests."""
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    pin_clock(context)
    watch_csp(context)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"


def axe_violations(page) -> list[str]:
    """Run the axe-core accessibility checker (WCAG 2.1 A and AA) on the open page."""
    # Evaluated through the DevTools protocol, not added as an inline <script>: the site's
    # Content-Security-Policy (script-src 'self') would block that, as it should.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def solve_altcha(page) -> None:
    """Tick the form's proof-of-work check as a person does, and wait until the real widget
    (our static altcha.js and its worker) has solved the server's challenge."""
    page.get_by_role("checkbox", name=re.compile("Tôi không phải là người máy")).click()
    page.locator('altcha-widget .altcha[data-state="verified"]').wait_for(timeout=15_000)
