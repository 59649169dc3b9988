"""A visitor's rights, service by service: see, correct, download, withdraw consent, erase."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from events.consent import CURRENT_CONSENT_VERSION
from events.enums import RegistrationStatus
from events.models import Gate, Registration
from events.services.checkin import check_in
from privacy.enums import DataRequestKind
from privacy.models import DataRequest
from privacy.services import PrivacyError
from privacy.services.anonymise import ERASED_DOMAIN
from privacy.services.links import address_key
from privacy.services.rights import correct, erase, export_csv, export_json, personal_data, withdraw
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db
EMAIL = "huong@example.vn"


@pytest.fixture
def visits(event):
    """Two visits of one address (today, admitted at a gate, and tomorrow) and someone else's."""
    today, tomorrow = event.start_date + dt.timedelta(days=1), event.start_date + dt.timedelta(days=2)
    now_visit = register_visitor(event, email=EMAIL, visit_date=today).registration
    later = register_visitor(
        event, email=EMAIL, visit_date=tomorrow, party_size=8, organisation="Trường THCS Kinh Bắc"
    ).registration
    other = register_visitor(event, email="other@example.vn", full_name="Nguyễn Văn Ưng").registration
    gate = Gate.objects.create(event=event, name="Cổng chính")
    check_in(
        code=now_visit.entry_pass.code, event=event, gate=gate, client_id="c-1", scanned_at=timezone.now()
    )
    return now_visit, later, other


def logged(kind: str) -> list[DataRequest]:
    return list(DataRequest.objects.filter(kind=kind, address_key=address_key(EMAIL)))


def test_the_data_of_an_address_is_every_registration_with_everything_held(visits):
    now_visit, later, _other = visits
    data = personal_data(EMAIL)
    assert [d["visit_date"] for d in data] == [later.day.date.isoformat(), now_visit.day.date.isoformat()]
    today = data[1]
    assert today["full_name"] == "Đặng Thị Hương"
    assert today["phone"] == "+84912345678"
    assert today["consent"]["version"] == CURRENT_CONSENT_VERSION
    assert today["consent"]["text"].startswith("Tôi đồng ý")
    assert today["consent"]["given_at"].endswith("+07:00")  # local time, said so
    assert today["emails"]["pass_email_sent_at"]  # the pass email went out
    assert [c["gate"] for c in today["check_ins"]] == ["Cổng chính"]
    assert today["check_ins"][0]["people_admitted"] == 1
    assert data[0]["organisation"] == "Trường THCS Kinh Bắc"
    assert all(d["email"] == EMAIL for d in data)  # nobody else's


def test_the_json_download_holds_it_all_and_is_logged(visits):
    body = json.loads(export_json(email=EMAIL))
    assert body["email"] == EMAIL
    assert len(body["registrations"]) == 2
    assert "Nguyễn Văn Ưng" not in json.dumps(body, ensure_ascii=False)
    [entry] = logged(DataRequestKind.EXPORT)
    assert (entry.details, entry.registrations) == ("json", 2)


def test_the_csv_download_opens_in_excel_and_runs_no_formula(visits):
    now_visit, _later, _other = visits
    Registration.objects.filter(pk=now_visit.pk).update(organisation='=HYPERLINK("http://x.example","bấm")')
    raw = export_csv(email=EMAIL)
    assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the byte-order mark
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Sự kiện", "Ngày tham quan", "Trạng thái", "Họ và tên"]
    assert len(rows) == 3
    organisations = [row[6] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x.example","bấm")' in organisations
    day = now_visit.day.date.strftime("%d/%m/%Y")
    assert any(row[1] == day for row in rows[1:])  # dates as people write them
    assert logged(DataRequestKind.EXPORT)[0].details == "csv"


def test_a_correction_changes_the_registration_and_logs_the_fields_only(visits):
    now_visit, _later, _other = visits
    correct(
        email=EMAIL,
        registration_id=now_visit.pk,
        full_name="Đặng Thị Hường",
        phone="+84987654321",
        organisation="",
    )
    now_visit.refresh_from_db()
    assert (now_visit.full_name, now_visit.phone) == ("Đặng Thị Hường", "+84987654321")
    [entry] = logged(DataRequestKind.CORRECT)
    assert entry.details == "full_name, phone"
    assert "Hường" not in entry.details


@pytest.mark.parametrize(
    ("whose", "organisation", "code"),
    [("other", "Trường X", "not_yours"), ("later", "", "organisation_required")],
)
def test_a_refused_correction_changes_nothing(visits, whose, organisation, code):
    target = {"other": visits[2], "later": visits[1]}[whose]
    before = Registration.objects.values().get(pk=target.pk)
    with pytest.raises(PrivacyError) as refused:
        correct(
            email=EMAIL,
            registration_id=target.pk,
            full_name="Ai Đó",
            phone="+84900000000",
            organisation=organisation,
        )
    assert refused.value.code == code
    assert Registration.objects.values().get(pk=target.pk) == before
    assert not logged(DataRequestKind.CORRECT)


def test_withdrawing_consent_cancels_visits_to_come_and_promotes_the_waiting_list(event, visits):
    _now_visit, later, _other = visits
    event.daily_capacity = 8
    event.save()
    waiting = register_visitor(event, visit_date=later.day.date, party_size=3).registration
    assert waiting.status == RegistrationStatus.WAITING
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        cancelled = withdraw(email=EMAIL)
    assert len(cancelled) == 2  # today is still open until closing time, tomorrow to come
    later.refresh_from_db()
    waiting.refresh_from_db()
    assert later.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert logged(DataRequestKind.WITHDRAW)[0].registrations == 2


def test_withdrawing_leaves_a_visit_that_is_over(event, visits):
    now_visit, _later, _other = visits
    after_closing = event.closes_on(now_visit.day.date) + dt.timedelta(minutes=1)
    withdraw(email=EMAIL, now=after_closing)
    now_visit.refresh_from_db()
    assert now_visit.status == RegistrationStatus.CONFIRMED  # it happened; erasure is another right


def test_erasing_anonymises_every_registration_of_the_address_and_only_those(event, visits):
    now_visit, later, other = visits
    with TestCase.captureOnCommitCallbacks(execute=True):
        erased = erase(email=EMAIL)
    assert erased == 2
    for registration in (now_visit, later):
        registration.refresh_from_db()
        assert registration.full_name == registration.phone == ""
        assert registration.email == f"erased-{registration.pk}{ERASED_DOMAIN}"
        assert registration.anonymised_at is not None
    assert later.organisation == "school"  # still counted as a school in the figures
    assert later.status == RegistrationStatus.CANCELLED  # the visit to come freed its places
    assert personal_data(EMAIL) == []
    other.refresh_from_db()
    assert other.full_name == "Nguyễn Văn Ưng"
    assert logged(DataRequestKind.ERASE)[0].registrations == 2
    assert erase(email=EMAIL) == 0  # nothing left to erase


def test_a_pass_email_queued_before_erasure_is_not_sent(event, visits):
    from events.tasks import send_registration_email

    now_visit, _later, _other = visits
    erase(email=EMAIL)
    mail.outbox.clear()
    send_registration_email.enqueue(now_visit.pk)  # the immediate backend runs it now
    assert mail.outbox == []


def test_an_erased_registration_has_no_pass_page_and_no_cached_pdf(client, event, visits):
    now_visit, _later, _other = visits
    code = now_visit.entry_pass.code
    assert client.get(f"/p/{code}/pass.pdf").status_code == 200  # the PDF, with the name, cached
    cached = now_visit.entry_pass.__class__.objects.get(pk=now_visit.entry_pass.pk).pdf
    assert cached and cached.storage.exists(cached.name)
    with TestCase.captureOnCommitCallbacks(execute=True):
        erase(email=EMAIL)
    assert not cached.storage.exists(cached.name)
    assert client.get(f"/p/{code}/").status_code == 404


def test_answers_are_part_of_the_data_and_written_ones_are_erased(client, event):
    from events.enums import QuestionAudience, QuestionKind
    from events.models import RegistrationQuestion

    heard = RegistrationQuestion.objects.create(
        page=event,
        kind=QuestionKind.CHOICE,
        label="Biết qua đâu?",
        choices="Facebook\nNhà trường",
        purpose="Để quảng bá các kỳ sau.",
    )
    note = RegistrationQuestion.objects.create(
        page=event,
        kind=QuestionKind.TEXT,
        label="Lớp/khối",
        audience=QuestionAudience.GROUPS,
        purpose="Để bố trí khu vực đọc.",
    )
    registration = register_visitor(
        event, email=EMAIL, party_size=3, answers={heard.key: "Facebook", note.key: "Lớp 9A cô Thảo"}
    ).registration
    [data] = personal_data(EMAIL)
    assert data["answers"] == [
        {"question": "Biết qua đâu?", "answer": "Facebook"},
        {"question": "Lớp/khối", "answer": "Lớp 9A cô Thảo"},
    ]
    rows = list(csv.reader(io.StringIO(export_csv(email=EMAIL).decode("utf-8-sig"))))
    assert "Biết qua đâu?: Facebook; Lớp/khối: Lớp 9A cô Thảo" in rows[1]
    # The privacy notice says why each question is asked.
    notice = client.get("/privacy/", headers={"accept-language": "vi"}).content.decode()
    assert "Để quảng bá các kỳ sau." in notice and "Lớp/khối" in notice
    erase(email=EMAIL)
    registration.refresh_from_db()
    # The written answer is gone; the choice stays, as the figures count it, with no one's name.
    assert registration.answers == {heard.key: "Facebook"}
