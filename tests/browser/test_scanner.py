"""The gate scanner in a phone-sized Chromium: a fake camera shows a pass QR rendered by the
project; passes are admitted, refused the second time, and scanned offline then uploaded."""

import hashlib
import os
import shutil
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import qrcode
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from events.enums import CheckInMethod, CheckInResult
from events.models import CheckIn, Gate, WalkIn
from events.services.registration import cancel
from home.groups import GATE_STAFF
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    axe_violations,
    csp_violations,
    pin_clock,
    watch_csp,
)
from tests.factories import register_visitor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _test_hooks(settings):
    """The scanner exposes its scan timings (window.scannerTimings) only when asked to."""
    settings.SCANNER_TEST_HOOKS = True


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $SCANNER_SCREENSHOTS to keep them, else the test's temporary folder."""
    folder = Path(os.environ.get("SCANNER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _server_settles(live_server):
    """Each test ends only when the live server has answered every request it got.

    A page closed in the middle of an upload leaves its request running on the server; the
    flush that empties the database after the test then waits for that request's locks while
    the request waits for the flush's, and PostgreSQL breaks the deadlock by failing the flush.
    """
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    busy = {"requests": 0}
    lock = threading.Condition()

    def counted(environ, start_response):
        with lock:
            busy["requests"] += 1
        try:
            result = app(environ, start_response)
            try:
                return list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()  # Django's request_finished: connections are released
        finally:
            with lock:
                busy["requests"] -= 1
                lock.notify_all()

    httpd.set_app(counted)
    yield
    with lock:
        lock.wait_for(lambda: busy["requests"] == 0, timeout=30)
    httpd.set_app(app)


@pytest.fixture
def server_log(live_server) -> list[str]:
    """The paths the live server answers, in order.

    With SQLite in memory, every thread of the live server shares the test's one connection, and
    the scanner's requests overlap (a scan, the pass list, the totals): they would trip over each
    other ("database table is locked"). There, requests are answered one at a time.
    """
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    paths = []
    serial = threading.Lock() if connection.vendor == "sqlite" and connection.is_in_memory_db() else None

    def logged(environ, start_response):
        paths.append(environ["PATH_INFO"])
        if serial is None:
            return app(environ, start_response)
        with serial:
            return list(app(environ, start_response))

    httpd.set_app(logged)
    yield paths
    httpd.set_app(app)


@pytest.fixture
def gate(event):
    return Gate.objects.create(event=event, name="Cổng A")


@pytest.fixture
def staff(event):
    user = User.objects.create_user("soatve", password="x")
    user.groups.add(Group.objects.get(name=GATE_STAFF))
    return user


def today_pass(event, party_size=1):
    result = register_visitor(
        event,
        visit_date=timezone.localdate(),
        party_size=party_size,
        notify=False,
        now=event.opens_on(event.start_date),
    )
    return result.registration.entry_pass


def qr_video(url: str, path) -> str:
    """A one-second .y4m of a pass QR held in front of the camera (a 640x480 frame)."""
    if not shutil.which("ffmpeg"):
        pytest.skip("scanner camera test SKIPPED: ffmpeg not found (apt-get install ffmpeg)")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=8)
    code.add_data(url)
    qr = code.make_image().get_image().convert("RGB").resize((360, 360), Image.NEAREST)
    frame = Image.new("RGB", (640, 480), "#c8c2b8")  # a greyish counter top around the paper
    frame.paste(qr, ((640 - 360) // 2, (480 - 360) // 2))
    frame.save(path / "pass.png")
    video = path / "pass.y4m"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-loop",
            "1",
            "-i",
            str(path / "pass.png"),
            "-t",
            "1",
            "-r",
            "15",
            "-pix_fmt",
            "yuv420p",
            str(video),
        ],
        check=True,
    )
    return str(video)


def log_in(context, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


# What a failed request prints in the console: expected where the test breaks the network.
NETWORK_NOISE = ("Failed to load resource",)


def page_errors(page) -> list[str]:
    return [error for error in page.errors if not error.startswith(NETWORK_NOISE)]


def wait_until(page, condition, timeout=20):
    """Polls the database (or anything) while Playwright keeps serving the page."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        page.wait_for_timeout(100)


@contextmanager
def held_requests(live_server, path: str):
    """The first request to ``path`` waits at the server until the test says go:
    (arrived, release) events, so a test can act while an upload is in flight."""
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    arrived, release = threading.Event(), threading.Event()

    def holding(environ, start_response):
        if environ["PATH_INFO"] == path and not arrived.is_set():
            arrived.set()
            release.wait(timeout=30)
        return app(environ, start_response)

    httpd.set_app(holding)
    try:
        yield arrived, release
    finally:
        release.set()
        httpd.set_app(app)


def vi(text: str, **values) -> str:
    with translation.override("vi"):
        return gettext(text) % values if values else gettext(text)


def new_phone(browser, live_server, user):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    pin_clock(context)
    watch_csp(context)
    if user is not None:
        log_in(context, live_server, user)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return context, page


@pytest.fixture
def camera_browser(browser, tmp_path, live_server, settings, event):
    """A Chromium of its own whose camera films a pass QR (the first pass of the test)."""
    settings.BASE_URL = live_server.url
    first = today_pass(event)
    video = qr_video(f"{live_server.url}/p/{first.code}/", tmp_path)
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    camera.first_pass = first
    yield camera
    camera.close()


def next_result(page, count: int) -> dict:
    """Waits for the count-th answer on screen and returns its timing record."""
    page.wait_for_function(
        f"() => window.scannerTimings && window.scannerTimings.length >= {count}", timeout=15_000
    )
    return page.evaluate(f"window.scannerTimings[{count - 1}]")


def start_scanning(page, live_server):
    page.goto(live_server.url + "/scan/")
    page.locator("#setup button[type=submit]").click()
    page.wait_for_function("() => document.getElementById('bundle-status').dataset.passes !== undefined")


def test_the_camera_admits_refuses_and_keeps_scanning_offline(
    live_server, server_log, camera_browser, event, gate, staff, shots
):
    first = camera_browser.first_pass
    offline_passes = [today_pass(event) for _ in range(3)]
    context, page = new_phone(camera_browser, live_server, staff)

    # First scan: the QR in front of the camera is admitted by the server.
    start_scanning(page, live_server)
    timing = next_result(page, 1)
    assert (timing["source"], timing["result"], timing["offline"]) == ("camera", "admitted", False)
    page.screenshot(path=str(shots / "admit-360.png"))
    assert page.locator("#result").get_attribute("data-tone") == "green"
    admitted = CheckIn.objects.get()
    assert (admitted.entry_pass, admitted.result, admitted.admitted, admitted.gate) == (
        first,
        "admitted",
        1,
        gate,
    )
    t = timing
    steps = {
        "frame on screen to decoder": t["tickAt"] - t["frameAt"],
        "decode": t["decodedAt"] - t["tickAt"],
        "hash": t["requestAt"] - t["decodedAt"],
        "server": t["serverMs"],
        "paint": t["shownAt"] - t["answeredAt"],
    }
    print(
        f"\nscan to result on screen (camera, online): {t['totalMs']:.0f} ms =",
        {k: round(v) for k, v in steps.items()},
    )

    # The same QR held in view is not read twice; opened again, the scanner refuses it.
    page.wait_for_timeout(3500)
    assert CheckIn.objects.count() == 1
    page.reload()
    timing = next_result(page, 1)
    assert timing["result"] == "already_admitted"
    assert page.locator("#result").get_attribute("data-tone") == "red"
    # The reason says when and where it was used (the server's words).
    assert "Cổng A" in page.locator("#result-message").inner_text()
    page.screenshot(path=str(shots / "refuse-360.png"))
    assert list(CheckIn.objects.order_by("pk").values_list("result", flat=True)) == [
        "admitted",
        "already_admitted",
    ]
    page.wait_for_function("() => document.getElementById('bundle-status').dataset.passes === '4'")
    page.locator("#result-next").click()

    # The network drops: three passes typed in are decided on the phone and queued.
    context.set_offline(True)
    page.wait_for_selector("#net[data-state=offline]")
    typed = [
        " ".join(offline_passes[0].code[i : i + 4] for i in range(0, 26, 4)).lower(),  # as read aloud
        f"{live_server.url}/p/{offline_passes[1].code}/",  # as a hand-held scanner types it
        offline_passes[2].code,
    ]
    for n, text in enumerate(typed, start=2):
        page.locator("#code").fill(text)
        page.locator("#code").press("Enter")
        timing = next_result(page, n)
        assert (timing["result"], timing["offline"]) == ("admitted", True)
    page.screenshot(path=str(shots / "offline-360.png"))
    page.wait_for_selector("#net[data-queued='3']")
    assert "3" in page.locator("#queue").inner_text()
    assert CheckIn.objects.count() == 2  # nothing reached the server

    # A second offline scan of the same pass is refused by the phone itself.
    page.locator("#code").fill(offline_passes[2].code)
    page.locator("#code").press("Enter")
    assert next_result(page, 5)["result"] == "already_admitted"
    page.wait_for_selector("#net[data-queued='4']")

    # Back online: the queue is uploaded with the original times, and nothing is lost.
    context.set_offline(False)
    page.wait_for_selector("#net[data-queued='0']", timeout=20_000)
    uploaded = CheckIn.objects.filter(entry_pass__in=offline_passes)
    assert sorted(c.entry_pass_id for c in uploaded.filter(result=CheckInResult.ADMITTED)) == sorted(
        p.pk for p in offline_passes
    )
    assert all(c.offline_result == c.result and not c.flagged for c in uploaded)
    assert all(c.scanned_at < c.received_at for c in uploaded)
    # ... plus the refused second scan, kept for the audit trail: 2 online + 3 + 1.
    assert uploaded.filter(result=CheckInResult.ALREADY_ADMITTED).count() == 1
    assert CheckIn.objects.count() == 6
    assert page.errors == []
    # All of it under the site's Content-Security-Policy, the QR decoded by the scanner's own
    # Web Worker (Debian's Chromium has no BarcodeDetector) and the service worker in control.
    assert csp_violations(page) == []
    assert page.evaluate("!('BarcodeDetector' in window) && !!navigator.serviceWorker.controller")
    context.close()


def test_groups_walk_ins_totals_undo_and_opening_offline(
    live_server, server_log, browser, event, gate, staff, settings, shots
):
    settings.BASE_URL = live_server.url
    group = today_pass(event, party_size=5)
    context, page = new_phone(browser, live_server, staff)
    start_scanning(page, live_server)
    assert page.locator("#where").inner_text() == f"Cổng A · {event.title}"
    # This browser has no camera: the message and its button take the viewfinder's place.
    page.wait_for_selector("#camera[data-state=off]")
    assert page.locator(".camera__view").is_hidden()
    status, toggle = page.locator("#camera-status"), page.locator("#camera-toggle")
    assert status.inner_text() == vi("No camera found. Type the code below.")
    a, b = status.bounding_box(), toggle.bounding_box()
    assert a["y"] + a["height"] <= b["y"] or a["x"] + a["width"] <= b["x"]  # side by side or stacked
    page.screenshot(path=str(shots / "scanner-360.png"), full_page=True)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    # A school group of five: three come in now.
    page.locator("#code").fill(group.code)
    page.locator("#code").press("Enter")
    dialog = page.locator("#group")
    dialog.wait_for()
    assert page.locator("#headcount").input_value() == "5"
    page.screenshot(path=str(shots / "group-360.png"))
    page.locator("#group-less").click()
    page.locator("#group-less").click()
    page.locator("#group-admit").click()
    assert next_result(page, 1)["result"] == "admitted"
    assert page.locator("#result").get_attribute("data-tone") == "amber"  # two still to come
    assert CheckIn.objects.get().admitted == 3
    page.locator("#result-next").click()

    # Walk-ins: +1, +5 and a typed number; the totals follow.
    page.get_by_role("button", name="+1", exact=True).click()
    page.wait_for_function("() => document.getElementById('walkins-status').textContent.includes('1')")
    page.get_by_role("button", name="+5", exact=True).click()
    page.wait_for_function("() => document.getElementById('walkins-status').textContent.includes('5')")
    page.locator("#walkins-count").fill("12")
    page.locator("#walkins-count").press("Enter")
    page.wait_for_function("() => document.getElementById('t-gate-walkins').textContent === '18'")
    assert sorted(WalkIn.objects.values_list("count", flat=True)) == [1, 5, 12]
    assert page.locator("#t-gate-admitted").inner_text() == "3"
    assert page.locator("#t-event-visits").inner_text() == "21"

    # Undo: the LAST action was the 12 walk-ins, not the group; the button names it and asks first.
    what = vi("%(n)s visitors without registration", n=12)
    assert page.locator("#undo").inner_text() == vi("Undo: %(what)s", what=what)
    page.locator("#undo").click()
    page.locator("#confirm").wait_for()
    assert page.locator("#confirm-text").inner_text() == what
    page.screenshot(path=str(shots / "undo-confirm-360.png"))
    page.locator("#confirm-yes").click()
    page.wait_for_selector("#undo-box", state="hidden")
    wait_until(page, lambda: WalkIn.objects.get(count=12).undone_at is not None)
    assert WalkIn.objects.count() == 3  # recorded as undone, never deleted
    assert CheckIn.objects.get().undone_at is None
    # The gate's and the event's figures settle together once the server has the undo.
    page.wait_for_function(
        "() => document.getElementById('t-gate-walkins').textContent === '6'"
        " && document.getElementById('t-event-visits').textContent === '9'"
    )

    # A refusal is readable and accessible too.
    page.locator("#code").fill("KHONG PHAI VE")
    page.locator("#code").press("Enter")
    assert next_result(page, 2)["result"] == "invalid"
    assert axe_violations(page) == []
    page.locator("#result-next").click()

    # No network: a walk-in is queued, and the scanner opens again from the service worker.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.locator("[data-walkins='5']").click()
    page.wait_for_selector("#net[data-queued='1']")
    server_log.clear()
    page.reload()
    page.wait_for_selector("#net[data-state=offline][data-queued='1']")
    assert page.locator("#t-gate-walkins").inner_text() == "11"  # 6 counted + 5 waiting
    assert page.locator("#offline-banner").is_visible()
    assert "/scan/" not in server_log
    page.screenshot(path=str(shots / "offline-queue-360.png"), full_page=True)
    context.set_offline(False)
    page.wait_for_selector("#net[data-queued='0']", timeout=20_000)
    assert sorted(WalkIn.objects.counted().values_list("count", flat=True)) == [1, 5, 5]
    assert page.errors == []
    context.close()


def test_the_handwritten_sha256_matches_the_server(live_server, phone, event):
    """Phones on plain http have no crypto.subtle; the fallback must hash exactly like Python."""
    phone.goto(live_server.url + "/static/events/scanner/icons/icon.svg")
    samples = [
        "abc",
        "",
        "Đặng Thị Hương",
        "x" * 55,
        "y" * 64,
        "salt0123456789abAB23456789CDEFGHJKMNPQRSTUVWXY" * 3,
    ]
    got = phone.evaluate(
        """async (samples) => {
            const { sha256HexSync } = await import('/static/events/scanner/sha256.js');
            return samples.map(sha256HexSync);
        }""",
        samples,
    )
    assert got == [hashlib.sha256(s.encode()).hexdigest() for s in samples]


def test_flaky_uploads_lose_nothing_and_an_undo_made_during_an_upload_arrives(
    live_server, server_log, browser, event, gate, staff, settings, shots
):
    settings.BASE_URL = live_server.url
    passes = [today_pass(event) for _ in range(3)]
    context, page = new_phone(browser, live_server, staff)
    start_scanning(page, live_server)

    # Offline: three passes are admitted on the phone and queued.
    context.set_offline(True)
    page.wait_for_selector("#net[data-state=offline]")
    for n, entry_pass in enumerate(passes, start=1):
        page.locator("#code").fill(entry_pass.code)
        page.locator("#code").press("Enter")
        assert next_result(page, n)["result"] == "admitted"
        page.locator("#result-next").click()
    page.wait_for_selector("#net[data-queued='3']")
    assert page.locator("#offline-banner").is_visible()
    page.screenshot(path=str(shots / "offline-banner-queue-360.png"), full_page=True)

    # The network comes back weak: the first upload is cut off, the second meets a 503.
    uploads = []

    def flaky(route):
        uploads.append([item["type"] for item in route.request.post_data_json["items"]])
        if len(uploads) == 1:
            route.abort()
        elif len(uploads) == 2:
            route.fulfill(status=503, content_type="application/json", body='{"code": "unavailable"}')
        else:
            route.continue_()

    page.route("**/api/v1/sync/", flaky)
    with held_requests(live_server, "/api/v1/sync/") as (arrived, release):
        context.set_offline(False)
        # The third upload reaches the server and is held there; meanwhile staff undo the last scan.
        wait_until(page, arrived.is_set)
        assert page.locator("#net").get_attribute("data-queued") == "3"  # kept through both failures
        assert CheckIn.objects.count() == 0
        page.locator("#undo").click()
        page.locator("#confirm-yes").click()
        page.wait_for_selector("#net[data-queued='4']")
        release.set()
        page.wait_for_selector("#net[data-queued='0']", timeout=20_000)

    assert uploads[:3] == [["checkin"] * 3] * 3
    assert uploads[3] == ["undo"]
    # Each scan reached the server exactly once, and the undo of the last one too.
    rows = CheckIn.objects.order_by("scanned_at")
    assert [row.entry_pass_id for row in rows] == [p.pk for p in passes]
    assert all(row.result == CheckInResult.ADMITTED for row in rows)
    assert [row.undone_at is not None for row in rows] == [False, False, True]
    assert rows[2].undone_by == staff
    assert page_errors(page) == []
    context.close()


def test_a_new_volunteer_signs_in_looks_up_a_visitor_and_uses_a_scanner_gun(
    live_server, server_log, browser, event, gate, settings, shots
):
    settings.BASE_URL = live_server.url
    user = User.objects.create_user("soatve", password="bookday-gate")
    user.groups.add(Group.objects.get(name=GATE_STAFF))
    now = event.opens_on(event.start_date)
    day = timezone.localdate()
    school = register_visitor(
        event,
        full_name="Trần Văn Bình",
        organisation="Trường Lê Lợi",
        phone="0912 345 678",
        visit_date=day,
        party_size=3,
        notify=False,
        now=now,
    ).registration
    gone = register_visitor(
        event, full_name="Trần Văn Bình", phone="0987 654 321", visit_date=day, notify=False, now=now
    ).registration
    cancel(registration=gone, now=now)
    gun_pass = today_pass(event)
    typed_pass = today_pass(event)

    # Not signed in: /scan/ sends the volunteer to the site's sign-in page, and back.
    context, page = new_phone(browser, live_server, None)
    page.goto(live_server.url + "/scan/")
    assert page.url == f"{live_server.url}/scan/login/?next=/scan/"
    assert page.locator("#id_remember").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(shots / "login-360.png"), full_page=True)
    assert axe_violations(page) == []
    page.locator("#id_username").fill("soatve")
    page.locator("#id_password").fill("bookday-gate")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/scan/")
    page.locator("#setup button[type=submit]").click()
    page.wait_for_function("() => document.getElementById('bundle-status').dataset.passes !== undefined")

    # A visitor without their QR: found by name without accents; the cancelled one is red.
    page.locator("#lookup-q").fill("tran van binh")
    page.locator("#lookup-q").press("Enter")
    page.wait_for_selector("#lookup-results li")
    rows = page.locator("#lookup-results li")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-status") == "ok"
    assert "Trường Lê Lợi" in rows.nth(0).inner_text()
    assert rows.nth(1).get_attribute("data-status") == "bad"
    assert rows.nth(1).locator("button").count() == 0  # not admittable
    page.screenshot(path=str(shots / "lookup-360.png"), full_page=False)
    page.locator("#lookup-results").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "lookup-results-360.png"))
    rows.nth(0).locator("button").click()
    page.locator("#group").wait_for()  # the same headcount question as a scan
    page.locator("#group-admit").click()
    assert next_result(page, 1)["result"] == "admitted"
    assert page.locator("#result-name").inner_text() == "Trần Văn Bình · Trường Lê Lợi"
    found = CheckIn.objects.get(entry_pass=school.entry_pass)
    assert (found.admitted, found.method) == (3, CheckInMethod.LOOKUP)
    page.locator("#result-next").click()

    # A scanner gun types the QR's URL in a burst and presses Enter, the focus on no field.
    page.locator("#walkins-title").click()
    page.keyboard.type(f"{live_server.url}/p/{gun_pass.code}/", delay=4)
    page.keyboard.press("Enter")
    assert next_result(page, 2)["result"] == "admitted"
    assert WalkIn.objects.count() == 0  # the Enter pressed no button
    assert CheckIn.objects.get(entry_pass=gun_pass).method == CheckInMethod.SCAN
    page.locator("#result-next").click()

    # A code typed by hand in the field goes in on Enter, recorded as typed.
    page.locator("#code").press_sequentially(typed_pass.code.lower(), delay=70)
    page.locator("#code").press("Enter")
    assert next_result(page, 3)["result"] == "admitted"
    assert CheckIn.objects.get(entry_pass=typed_pass).method == CheckInMethod.TYPED

    # Offline, the lookup says it needs the network instead of failing silently.
    page.locator("#result-next").click()
    context.set_offline(True)
    page.wait_for_selector("#net[data-state=offline]")
    page.locator("#lookup-q").fill("0912345678")
    page.locator("#lookup-q").press("Enter")
    assert page.locator("#lookup-status").inner_text() == vi(
        "Looking a visitor up needs the network, and there is none now."
    )
    context.set_offline(False)

    assert page_errors(page) == []
    # A failure inside the page is shown to staff, not swallowed, wherever they have scrolled to.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.evaluate("setTimeout(() => { Promise.reject(new Error('lỗi thử')); }, 0)")
    page.wait_for_selector("#app-error:not([hidden])")
    assert "lỗi thử" in page.locator("#app-error-text").inner_text()
    box = page.locator("#app-error").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]

    # Signing out returns to the sign-in page.
    page.get_by_role("button", name=vi("Log out")).click()
    page.wait_for_url(live_server.url + "/scan/login/")
    context.close()
