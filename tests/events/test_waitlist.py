"""The waiting list moves whenever places free up: after a cancellation (test_registration) and
when an organiser publishes a larger daily capacity."""

import datetime as dt

import pytest
from django.core import mail
from freezegun import freeze_time
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

import bookday.urls  # noqa: F401  # imported before any clock is frozen: the API's pydantic schemas reject freezegun's date class
from events.enums import RegistrationStatus
from events.models import EventPage, Registration
from events.services.registration import capacity_changed
from tests.factories import EventPageFactory, register_visitor

pytestmark = pytest.mark.django_db

# A morning of the fair's second day in Hanoi: every rule that looks at the clock sees this.
MORNING = "2026-12-02 09:00:00+07:00"


@pytest.fixture
def fair(event_index):
    """Two places a day, the second day full, and three waiting: a pair, then two singles."""
    with freeze_time(MORNING):
        event = EventPageFactory(
            parent=event_index,
            start_date=dt.date(2026, 12, 1),
            end_date=dt.date(2026, 12, 3),
            daily_capacity=2,
        )
        day = dt.date(2026, 12, 2)
        for n in range(2):
            register_visitor(event, visit_date=day, email=f"dau{n}@example.vn")
        waiting = [
            register_visitor(event, visit_date=day, party_size=size, email=email).registration
            for size, email in [(2, "cap-doi@example.vn"), (1, "le-mot@example.vn"), (1, "le-hai@example.vn")]
        ]
    assert {r.status for r in waiting} == {RegistrationStatus.WAITING}
    mail.outbox.clear()
    return event, waiting


def statuses(registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def raise_capacity(event: EventPage, capacity: int) -> None:
    EventPage.objects.filter(pk=event.pk).update(daily_capacity=capacity)
    event.daily_capacity = capacity


@freeze_time(MORNING)
def test_a_larger_capacity_confirms_the_waiting_list_in_order(fair, django_capture_on_commit_callbacks):
    event, (pair, first, second) = fair
    with django_capture_on_commit_callbacks(execute=True):
        assert capacity_changed(event=event) == []  # nothing freed, nothing moves, nobody emailed
    assert mail.outbox == []

    # One place: the pair does not fit and keeps its turn; the first single behind it goes.
    raise_capacity(event, 3)
    with django_capture_on_commit_callbacks(execute=True):
        assert capacity_changed(event=event) == [first]
    assert statuses([pair, first, second]) == ["waiting", "confirmed", "waiting"]
    assert [m.to for m in mail.outbox] == [["le-mot@example.vn"]]
    assert mail.outbox[0].attachments, "a promoted visitor gets the PDF pass"

    # Two more places: the pair first, though the single behind it would also fit one of them.
    raise_capacity(event, 5)
    assert capacity_changed(event=event) == [pair]
    assert statuses([pair, first, second]) == ["confirmed", "confirmed", "waiting"]

    raise_capacity(event, 6)
    assert capacity_changed(event=event) == [second]
    assert Registration.objects.confirmed().filter(day__date=dt.date(2026, 12, 2)).count() == 5


def test_a_day_that_is_over_keeps_its_waiting_list(fair):
    event, waiting = fair
    raise_capacity(event, 10)
    after_closing = event.closes_on(dt.date(2026, 12, 2)) + dt.timedelta(minutes=1)
    assert capacity_changed(event=event, now=after_closing) == []
    assert statuses(waiting) == ["waiting"] * 3


def test_a_day_taken_out_of_the_event_keeps_its_waiting_list(fair):
    event, waiting = fair
    raise_capacity(event, 10)
    event.start_date = event.end_date = dt.date(2026, 12, 3)
    assert capacity_changed(event=event, now=event.opens_on(dt.date(2026, 12, 1))) == []
    assert statuses(waiting) == ["waiting"] * 3


@freeze_time(MORNING)
def test_publishing_a_larger_capacity_confirms_and_emails_but_a_draft_does_not(
    fair, admin_user, django_capture_on_commit_callbacks
):
    event, (pair, first, second) = fair
    page = EventPage.objects.get(pk=event.pk)
    page.daily_capacity = 6
    with django_capture_on_commit_callbacks(execute=True):
        revision = page.save_revision(user=admin_user)  # "Save draft"
    assert statuses([pair, first, second]) == ["waiting"] * 3
    assert EventPage.objects.get(pk=event.pk).daily_capacity == 2  # the draft is not live
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        revision.publish(user=admin_user)  # "Publish", and scheduled publishing when it is due

    assert statuses([pair, first, second]) == ["confirmed"] * 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "cap-doi@example.vn",
        "le-hai@example.vn",
        "le-mot@example.vn",
    ]
    assert all(m.attachments for m in mail.outbox)


def edit_form(page: EventPage, **changes) -> dict:
    """The page editor's form as the browser posts it, with the page's current values."""
    fields = {
        "title": page.title,
        "slug": page.slug,
        "intro": page.intro,
        "start_date": page.start_date.isoformat(),
        "end_date": page.end_date.isoformat(),
        "opening_time": page.opening_time.strftime("%H:%M"),
        "closing_time": page.closing_time.strftime("%H:%M"),
        "venue_name": page.venue_name,
        "venue_address": page.venue_address,
        "latitude": str(page.latitude),
        "longitude": str(page.longitude),
        "organiser": page.organiser,
        "daily_capacity": page.daily_capacity,
        "max_party_size": page.max_party_size,
        "organisation_required_above": page.organisation_required_above,
        "confirm_groups_above": page.confirm_groups_above,
        "hold_minutes": page.hold_minutes,
        "retention_days": page.retention_days,
        "programme": inline_formset([]),
        "questions": inline_formset([]),
        "body": streamfield([]),
        "comments": inline_formset([]),
    }
    return nested_form_data({**fields, **changes})


@freeze_time(MORNING)
@pytest.mark.parametrize(("action", "confirmed"), [({}, False), ({"action-publish": "publish"}, True)])
def test_the_page_editor_moves_the_waiting_list_on_publish_only(
    fair, admin_client, django_capture_on_commit_callbacks, action, confirmed
):
    event, waiting = fair
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/pages/{event.pk}/edit/", {**edit_form(event, daily_capacity=6), **action}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert statuses(waiting) == ["confirmed" if confirmed else "waiting"] * 3
    assert len(mail.outbox) == (3 if confirmed else 0)
