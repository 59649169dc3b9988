import datetime as dt
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.enums import ProgrammeKind, RegistrationWindow
from events.models import EventPage
from events.services.calendar import event_calendar
from tests.factories import EventPageFactory, ProgrammeItemFactory

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def test_event_page_shows_what_a_visitor_needs(client, event):
    ProgrammeItemFactory(
        page=event,
        title="Giao lưu với nhà văn",
        kind=ProgrammeKind.SIGNING,
        date=event.start_date,
        start_time=dt.time(9, 30),
    )
    html = client.get(event.url).content.decode()
    assert event.title in html
    assert "Thư viện tỉnh Bắc Ninh" in html
    assert "Hằng ngày, từ 08:00 đến 21:00" in html
    assert event.start_date.strftime("%d/%m/%Y") in html
    assert "Giao lưu với nhà văn" in html and "Ký tặng sách" in html
    assert "https://www.openstreetmap.org/?mlat=21.183300&amp;mlon=106.075000" in html
    assert 'href="geo:21.183300,106.075000"' in html
    assert f'href="/events/{event.pk}/calendar.ics"' in html


def test_programme_is_grouped_by_day_in_time_order(event):
    second_day = event.start_date + dt.timedelta(days=1)
    late = ProgrammeItemFactory(page=event, date=second_day, start_time=dt.time(15, 0))
    early = ProgrammeItemFactory(page=event, date=second_day, start_time=dt.time(8, 0))
    first = ProgrammeItemFactory(page=event, date=event.start_date, start_time=dt.time(10, 0))
    days = EventPage.objects.get(pk=event.pk).programme_by_day()
    assert [(day, [i.pk for i in items]) for day, items in days] == [
        (event.start_date, [first.pk]),
        (second_day, [early.pk, late.pk]),
    ]


def test_structured_data_describes_the_event(client, event):
    ProgrammeItemFactory(page=event, title="Ra mắt sách", speakers="Nguyễn Văn Ưng")
    data = json_ld(client.get(event.url).content.decode())
    assert data["@type"] == "Event"
    assert data["name"] == event.title
    assert data["startDate"].startswith(f"{event.start_date.isoformat()}T08:00:00+07:00")
    assert data["endDate"].startswith(f"{event.end_date.isoformat()}T21:00:00+07:00")
    assert data["location"]["name"] == "Thư viện tỉnh Bắc Ninh"
    assert data["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 21.1833, "longitude": 106.075}
    assert data["url"] == f"http://testserver{event.url}"
    assert data["offers"]["priceCurrency"] == "VND"
    assert data["subEvent"][0]["performer"]["name"] == "Nguyễn Văn Ưng"


def test_calendar_download_has_one_entry_per_day(client, event):
    response = client.get(f"/events/{event.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="{event.slug}.ics"' in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    unfolded = body.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == 3
    first_day = event.start_date.strftime("%Y%m%d")
    assert f"DTSTART:{first_day}T010000Z" in unfolded  # 08:00 in Hà Nội is 01:00 UTC
    assert f"SUMMARY:{event.title}" in unfolded
    assert "LOCATION:Thư viện tỉnh Bắc Ninh\\, Số 2 đường Lý Thái Tổ\\, phường Kinh Bắc" in unfolded


def test_calendar_lines_are_folded_at_75_octets(event):
    event.intro = "Hội sách " * 40
    for line in event_calendar(event).split("\r\n"):
        assert len(line.encode()) <= 75


def test_calendar_of_a_draft_or_unknown_event_is_404(client, event):
    event.unpublish()
    assert client.get(f"/events/{event.pk}/calendar.ics").status_code == 404
    assert client.get("/events/999999/calendar.ics").status_code == 404


def test_registration_window_follows_the_page_times(event):
    now = timezone.now()
    event.registration_opens_at = now + dt.timedelta(hours=1)
    assert event.registration_window(now) == RegistrationWindow.NOT_YET
    event.registration_opens_at = now - dt.timedelta(hours=1)
    event.registration_closes_at = now + dt.timedelta(hours=1)
    assert event.registration_window(now) == RegistrationWindow.OPEN
    assert event.registration_window(now + dt.timedelta(hours=2)) == RegistrationWindow.CLOSED
    event.registration_closes_at = None  # open until the fair closes on its last day
    last_close = event.closes_on(event.end_date)
    assert event.registration_window(last_close - dt.timedelta(minutes=1)) == RegistrationWindow.OPEN
    assert event.registration_window(last_close) == RegistrationWindow.CLOSED


@pytest.mark.parametrize(
    ("window", "text"),
    [
        ("not_yet", "Đăng ký mở lúc"),
        ("open", "Đăng ký mở đến"),
        ("closed", "Đăng ký cho sự kiện này đã đóng."),
    ],
)
def test_event_page_explains_the_registration_window(client, event_index, window, text):
    now = timezone.now()
    opens = {
        "not_yet": now + dt.timedelta(days=1),
        "open": now - dt.timedelta(days=1),
        "closed": now - dt.timedelta(days=3),
    }[window]
    closes = {"not_yet": None, "open": None, "closed": now - dt.timedelta(days=1)}[window]
    page = EventPageFactory(parent=event_index, registration_opens_at=opens, registration_closes_at=closes)
    assert text in client.get(page.url).content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": dt.date(2026, 4, 17)}, "end_date"),
        ({"closing_time": dt.time(7, 0)}, "closing_time"),
        (
            {
                "registration_opens_at": timezone.now(),
                "registration_closes_at": timezone.now() - dt.timedelta(days=1),
            },
            "registration_closes_at",
        ),
        ({"latitude": None}, "longitude"),
        ({"latitude": 91}, "latitude"),
    ],
)
def test_impossible_event_settings_are_refused(event, changes, field):
    event.start_date = dt.date(2026, 4, 18)
    event.end_date = dt.date(2026, 4, 20)
    for name, value in changes.items():
        setattr(event, name, value)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert field in error.value.message_dict


def test_event_index_separates_upcoming_from_past_and_paginates(client, event_index):
    today = timezone.localdate()
    EventPageFactory(
        parent=event_index,
        title="Sắp tới",
        start_date=today + dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=12),
    )
    for year in range(2000, 2014):
        EventPageFactory(
            parent=event_index,
            title=f"Hội sách {year}",
            start_date=dt.date(year, 4, 18),
            end_date=dt.date(year, 4, 20),
        )
    response = client.get(event_index.url)
    assert [e.title for e in response.context["upcoming"]] == ["Sắp tới"]
    past = response.context["past"]
    assert past.paginator.count == 14
    assert past[0].title == "Hội sách 2013"
    assert "Hội sách 2001" in client.get(event_index.url + "?page=2").content.decode()


def test_editing_the_programme_in_the_admin_keeps_items_on_event_days(admin_client, event):
    """The inline programme form refuses an item dated outside the event."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    outside = event.end_date + dt.timedelta(days=5)
    data = nested_form_data(
        {
            "title": event.title,
            "slug": event.slug,
            "intro": event.intro,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
            "opening_time": "08:00",
            "closing_time": "21:00",
            "venue_name": event.venue_name,
            "venue_address": event.venue_address,
            "latitude": "21.1833",
            "longitude": "106.075",
            "organiser": event.organiser,
            "daily_capacity": "100",
            "registration_opens_at": "",
            "registration_closes_at": "",
            "body": streamfield([]),
            "programme": inline_formset(
                [
                    {
                        "kind": "talk",
                        "title": "Ngoài ngày hội",
                        "date": outside.isoformat(),
                        "start_time": "09:00",
                        "end_time": "",
                        "place": "",
                        "speakers": "",
                        "description": "",
                    },
                ]
            ),
        }
    )
    response = admin_client.post(f"/admin/pages/{event.pk}/edit/", data)
    assert response.status_code == 200  # form shown again with the error
    assert "Hãy chọn một ngày trong thời gian diễn ra sự kiện" in response.content.decode()
    assert not EventPage.objects.get(pk=event.pk).programme.exists()
