"""The floor plan in a browser: an organiser drags a booth in the admin editor (1366 px) and
saves; a visitor on a phone (360 px) finds a book in the catalogue, opens its booth on the map
and zooms."""

import pytest

from floor.models import Booth
from tests.browser.conftest import axe_violations, csp_violations, watch_csp
from tests.floor.plan_helpers import small_plan
from tests.publishers.portal_factories import ExhibitorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    watch_csp(context)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_an_organiser_drags_a_booth_and_saves_the_plan(live_server, desk, event, admin_user):
    small_plan(event)
    desk.goto(live_server.url + "/admin/login/")
    desk.get_by_label("Tên đăng nhập").fill("admin")
    desk.get_by_label("Mật khẩu").fill("password")
    desk.get_by_role("button", name="Đăng nhập").click()
    desk.wait_for_url("**/admin/")
    desk.goto(live_server.url + f"/admin/floor_plans/{event.pk}/")

    booth = desk.locator('#floor-stage g.booth[data-label="A2"]')
    box = booth.bounding_box()
    metre = box["width"] / 3  # the booth is 3 m wide on screen
    start = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    desk.mouse.move(*start)
    desk.mouse.down()
    desk.mouse.move(start[0] + 10 * metre, start[1] + 8 * metre, steps=10)
    desk.mouse.up()
    # The table follows the drag (snapped to the 0.5 m grid), then the keyboard nudges it.
    row = desk.locator("tr[data-row=booths]").filter(has=desk.locator('input[value="A2"]'))
    x, y = float(row.locator('[name$="-x"]').input_value()), float(row.locator('[name$="-y"]').input_value())
    assert abs(x - 15) <= 0.5 and abs(y - 10) <= 0.5  # 10 m right and 8 m down from (5, 2)
    assert x * 2 == int(x * 2) and y * 2 == int(y * 2)
    booth.press("ArrowRight")
    assert float(row.locator('[name$="-x"]').input_value()) == x + 0.5
    desk.get_by_role("button", name="Lưu sơ đồ mặt bằng").click()
    desk.get_by_text("Đã lưu sơ đồ mặt bằng").first.wait_for()

    moved = Booth.objects.get(label="A2")
    assert (float(moved.x), float(moved.y)) == (x + 0.5, y)
    assert desk.errors == [] and csp_violations(desk) == []


def test_a_visitor_opens_a_booth_on_the_map_and_zooms(live_server, phone, event):
    ExhibitorFactory(event=event, booths="A8", publisher__name="NXB Kim Đồng", publisher__slug="kim-dong")
    small_plan(event)
    phone.goto(live_server.url + f"/events/{event.pk}/exhibitors/")
    phone.get_by_role("link", name="Xem trên sơ đồ (NXB Kim Đồng)").click()
    phone.wait_for_url(f"**/events/{event.pk}/map/?booth=A8")
    assert phone.get_by_text("Gian A8: NXB Kim Đồng, tô màu vàng.").is_visible()

    frame = phone.locator(".floor-map__frame").bounding_box()
    found = phone.locator('g.is-highlighted[data-label="A8"] rect').bounding_box()
    # Highlighted, on screen and near the middle of the map.
    assert frame["x"] <= found["x"] and found["x"] + found["width"] <= frame["x"] + frame["width"]
    assert abs((found["x"] + found["width"] / 2) - (frame["x"] + frame["width"] / 2)) < frame["width"] / 4
    assert found["width"] > 40  # big enough to read on a phone

    phone.get_by_role("button", name="Thu nhỏ").click()
    smaller = phone.locator('g.is-highlighted[data-label="A8"] rect').bounding_box()
    assert smaller["width"] < found["width"]
    phone.get_by_role("button", name="Phóng to").click()
    phone.get_by_role("button", name="Phóng to").click()
    assert phone.locator('g.is-highlighted[data-label="A8"] rect').bounding_box()["width"] > smaller["width"]

    # Pan: by dragging the map, and with the arrow keys once the map has the focus.
    def view_x():
        return float(phone.locator("#floor-svg").get_attribute("viewBox").split()[0])

    before = view_x()
    frame_box = phone.locator(".floor-map__frame").bounding_box()
    middle = (frame_box["x"] + frame_box["width"] / 2, frame_box["y"] + frame_box["height"] / 2)
    phone.mouse.move(*middle)
    phone.mouse.down()
    phone.mouse.move(middle[0] + 60, middle[1], steps=6)
    phone.mouse.up()
    assert view_x() < before  # dragged to the right: the map shows more of the left
    phone.locator(".floor-map__frame").focus()
    dragged = view_x()
    phone.keyboard.press("ArrowRight")
    assert view_x() > dragged
    assert "?booth=A8" in phone.url  # a drag over a booth is not a click on its link

    assert phone.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    assert phone.errors == [] and csp_violations(phone) == []
    assert axe_violations(phone) == []


def test_a_visitor_pinches_the_map_to_zoom(live_server, phone, event):
    small_plan(event)
    phone.goto(live_server.url + f"/events/{event.pk}/map/")
    frame = phone.locator(".floor-map__frame")
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    touch = phone.context.new_cdp_session(phone)

    def fingers(kind, points):
        touch.send(
            "Input.dispatchTouchEvent",
            {"type": kind, "touchPoints": [{"x": x, "y": y, "id": n} for n, (x, y) in enumerate(points)]},
        )

    def width_shown():
        return float(phone.locator("#floor-svg").get_attribute("viewBox").split()[2])

    assert width_shown() == 30
    fingers("touchStart", [(cx - 20, cy), (cx + 20, cy)])
    for spread in range(30, 100, 10):
        fingers("touchMove", [(cx - spread, cy), (cx + spread, cy)])
    fingers("touchEnd", [])
    assert width_shown() < 15  # two fingers moved apart: the map is zoomed in
    assert phone.errors == []


def test_a_visitor_finds_a_book_in_the_catalogue_and_opens_its_booth_on_the_map(live_server, phone, event):
    from tests.publishers.portal_factories import StockListingFactory

    exhibitor = ExhibitorFactory(
        event=event, booths="A8", publisher__name="NXB Kim Đồng", publisher__slug="kim-dong"
    )
    StockListingFactory(exhibitor=exhibitor, title__title="Kính vạn hoa", copies=40)
    small_plan(event)
    # Typed without accents, as on a phone keyboard.
    phone.goto(live_server.url + f"/events/{event.pk}/catalogue/?q=kinh+van+hoa")
    phone.get_by_role("link", name="Xem trên sơ đồ (Kính vạn hoa)").click()
    phone.wait_for_url(f"**/events/{event.pk}/map/?booth=A8")
    assert phone.get_by_text("Gian A8: NXB Kim Đồng, tô màu vàng.").is_visible()
    frame = phone.locator(".floor-map__frame").bounding_box()
    found = phone.locator('g.is-highlighted[data-label="A8"] rect').bounding_box()
    assert frame["x"] <= found["x"] and found["x"] + found["width"] <= frame["x"] + frame["width"]
    assert phone.errors == []
