"""The gate scanner in Chromium over the rehearsal's HTTPS: the camera and the service worker need
a secure origin, so this is where "installable, and opens with the network off" is proven.

The certificate is self-signed: the browser context ignores certificate errors, and Chromium is
told to trust this one certificate's key (--ignore-certificate-errors-spki-list), without which
it refuses to register a service worker from an origin whose certificate it does not trust.
"""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"


def spki_hash(cert: Path) -> str:
    public = subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"], check=True, capture_output=True
    ).stdout
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"], input=public, check=True, capture_output=True
    ).stdout
    digest = subprocess.run(
        ["openssl", "dgst", "-sha256", "-binary"], input=der, check=True, capture_output=True
    ).stdout
    return base64.b64encode(digest).decode()


def scanner_over_https(base: str, cert: Path, code: str, shots: Path) -> tuple[bool, str]:
    """Sign in at /scan/, choose a gate, check the service worker and the manifest, then go offline:
    the page opens again from the service worker and a scan is queued, then uploaded."""
    if not Path(CHROMIUM).exists():
        return True, "skipped: no Chromium (apt-get install chromium)"
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    args = ["--no-sandbox", "--disable-gpu", f"--ignore-certificate-errors-spki-list={spki_hash(cert)}"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            context = browser.new_context(
                ignore_https_errors=True,
                viewport={"width": 360, "height": 740},
                is_mobile=True,
                has_touch=True,
            )
            page = context.new_page()
            page.goto(base + "/scan/")
            page.locator("#id_username").fill("soatve")
            page.locator("#id_password").fill("bookday")
            page.locator("form.form button[type=submit]").click()
            page.wait_for_url(base + "/scan/")
            page.locator("#setup button[type=submit]").click()
            page.wait_for_function(
                "() => document.getElementById('bundle-status').dataset.passes !== undefined"
            )
            page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)
            protocol = page.evaluate("performance.getEntriesByType('navigation')[0].nextHopProtocol")
            manifest = page.evaluate(
                "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
            )
            installable = bool(manifest.get("start_url") and manifest.get("icons")) and manifest.get(
                "display"
            ) in ("standalone", "fullscreen", "minimal-ui")
            page.screenshot(path=str(shots / "scanner-online-360.png"), full_page=True)

            context.set_offline(True)
            page.reload()
            page.wait_for_selector("#net[data-state=offline]")
            page.locator("#code").fill(code)
            page.locator("#code").press("Enter")
            page.wait_for_selector("#net[data-queued='1']")
            page.screenshot(path=str(shots / "scanner-offline-360.png"), full_page=True)
            context.set_offline(False)
            page.wait_for_selector("#net[data-queued='0']", timeout=30_000)
            ok = installable and protocol == "h2"
            return ok, (
                f"HTTP/2 ({protocol}), service worker in control, manifest installable: {installable}; "
                "reopened offline from the service worker, one scan queued and uploaded on reconnect"
            )
        except Exception as error:  # noqa: BLE001 - reported in the table, with the page's state
            return False, f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
        finally:
            browser.close()
