"""The visitor's side: the form on the event page, the pass page and its links, find my pass."""

import datetime as dt
import json
import re
from html import unescape

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Registration
from events.tasks import cancel_token, resend_passes_to
from tests.altcha import altcha_solution, wrong_solution
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_data(event):
    return {
        "full_name": "  Nguyễn   Văn Ưng ",
        "email": "Ung@Example.vn",
        "phone": "0987.654.321",
        "visit_date": (event.start_date + dt.timedelta(days=1)).isoformat(),
        "party_size": "2",
        "organisation": "",
        "consent": "on",
        "website": "",
    }


def post(client, event, data, **headers):
    """Post the form as a person's browser does: with the proof-of-work check solved, unless the
    test gives its own ``altcha`` value."""
    return client.post(f"/events/{event.pk}/register/", {"altcha": altcha_solution(), **data}, **headers)


def test_event_page_leads_to_the_form_with_places_left(client, event):
    assert f'href="/events/{event.pk}/register/"' in client.get(event.url).content.decode()
    html = client.get(f"/events/{event.pk}/register/").content.decode()
    assert f'action="/events/{event.pk}/register/"' in html
    assert 'name="consent"' in html and 'name="website"' in html
    assert f"{event.daily_capacity} chỗ còn trống" in html


def test_registering_lands_on_the_pass_page(client, event, form_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event, form_data)
    registration = Registration.objects.get()
    code = registration.entry_pass.code
    assert response.status_code == 302 and response["Location"] == f"/p/{code}/"
    assert (registration.full_name, registration.email, registration.phone) == (
        "Nguyễn Văn Ưng",
        "ung@example.vn",
        "+84987654321",
    )
    assert registration.language == "vi"
    page = client.get(response["Location"]).content.decode()
    assert "Nguyễn Văn Ưng" in page and "<svg" in page
    assert f"/p/{code}/pass.pdf" in page and f"/p/{code}/calendar.ics" in page
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Địa chỉ email này chưa đúng"),
        ({"phone": "0212 345 678"}, "phone", "Hãy nhập số điện thoại di động Việt Nam"),
        ({"visit_date": "2001-01-01"}, "visit_date", "Hãy chọn một trong các ngày diễn ra sự kiện."),
        ({"party_size": "0"}, "party_size", ""),
        ({"party_size": "51"}, "party_size", ""),
        ({"party_size": "8"}, "organisation", "phải ghi tên trường hoặc tổ chức"),
        ({"consent": ""}, "consent", "Vui lòng đồng ý"),
        ({"full_name": "x" * 121}, "full_name", ""),
    ],
)
def test_bad_input_gets_a_message_on_its_field_and_writes_nothing(
    client, event, form_data, changes, field, message
):
    response = post(client, event, {**form_data, **changes})
    assert response.status_code in (400, 409)
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Registration.objects.exists()
    assert "Vui lòng kiểm tra các ô được đánh dấu." in response.content.decode()


def test_honeypot_pretends_success_and_keeps_nothing(client, event, form_data):
    response = post(client, event, {**form_data, "website": "http://spam.example"})
    assert response.status_code == 200
    assert "Kiểm tra email" in response.content.decode()
    assert not Registration.objects.exists() and mail.outbox == []


def test_a_repeat_never_shows_someone_elses_pass(
    client, event, form_data, django_capture_on_commit_callbacks
):
    register_visitor(event, email="ung@example.vn", visit_date=dt.date.fromisoformat(form_data["visit_date"]))
    code = Registration.objects.get().entry_pass.code
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event, form_data)
    html = response.content.decode()
    assert response.status_code == 200
    assert code not in html
    assert "đã đăng ký" in html
    assert [m.to for m in mail.outbox] == [["ung@example.vn"]]
    assert Registration.objects.count() == 1


def test_rate_limits_are_strict_per_email_and_generous_per_address(client, event, form_data, settings):
    settings.RATE_LIMIT_PER_EMAIL = 2
    assert post(client, event, form_data).status_code == 302  # registered
    assert post(client, event, form_data).status_code == 200  # already registered, pass re-sent
    response = post(client, event, form_data)
    assert response.status_code == 429
    assert "Quá nhiều lần thử" in response.content.decode()
    assert Registration.objects.count() == 1
    # Another person behind the same address (a school's network) is not blocked.
    response = post(client, event, {**form_data, "email": "ban-khac@example.vn"})
    assert response.status_code == 302


def test_registration_closed_explains_itself(client, event_index):
    from tests.factories import EventPageFactory

    past = EventPageFactory(
        parent=event_index, start_date=dt.date(2020, 4, 18), end_date=dt.date(2020, 4, 20)
    )
    response = client.get(f"/events/{past.pk}/register/")
    assert "Đăng ký cho sự kiện này đã đóng." in response.content.decode()
    assert 'name="full_name"' not in response.content.decode()


def test_pass_page_of_an_unknown_code_is_404(client, db):
    assert client.get("/p/AAAAAAAAAAAAAAAAAAAAAAAAAA/").status_code == 404
    assert client.get("/p/AAAAAAAAAAAAAAAAAAAAAAAAAA/pass.pdf").status_code == 404
    assert client.get("/p/nonsense/calendar.ics").status_code == 404


def test_pass_page_accepts_a_code_typed_in_lower_case_with_spaces(client, event):
    code = register_visitor(event).registration.entry_pass.code
    spaced = " ".join(code[i : i + 4] for i in range(0, 26, 4)).lower()
    response = client.get(f"/p/{spaced}/")
    assert response.status_code == 302 and response["Location"] == f"/p/{code}/"


def test_pass_pdf_and_calendar_download(client, event):
    registration = register_visitor(event).registration
    code = registration.entry_pass.code
    pdf = client.get(f"/p/{code}/pass.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    ics = client.get(f"/p/{code}/calendar.ics").content.decode()
    assert ics.count("BEGIN:VEVENT") == 1
    assert f"DTSTART:{registration.day.date:%Y%m%d}T010000Z" in ics


def test_cancel_link_asks_first_then_frees_the_place(client, event, django_capture_on_commit_callbacks):
    registration = register_visitor(event).registration
    code = registration.entry_pass.code
    url = f"/p/{code}/cancel/?t={cancel_token(code)}"
    page = client.get(url)
    assert page.status_code == 200 and "Có, hủy đăng ký" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == "confirmed"  # a mail scanner following the link cancels nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/p/{code}/cancel/", {"t": cancel_token(code)})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert "Đăng ký đã hủy" in client.get(f"/p/{code}/").content.decode()


@pytest.mark.parametrize("token", ["", "forged", "AAAAAAA:BBBB"])
def test_a_forged_cancel_link_is_404_and_cancels_nothing(client, event, token):
    registration = register_visitor(event).registration
    code = registration.entry_pass.code
    assert client.get(f"/p/{code}/cancel/?t={token}").status_code == 404
    assert client.post(f"/p/{code}/cancel/", {"t": token}).status_code == 404
    other = register_visitor(event).registration.entry_pass.code
    assert client.post(f"/p/{code}/cancel/", {"t": cancel_token(other)}).status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_an_expired_cancel_link_is_404(client, event):
    from freezegun import freeze_time

    registration = register_visitor(event).registration
    code = registration.entry_pass.code
    with freeze_time("2020-01-01"):
        old_token = cancel_token(code)
    assert client.get(f"/p/{code}/cancel/?t={old_token}").status_code == 404


def test_find_my_pass_resends_without_telling_who_registered(
    client, event, django_capture_on_commit_callbacks
):
    register_visitor(event, email="huong@example.vn")
    register_visitor(event, email="huong@example.vn", visit_date=event.end_date)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/passes/find/", {"email": "Huong@example.vn", "altcha": altcha_solution()})
        unknown = client.post("/passes/find/", {"email": "ai-do@example.vn", "altcha": altcha_solution()})
    assert known.content == unknown.content
    assert [m.to for m in mail.outbox] == [["huong@example.vn"], ["huong@example.vn"]]
    assert (
        client.post("/passes/find/", {"email": "not an email", "altcha": altcha_solution()}).status_code
        == 400
    )


@pytest.fixture
def queued(settings):
    """Tasks are kept, not run: what the request itself does is all that happens."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = resend_passes_to.get_backend()
    yield backend
    backend.clear()


def test_find_my_pass_does_the_same_work_for_a_registered_and_an_unknown_address(client, event, queued):
    register_visitor(event, email="huong@example.vn")
    mail.outbox.clear()
    client.get("/passes/find/")  # the site's first request warms caches; measure the next ones
    queued.clear()  # the registration's own email
    work = []
    for email in ["huong@example.vn", "ai-do@example.vn"]:
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/passes/find/", {"email": email, "altcha": altcha_solution()})
        assert response.status_code == 200
        work.append([query["sql"] for query in queries.captured_queries])
    assert work[0] == work[1]  # the same statements either way (the session's, the page's)
    assert not any("events_registration" in sql for sql in work[0])  # only the task looks up
    assert mail.outbox == []
    assert [(result.task.name, result.args) for result in queued.results] == [
        ("resend_passes_to", ["huong@example.vn"]),
        ("resend_passes_to", ["ai-do@example.vn"]),
    ]


def test_the_find_my_pass_task_sends_every_active_pass_of_the_address(
    event, django_capture_on_commit_callbacks
):
    register_visitor(event, email="huong@example.vn")
    register_visitor(event, email="huong@example.vn", visit_date=event.end_date)
    register_visitor(event, email="nam@example.vn")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        resend_passes_to.call("Huong@Example.vn")
    assert sorted(m.to[0] for m in mail.outbox) == ["huong@example.vn", "huong@example.vn"]


@pytest.mark.parametrize("answer", ["", "not-base64!", "wrong", "reused"])
def test_each_public_form_refuses_a_missing_wrong_or_reused_check_and_changes_nothing(
    client, event, form_data, answer, django_capture_on_commit_callbacks
):
    if answer == "wrong":
        answer = wrong_solution()
    elif answer == "reused":
        answer = altcha_solution()
        assert (
            post(client, event, {**form_data, "email": "first@example.vn", "altcha": answer}).status_code
            == 302
        )
    before = Registration.objects.count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registered = post(client, event, {**form_data, "altcha": answer})
        found = client.post("/passes/find/", {"email": "first@example.vn", "altcha": answer})
    assert registered.status_code == 400 and found.status_code == 400
    for page in (registered, found):
        html = page.content.decode()
        assert "Kiểm tra chống thư rác" in html  # the field's label, with its message under it
        assert ("Hãy đánh dấu" if not answer else "không thành công hoặc đã hết hạn") in html
    assert Registration.objects.count() == before and mail.outbox == []


def widget_strings(html: str) -> dict:
    """The texts the page gives the ALTCHA widget (a JSON attribute)."""
    return json.loads(unescape(re.search(r'<altcha-widget[^>]* strings="([^"]*)"', html)[1]))


def test_the_check_is_served_by_the_site_itself_and_translated(client, event):
    html = client.get(f"/events/{event.pk}/register/").content.decode()
    assert '<script type="module" src="/static/vendor/altcha/altcha.js"></script>' in html
    assert (
        'challengeurl="/altcha/challenge/"' in html and 'workerurl="/static/vendor/altcha/worker.js"' in html
    )
    assert widget_strings(html)["label"] == "Tôi không phải là người máy"
    assert widget_strings(html)["verified"] == "Đã kiểm tra"
    english = client.get(f"/en/events/{event.pk}/register/").content.decode()
    assert widget_strings(english)["label"] == "I am not a robot"
    assert "https://" not in html.split('name="altcha"')[1].split("</altcha-widget>")[0]  # no outside service
    challenge = client.get("/altcha/challenge/")
    assert challenge["Cache-Control"].startswith("max-age=0") and "no-store" in challenge["Cache-Control"]
    assert set(challenge.json()) == {"algorithm", "challenge", "maxNumber", "salt", "signature"}


def test_english_visitors_get_english_pages_and_emails(
    client, event, form_data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/events/{event.pk}/register/", {**form_data, "altcha": altcha_solution()})
    assert response["Location"].startswith("/en/p/")
    assert "Confirmed: show this QR code at the gate." in client.get(response["Location"]).content.decode()
    assert mail.outbox[0].subject.startswith("Your entry pass")
