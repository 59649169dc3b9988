"""A publisher at a desk (1366 px) uploads a stock spreadsheet: the task worker reads it while the
page shows progress and reloads itself (no JavaScript needed), then the preview; confirming
imports the books. A file that attacks the reader comes back refused, with the reason."""

import os

import pytest

from publishers.enums import ImportStatus
from publishers.models import StockImport, StockListing
from publishers.services.importing import ImportRefused, parse_import
from tests.browser.conftest import axe_violations
from tests.browser.test_publisher_portal import exhibitor, sign_in, spreadsheet  # noqa: F401
from tests.publishers import attack_files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 900}
SHOTS = os.environ.get("SHOTS_DIR")  # set to keep screenshots of the journey
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def desk(browser):
    """A desk browser with JavaScript off: the progress page must reload itself without it."""
    context = browser.new_context(viewport=DESK, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desk_js(browser):
    context = browser.new_context(viewport=DESK, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def upload(page, base, event, data, name):
    page.goto(f"{base}/publisher/events/{event.pk}/import/")
    page.locator("input[type=file]").set_input_files({"name": name, "mimeType": XLSX, "buffer": data})
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url(f"**/publisher/events/{event.pk}/import/*/")


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_a_publisher_uploads_waits_for_the_worker_and_confirms(live_server, desk, event, exhibitor, settings):  # noqa: F811
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # a real queue
    base = live_server.url
    sign_in(desk, base)

    upload(desk, base, event, spreadsheet(), "sach-hoi-sach.xlsx")

    progress = desk.locator("#import-progress")
    assert "Đang chờ đến lượt" in progress.inner_text()
    assert desk.locator("#confirm-import").count() == 0
    fits(desk)
    shot(desk, "import-1-queued")

    stock_import = StockImport.objects.get()
    StockImport.objects.filter(pk=stock_import.pk).update(
        status=ImportStatus.PARSING, progress_done=1000, progress_total=3000
    )
    desk.locator("#import-progress", has_text="3.000").wait_for(timeout=10_000)  # reloaded by itself
    shot(desk, "import-2-reading")

    StockImport.objects.filter(pk=stock_import.pk).update(status=ImportStatus.QUEUED)
    parse_import(stock_import_id=stock_import.pk)  # the worker

    desk.locator("#confirm-import").wait_for(timeout=10_000)  # the preview, once read
    assert desk.locator("#refused-rows tbody tr").count() == 1
    assert desk.locator("#accepted-rows tbody tr").count() == 2
    assert not StockListing.objects.exists()
    fits(desk)
    shot(desk, "import-3-preview")

    desk.locator("#confirm-import").click()
    desk.wait_for_url(f"**/publisher/events/{event.pk}/stock/")
    assert StockListing.objects.filter(exhibitor=exhibitor).count() == 2
    shot(desk, "import-4-stock")


def test_an_attack_file_comes_back_refused_with_the_reason(live_server, desk_js, event, exhibitor):  # noqa: F811
    desk = desk_js  # JavaScript on: the accessibility checker runs in the page
    base = live_server.url
    sign_in(desk, base)

    upload(desk, base, event, attack_files.far_column(), "kho.xlsx")  # read at once: the immediate queue

    refused = StockImport.objects.get().report["refused"]
    assert refused["code"] == "too_many_columns"
    assert (
        desk.locator("#import-refusal").inner_text()
        == ImportRefused(refused["code"], **refused["params"]).message
    )
    assert desk.locator("#confirm-import").count() == 0
    fits(desk)
    shot(desk, "import-5-refused")
    assert axe_violations(desk) == []
