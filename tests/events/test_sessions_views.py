"""Booking places at sessions from the pass page, and places left in the event's programme."""

import datetime as dt

import pytest

from events.enums import ProgrammeKind, SessionBookingStatus
from events.models import SessionBooking
from tests.factories import ProgrammeItemFactory, register_visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(event):
    return event.start_date + dt.timedelta(days=1)


@pytest.fixture
def signing(event, today):
    return ProgrammeItemFactory(
        page=event,
        date=today,
        start_time=dt.time(14, 0),
        end_time=dt.time(15, 0),
        places=40,
        kind=ProgrammeKind.SIGNING,
        title="Giao lưu và ký tặng",
        speakers="Nguyễn Nhật Ánh",
    )


@pytest.fixture
def entry_pass(event, today):
    return register_visitor(event, visit_date=today, party_size=3).registration.entry_pass


def test_the_pass_page_offers_the_days_sessions_with_places_left(client, entry_pass, signing):
    page = client.get(entry_pass.path).content.decode()
    assert "Giao lưu và ký tặng" in page
    assert "Còn 40 chỗ" in page or "40" in page
    assert f'max="{entry_pass.registration.party_size}"' in page


def test_booking_from_the_pass_page_shows_the_queue_number(client, entry_pass, signing):
    # Someone booked before: this pass gets number 2.
    other = register_visitor(signing.page, visit_date=signing.date).registration.entry_pass
    client.post(f"/p/{other.code}/sessions/", {"session_id": signing.pk, "people": 1, "action": "book"})
    response = client.post(
        f"/p/{entry_pass.code}/sessions/", {"session_id": signing.pk, "people": 2, "action": "book"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Ký tặng - Nguyễn Nhật Ánh - số 2" in page
    booking = SessionBooking.objects.get(entry_pass=entry_pass)
    assert (booking.people, booking.status) == (2, SessionBookingStatus.BOOKED)


def test_more_people_than_the_pass_is_refused_with_a_message_and_nothing_saved(client, entry_pass, signing):
    response = client.post(
        f"/p/{entry_pass.code}/sessions/", {"session_id": signing.pk, "people": 4, "action": "book"}
    )
    assert response.status_code == 409
    assert "tối đa 3" in response.content.decode()
    assert not SessionBooking.objects.exists()


def test_cancelling_from_the_pass_page(client, entry_pass, signing):
    url = f"/p/{entry_pass.code}/sessions/"
    client.post(url, {"session_id": signing.pk, "people": 1, "action": "book"})
    response = client.post(url, {"session_id": signing.pk, "people": 1, "action": "cancel"})
    assert response.status_code == 302
    assert not SessionBooking.objects.active().exists()


def test_the_event_programme_shows_places_left(client, event, signing, entry_pass):
    client.post(f"/p/{entry_pass.code}/sessions/", {"session_id": signing.pk, "people": 3, "action": "book"})
    page = client.get(event.url).content.decode()
    assert "Còn 37 chỗ" in page


def test_the_pdf_and_the_email_list_the_places_and_stay_one_page(
    event, today, django_capture_on_commit_callbacks
):
    import io

    from django.core import mail
    from pypdf import PdfReader

    from events.services.passes import pass_pdf
    from events.services.registration import resend_pass
    from events.services.sessions import book

    long_title = ("Giao lưu và ký tặng sách thiếu nhi cùng các tác giả trẻ " * 5)[:255]
    entry_pass = register_visitor(
        event, visit_date=today, party_size=3, full_name="Nguyễn Văn Ưng"
    ).registration.entry_pass
    for hour in (11, 13, 15, 17):  # four sessions: the PDF lists three, each on one line
        item = ProgrammeItemFactory(
            page=event,
            date=today,
            start_time=dt.time(hour, 0),
            end_time=dt.time(hour, 30),
            places=10,
            kind=ProgrammeKind.SIGNING,
            title=long_title,
            speakers="Nguyễn Nhật Ánh",
            place=("Gian hàng NXB Trẻ " * 10)[:200],
        )
        book(entry_pass=entry_pass, session=item, people=2)
    entry_pass.refresh_from_db()
    data = pass_pdf(entry_pass)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert "Ký tặng - Nguyễn Nhật Ánh - số 1" in reader.pages[0].extract_text()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        resend_pass(registration=entry_pass.registration)
    assert "Ký tặng - Nguyễn Nhật Ánh - số 1" in mail.outbox[0].body


def test_organisers_see_and_export_the_bookings_in_the_admin(admin_client, entry_pass, signing):
    from events.services.sessions import book

    book(entry_pass=entry_pass, session=signing, people=2)
    listing = admin_client.get("/admin/session_bookings/")
    assert listing.status_code == 200
    assert "Giao lưu và ký tặng" in listing.content.decode()
    assert entry_pass.registration.full_name in listing.content.decode()
    exported = admin_client.get("/admin/session_bookings/", {"export": "csv"})
    assert exported.status_code == 200
    assert entry_pass.registration.full_name in b"".join(exported.streaming_content).decode("utf-8-sig")
