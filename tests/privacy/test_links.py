"""The one-time link to "My data": sent only to a known address, works once, expires, reveals nothing."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from privacy.enums import DataRequestKind
from privacy.models import DataLink, DataRequest
from privacy.services.links import LINK_TTL, open_link, request_link
from tests.altcha import solved
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db
EMAIL = "huong@example.vn"


@pytest.fixture
def registered(event):
    registration = register_visitor(event, email=EMAIL).registration
    mail.outbox.clear()
    return registration


def link_in(message) -> str:
    return re.search(r"https?://\S+/my-data/open/\S+/", message.body).group(0)


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_a_known_address_gets_a_link_an_unknown_one_nothing(registered):
    assert request_link(email=" Huong@Example.vn ") is True
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert "/my-data/open/" in message.body
    assert request_link(email="nobody@example.vn") is False
    assert len(mail.outbox) == 1
    assert DataRequest.objects.filter(kind=DataRequestKind.LINK).count() == 1


def test_the_link_works_once(registered):
    request_link(email=EMAIL)
    token = token_of(link_in(mail.outbox[0]))
    link = open_link(token=token)
    assert link.email == EMAIL
    assert open_link(token=token) is None


def test_an_expired_or_forged_link_opens_nothing(registered, clock):
    request_link(email=EMAIL)
    token = token_of(link_in(mail.outbox[0]))
    assert open_link(token=token[:-2] + "xx") is None
    clock.tick(LINK_TTL + dt.timedelta(seconds=1))
    assert open_link(token=token) is None
    assert DataLink.objects.get().opened_at is None


def test_the_request_page_answers_alike_for_known_and_unknown_addresses(client, registered):
    known = client.post("/my-data/request/", solved({"email": EMAIL}))
    unknown = client.post("/my-data/request/", solved({"email": "nobody@example.vn"}))
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert len(mail.outbox) == 1  # the known one, sent in the background task


@pytest.fixture
def queued(settings):
    """Tasks are kept, not run: what the request itself does is all that happens."""
    from privacy.tasks import send_data_link

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = send_data_link.get_backend()
    yield backend
    backend.clear()


def test_the_request_does_the_same_work_for_a_known_and_an_unknown_address(client, registered, queued):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/my-data/request/")  # the first request warms caches; measure the next ones
    work = []
    for email in [EMAIL, "ai-do@example.vn"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.post("/my-data/request/", solved({"email": email})).status_code == 200
        work.append([query["sql"] for query in queries.captured_queries])
    assert work[0] == work[1]
    assert not any("events_registration" in sql for sql in work[0])  # only the task looks up
    assert [(r.task.name, r.args) for r in queued.results] == [
        ("send_data_link", [EMAIL]),
        ("send_data_link", ["ai-do@example.vn"]),
    ]


def test_the_request_needs_the_anti_spam_check(client, registered):
    response = client.post("/my-data/request/", {"email": EMAIL})
    assert response.status_code == 400
    assert mail.outbox == []


def test_too_many_requests_are_refused(client, registered, settings):
    settings.RATE_LIMIT_PER_EMAIL = 2
    for _ in range(2):
        client.post("/my-data/request/", solved({"email": EMAIL}))
    response = client.post("/my-data/request/", solved({"email": EMAIL}))
    assert response.status_code == 429
    assert len(mail.outbox) == 2


def test_a_bad_link_gives_a_clear_page_that_reveals_nothing(client, registered):
    request_link(email=EMAIL)
    url = link_in(mail.outbox[0])
    response = client.post(url.replace("/open/", "/open/x"))
    assert response.status_code == 404
    text = response.content.decode()
    assert "Đường dẫn này không còn dùng được" in text
    assert EMAIL not in text and "Hương" not in text
    assert "no-store" in response["Cache-Control"]
    assert client.get("/my-data/").status_code == 404  # no session was opened


def test_opening_the_link_shows_the_data_privately(client, registered):
    request_link(email=EMAIL)
    url = link_in(mail.outbox[0])
    assert client.get(url).status_code == 200  # a mail scanner following it spends nothing
    response = client.post(url, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đặng Thị Hương" in text and EMAIL in text and "0912 345 678" in text
    assert "no-store" in response["Cache-Control"]
    assert DataRequest.objects.filter(kind=DataRequestKind.ACCESS).count() == 1
    # Used: a second browser gets the same page as for a forged link.
    assert client.post(url).status_code == 404


def test_the_page_closes_after_its_grant(client, registered, clock):
    request_link(email=EMAIL)
    client.post(link_in(mail.outbox[0]))
    assert client.get("/my-data/").status_code == 200
    clock.tick(dt.timedelta(minutes=31))
    assert client.get("/my-data/").status_code == 404


def test_a_correction_through_the_page_uses_the_registration_forms_checks(client, registered):
    request_link(email=EMAIL)
    client.post(link_in(mail.outbox[0]))
    prefix = f"r{registered.pk}"
    refused = client.post(
        "/my-data/correct/",
        {
            "registration": registered.pk,
            f"{prefix}-full_name": "x",
            f"{prefix}-phone": "12",
            f"{prefix}-organisation": "",
        },
    )
    assert refused.status_code == 400
    registered.refresh_from_db()
    assert registered.full_name == "Đặng Thị Hương"
    client.post(
        "/my-data/correct/",
        {
            "registration": registered.pk,
            f"{prefix}-full_name": "Đặng  Thị Hường",
            f"{prefix}-phone": "0987 654 321",
            f"{prefix}-organisation": "",
        },
    )
    registered.refresh_from_db()
    assert (registered.full_name, registered.phone) == ("Đặng Thị Hường", "+84987654321")


def test_the_link_email_is_in_the_visitors_language(event):
    register_visitor(event, email=EMAIL, language="en")
    mail.outbox.clear()
    request_link(email=EMAIL, now=timezone.now())
    assert "My data" in mail.outbox[0].subject
