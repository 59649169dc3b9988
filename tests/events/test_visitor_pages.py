"""What a visitor sees: a waiting or cancelled registration never looks like a pass, only the
mailbox can change or cancel, the form speaks the project's Vietnamese, and a shared link makes
a card."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.core import mail
from pypdf import PdfReader

from events.enums import ProgrammeKind
from events.models import Registration
from events.services.access import manage_token
from events.services.registration import cancel
from tests.altcha import solved
from tests.factories import EventPageFactory, ProgrammeItemFactory, register_visitor

pytestmark = pytest.mark.django_db

# The fair runs 01–03/12/2026; it is 09:00 in Hà Nội on its second day.
NOW = dt.datetime(2026, 12, 2, 2, 0, tzinfo=dt.UTC)
DAY1, DAY2, DAY3 = dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _now():
    # Django's clock only (pydantic and the URLconf keep the real date classes).
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def fair(event_index):
    return EventPageFactory(
        parent=event_index,
        start_date=DAY1,
        end_date=DAY3,
        daily_capacity=10,
        walk_in_policy="Vẫn có thể vào cửa tự do khi còn chỗ.",
        gates_info="Cổng A (Lý Thái Tổ) cho khách đã đăng ký.",
        parking_info="Gửi xe máy ở sân sau thư viện.",
        transport_info="Xe buýt 86, điểm dừng Thư viện tỉnh.",
    )


def full_day(event, day):
    register_visitor(event, visit_date=day, party_size=10, organisation="Trường THPT Hàn Thuyên")


def main(html: str) -> str:
    """The page's own content, without the icon sprite and the footer."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_waiting_registration_shows_no_qr_and_its_place_in_the_queue(client, fair):
    full_day(fair, DAY3)
    for _ in range(6):
        register_visitor(fair, visit_date=DAY3)
    seventh = register_visitor(fair, visit_date=DAY3, email="hong@gmail.com").registration
    html = client.get(seventh.entry_pass.path).content.decode()
    assert 'class="qr"' not in html and "<path" not in main(html)  # no QR code drawn anywhere
    assert "Chưa có giá trị vào cửa." in html
    assert "Bạn đứng thứ 7 trong danh sách chờ ngày 03/12." in html
    assert "Vẫn có thể vào cửa tự do khi còn chỗ." in html
    assert "Vé vào cổng" not in main(html)
    assert "h***@gmail.com" in html

    text = pdf_text(client.get(seventh.entry_pass.path + "pass.pdf").content)
    assert "KHÔNG CÓ GIÁ TRỊ VÀO CỬA" in text and "Bạn đứng thứ 7 trong danh sách chờ ngày 03/12." in text
    assert "Xuất trình mã QR này tại cổng" not in text
    reader = PdfReader(io.BytesIO(client.get(seventh.entry_pass.path + "pass.pdf").content))
    assert not list(reader.pages[0].images)  # no QR image at all
    assert client.get(seventh.entry_pass.path + "gate/").status_code == 302  # no gate mode either


def test_a_cancelled_registration_says_so_and_offers_no_calendar(client, fair):
    registration = register_visitor(fair, visit_date=DAY3).registration
    cancel(registration=registration)
    path = registration.entry_pass.path
    html = client.get(path).content.decode()
    assert "Không có giá trị vào cửa." in html
    assert 'class="qr"' not in html and "<path" not in main(html) and "/gate/" not in html
    assert "calendar.ics" not in html and "calendar.google.com" not in html
    assert client.get(path + "calendar.ics").status_code == 404
    text = pdf_text(client.get(path + "pass.pdf").content)
    assert "KHÔNG CÓ GIÁ TRỊ VÀO CỬA" in text


def test_a_confirmed_pass_shows_the_qr_where_it_was_sent_and_no_cancel_link(client, fair):
    registration = register_visitor(fair, visit_date=DAY3, email="hoa.nguyen@gmail.com").registration
    code = registration.entry_pass.code
    html = client.get(f"/p/{code}/").content.decode()
    assert 'class="qr"' in html and "<path" in main(html)
    assert "Vé đã được gửi tới h***@gmail.com." in html and "chụp màn hình" in html
    assert "hoa.nguyen" not in html
    assert "/cancel/" not in html and "/manage/" not in html and "?t=" not in html
    assert f'href="/p/{code}/access/"' in html and "Hủy hoặc đổi vé" in html
    assert "calendar.google.com/calendar/render" in html and "google.com/maps/dir" in html
    gate = client.get(f"/p/{code}/gate/").content.decode()
    assert "<path" in gate and registration.entry_pass.code[:4] in gate and "site-header" not in gate
    text = pdf_text(client.get(f"/p/{code}/pass.pdf").content)
    assert "Xuất trình mã QR này tại cổng" in text and "KHÔNG CÓ GIÁ TRỊ" not in text


def test_the_emailed_link_opens_the_change_page_and_moves_the_day(client, fair):
    registration = register_visitor(fair, visit_date=DAY2).registration
    code = registration.entry_pass.code
    assert f"/p/{code}/manage/?t=" in mail.outbox[-1].body
    assert client.get(f"/p/{code}/manage/?t=forged").status_code == 404
    url = f"/p/{code}/manage/?t={manage_token(code)}"
    page = client.get(url).content.decode()
    assert "Đổi hoặc hủy đăng ký" in page and f"/p/{code}/cancel/?t=" in page
    response = client.post(url, {"t": manage_token(code), "visit_date": DAY3.isoformat(), "party_size": "2"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.day.date == DAY3 and registration.party_size == 2


def test_a_full_day_on_the_change_page_offers_the_waiting_list(client, fair):
    full_day(fair, DAY3)
    registration = register_visitor(fair, visit_date=DAY2).registration
    code = registration.entry_pass.code
    url = f"/p/{code}/manage/?t={manage_token(code)}"
    data = {"t": manage_token(code), "visit_date": DAY3.isoformat(), "party_size": "1"}
    refused = client.post(url, data)
    html = refused.content.decode()
    assert refused.status_code == 409 and "Ngày này đã kín chỗ." in html
    assert 'name="join_waitlist"' in html and "Vẫn có thể vào cửa tự do khi còn chỗ." in html
    client.post(url, {**data, "join_waitlist": "on"})
    registration.refresh_from_db()
    assert registration.status == "waiting" and registration.day.date == DAY3


def test_growing_past_the_group_threshold_without_an_organisation_is_refused_on_the_change_page(client, fair):
    # The change form has no organisation field: the refusal shows above the form (it used to
    # be added to a field the form lacks, a server error).
    registration = register_visitor(fair, visit_date=DAY2, party_size=2).registration
    code = registration.entry_pass.code
    url = f"/p/{code}/manage/?t={manage_token(code)}"
    refused = client.post(url, {"t": manage_token(code), "visit_date": DAY2.isoformat(), "party_size": "6"})
    assert refused.status_code == 409
    assert "Đoàn trên 5 người phải ghi tên trường hoặc tổ chức." in refused.content.decode()
    registration.refresh_from_db()
    assert registration.party_size == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": ""}, "email", "Hãy nhập địa chỉ email: vé được gửi tới đó."),
        ({"email": "not-an-email"}, "email", "Địa chỉ email này chưa đúng"),
        ({"full_name": ""}, "full_name", "Hãy nhập họ và tên của bạn."),
        ({"phone": ""}, "phone", "Hãy nhập số điện thoại di động, ví dụ 0912 345 678."),
        ({"party_size": "0"}, "party_size", "Ít nhất 1 người."),
        ({"party_size": "hai"}, "party_size", "Hãy nhập số người là một số nguyên, ví dụ 1."),
        ({"visit_date": ""}, "visit_date", "Hãy chọn ngày bạn đến."),
    ],
)
def test_every_error_is_the_projects_own_vietnamese_and_marks_its_field(
    client, fair, changes, field, message
):
    data = {
        "full_name": "Nguyễn Văn Ưng",
        "email": "ung@example.vn",
        "phone": "0912 345 678",
        "visit_date": DAY3.isoformat(),
        "party_size": "1",
        "consent": "on",
        **changes,
    }
    response = client.post(f"/events/{fair.pk}/register/", solved(data))
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    for django_default in ("Nhập địa chỉ email.", "Trường này là bắt buộc.", "lớn hơn hoặc bằng với"):
        assert django_default not in html
    assert f'id="id_{field}_error"' in html
    if field != "visit_date":
        widget = (
            html.split(f'id="id_{field}"', 1)[0].rsplit("<input", 1)[1]
            + html.split(f'id="id_{field}"')[1][:200]
        )
        assert 'aria-invalid="true"' in widget and f"id_{field}_error" in widget
    else:
        assert f'<fieldset aria-describedby="id_{field}_error"' in html
    assert not Registration.objects.exists()


def test_past_days_are_shown_but_not_selectable_and_today_is_preselected(client, fair):
    html = client.get(f"/events/{fair.pk}/register/").content.decode()
    day1 = html.split('value="2026-12-01"', 1)[1].split(">", 1)[0]
    day2 = html.split('value="2026-12-02"', 1)[1].split(">", 1)[0]
    assert "disabled" in day1 and "đã qua" in html
    assert "checked" in day2 and "disabled" not in day2


def test_a_mistyped_domain_is_questioned_once_then_either_answer_registers(client, fair):
    data = {
        "full_name": "Nguyễn Văn Ưng",
        "email": "ung@gmial.com",
        "phone": "0912 345 678",
        "visit_date": DAY3.isoformat(),
        "party_size": "1",
        "consent": "on",
    }
    asked = client.post(f"/events/{fair.pk}/register/", solved(data))
    assert (
        asked.status_code == 200
        and "Có phải bạn muốn nhập <strong>ung@gmail.com</strong>?" in asked.content.decode()
    )
    assert not Registration.objects.exists()
    client.post(f"/events/{fair.pk}/register/", solved({**data, "use_suggestion": "ung@gmail.com"}))
    assert Registration.objects.get().email == "ung@gmail.com"
    client.post(
        f"/events/{fair.pk}/register/", solved({**data, "email": "lan@yaho.com", "email_confirmed": "on"})
    )
    assert Registration.objects.filter(email="lan@yaho.com").exists()  # the visitor knows best


def test_registering_again_with_another_party_size_says_how_to_change(client, fair):
    register_visitor(fair, visit_date=DAY3, email="ung@example.vn", party_size=1)
    data = {
        "full_name": "Nguyễn Văn Ưng",
        "email": "ung@example.vn",
        "phone": "0912 345 678",
        "visit_date": DAY3.isoformat(),
        "party_size": "3",
        "consent": "on",
    }
    html = client.post(f"/events/{fair.pk}/register/", solved(data)).content.decode()
    assert "Địa chỉ này đã đăng ký" in html and "kể cả số người" in html and "Đổi hoặc hủy" in html
    assert Registration.objects.get().party_size == 1


def test_public_pages_make_a_card_when_shared(client, fair):
    html = client.get(fair.url).content.decode()
    assert '<meta name="description" content="01/12–03/12/2026 · Thư viện tỉnh Bắc Ninh' in html
    assert '<meta property="og:title" content="' + fair.title in html
    assert 'property="og:url"' in html and 'property="og:description"' in html
    assert "https://www.facebook.com/sharer/sharer.php?u=" in html
    assert "https://button-share.zalo.me/share_external?d=" in html
    assert "<script src=" not in html  # sharing loads no third-party script
    assert "Cổng A (Lý Thái Tổ)" in html and "Xe buýt 86" in html and "Gửi xe máy" in html
    assert "calendar.google.com/calendar/render" in html and "google.com/maps/dir" in html
    for path in (f"/events/{fair.pk}/register/", "/passes/find/"):
        assert '<meta name="description" content="' in client.get(path).content.decode()


def test_the_programme_has_today_now_and_next_and_filters_without_script(client, fair):
    ProgrammeItemFactory(page=fair, title="Toạ đàm đang diễn ra", date=DAY2, start_time=dt.time(8, 30))
    ProgrammeItemFactory(
        page=fair, title="Ký tặng sắp tới", date=DAY2, start_time=dt.time(10, 0), kind=ProgrammeKind.SIGNING
    )
    ProgrammeItemFactory(page=fair, title="Hội thảo ngày cuối", date=DAY3, start_time=dt.time(9, 0))
    html = client.get(fair.url).content.decode()
    today = html.split('id="today-title"', 1)[1].split("</section>", 1)[0]
    assert "Đang diễn ra" in today and "Toạ đàm đang diễn ra" in today
    assert "Sắp diễn ra" in today and "Ký tặng sắp tới" in today and "Hội thảo ngày cuối" not in today
    filtered = client.get(fair.url, {"day": DAY2.isoformat(), "kind": "signing"}).content.decode()
    programme = filtered.split('id="programme-title"', 1)[1]
    assert "Ký tặng sắp tới" in programme and "Hội thảo ngày cuối" not in programme
    assert "Toạ đàm đang diễn ra" not in programme


def test_the_form_states_the_walk_in_policy_once_a_day_is_full(client, fair):
    policy = "Vẫn có thể vào cửa tự do khi còn chỗ."
    assert policy not in client.get(f"/events/{fair.pk}/register/").content.decode()
    full_day(fair, DAY3)
    html = client.get(f"/events/{fair.pk}/register/").content.decode()
    assert policy in html and "hết chỗ, vào danh sách chờ" in html
