"""One-time codes: the door to "change or cancel" for a visitor who has only the pass page."""

import datetime as dt
import hashlib
import re
from unittest import mock

import pytest
from django.core import mail
from freezegun import freeze_time

from bookday.text import mask_email
from events.models import AccessCode
from events.models.access import MAX_ATTEMPTS
from events.services import access
from tests.altcha import solved
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def registration(event):
    with freeze_time(NOW):
        return register_visitor(event, email="huong.dang@gmail.com").registration


def emailed_code() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_the_code_goes_to_the_registrations_address_and_works_once(registration):
    mail.outbox.clear()
    assert access.request_code(registration=registration, now=NOW)
    assert [m.to for m in mail.outbox] == [["huong.dang@gmail.com"]]
    code = emailed_code()
    stored = AccessCode.objects.get().code_hash  # only a keyed hash is kept: not the code, nor
    assert stored not in (code, hashlib.sha256(code.encode()).hexdigest())  # its plain digest
    assert access.check_code(registration=registration, code=code, now=NOW + dt.timedelta(minutes=1))
    assert not access.check_code(registration=registration, code=code, now=NOW + dt.timedelta(minutes=2))


def test_a_code_expires(registration):
    access.request_code(registration=registration, now=NOW)
    code = emailed_code()
    late = NOW + access.CODE_TTL + dt.timedelta(seconds=1)
    assert not access.check_code(registration=registration, code=code, now=late)


def test_wrong_guesses_wear_the_code_out(registration):
    access.request_code(registration=registration, now=NOW)
    code = emailed_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(MAX_ATTEMPTS):
        assert not access.check_code(registration=registration, code=wrong, now=NOW)
    # Even the right code no longer works: guessing is limited to MAX_ATTEMPTS per code.
    assert not access.check_code(registration=registration, code=code, now=NOW)


def test_a_new_code_replaces_the_old_one(registration):
    access.request_code(registration=registration, now=NOW)
    first = emailed_code()
    access.request_code(registration=registration, now=NOW + dt.timedelta(minutes=1))
    second = emailed_code()
    if first != second:
        assert not access.check_code(registration=registration, code=first, now=NOW + dt.timedelta(minutes=2))
    assert access.check_code(registration=registration, code=second, now=NOW + dt.timedelta(minutes=2))


def test_requests_are_rate_limited_per_registration(registration):
    for minute in range(access.MAX_CODES_PER_HOUR):
        assert access.request_code(registration=registration, now=NOW + dt.timedelta(minutes=minute))
    sent = len(mail.outbox)
    assert not access.request_code(registration=registration, now=NOW + dt.timedelta(minutes=10))
    assert len(mail.outbox) == sent  # nothing more reaches the mailbox
    assert access.request_code(registration=registration, now=NOW + dt.timedelta(minutes=61))


def test_codes_are_compared_in_constant_time(registration):
    access.request_code(registration=registration, now=NOW)
    with mock.patch(
        "events.services.access.hmac.compare_digest", wraps=access.hmac.compare_digest
    ) as compare:
        access.check_code(registration=registration, code="000000", now=NOW)
    assert compare.called


def test_masked_address_shows_only_the_first_letter_and_the_domain():
    assert mask_email("huong.dang@gmail.com") == "h***@gmail.com"
    assert mask_email("broken") == "***"


@mock.patch("django.utils.timezone.now", return_value=NOW + dt.timedelta(minutes=30))
def test_the_code_page_leads_to_the_change_page(_now, client, registration):
    code = registration.entry_pass.code
    page = client.get(f"/p/{code}/access/")
    assert "h***@gmail.com" in page.content.decode()
    assert client.post(f"/p/{code}/access/", solved({"action": "send"})).status_code == 200
    wrong = client.post(f"/p/{code}/access/", {"action": "check", "code": "12345x"})
    html = wrong.content.decode()
    assert wrong.status_code == 400 and "Mã không đúng hoặc đã hết hiệu lực" in html
    assert 'aria-invalid="true"' in html
    right = client.post(f"/p/{code}/access/", {"action": "check", "code": emailed_code()})
    assert right.status_code == 302 and right["Location"].startswith(f"/p/{code}/manage/?t=")
    assert client.get(right["Location"]).status_code == 200


def test_no_code_is_sent_without_the_check(client, registration):
    code = registration.entry_pass.code
    mail.outbox.clear()
    response = client.post(f"/p/{code}/access/", {"action": "send"})
    assert response.status_code == 400 and mail.outbox == []
    assert "Hãy đánh dấu “Tôi không phải là người máy”" in response.content.decode()
