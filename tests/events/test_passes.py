"""The pass: QR that real decoders read, a PDF whose Vietnamese text survives, cached files."""

import io

import pypdfium2
import pytest
import zxingcpp
from django.core import mail
from pypdf import PdfReader

from events.services.passes import pass_pdf
from events.services.registration import cancel
from tests.altcha import solved
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db


def decode(image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("name", ["Đặng Thị Hương", "Nguyễn Văn Ưng"])
def test_pdf_pass_keeps_vietnamese_names_and_its_qr_decodes_to_the_pass_url(event, name):
    registration = register_visitor(event, full_name=name, party_size=2).registration
    entry_pass = registration.entry_pass
    data = pass_pdf(entry_pass)

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (298, 420)  # A6 in points
    text = pdf_text(data)
    assert name in text
    assert event.title.split()[0] in text
    fonts = {f.get_object()["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert all("Noto" in font for font in fonts), fonts  # the project's font, embedded

    page = pypdfium2.PdfDocument(data)[0].render(scale=2).to_pil()
    assert decode(page) == [f"http://testserver/p/{entry_pass.code}/"]
    assert decode(page.convert("L").point(lambda v: 0 if v < 128 else 255)) == [entry_pass.url]


def test_pdf_is_rendered_once_then_served_from_storage(event, monkeypatch):
    entry_pass = register_visitor(event).registration.entry_pass  # the email rendered it already
    entry_pass.refresh_from_db()
    assert entry_pass.pdf.name == f"passes/{entry_pass.code}.pdf"
    from events.services import passes

    monkeypatch.setattr(passes, "render_pass_pdf", lambda p: pytest.fail("rendered again"))
    assert pass_pdf(entry_pass).startswith(b"%PDF")


def test_pdf_is_rendered_again_when_the_registration_changes(event, django_capture_on_commit_callbacks):
    registration = register_visitor(event, full_name="Đặng Thị Hương").registration
    entry_pass = registration.entry_pass
    entry_pass.refresh_from_db()
    before = entry_pass.pdf_fingerprint
    registration.full_name = "Nguyễn Văn Ưng"
    registration.save()
    entry_pass.registration.refresh_from_db()
    assert "Nguyễn Văn Ưng" in pdf_text(pass_pdf(entry_pass))
    entry_pass.refresh_from_db()
    assert entry_pass.pdf_fingerprint != before
    with django_capture_on_commit_callbacks(execute=True):
        cancel(registration=registration)
    entry_pass.registration.refresh_from_db()
    assert "Đã hủy" in pdf_text(pass_pdf(entry_pass))


def test_confirmation_email_has_text_html_pdf_and_cancel_link(event):
    registration = register_visitor(event, full_name="Nguyễn Văn Ưng", party_size=3).registration
    message = mail.outbox[-1]
    code = registration.entry_pass.code
    assert message.to == [registration.email]
    assert "Vé vào cổng" in message.subject and event.title in message.subject
    assert "Nguyễn Văn Ưng" in message.body
    assert f"http://testserver/p/{code}/" in message.body
    assert f"http://testserver/p/{code}/cancel/?t=" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f"/p/{code}/cancel/?t=" in html and 'lang="vi"' in html
    ((name, content, content_type),) = message.attachments
    assert content_type == "application/pdf" and name.endswith(".pdf")
    assert "Nguyễn Văn Ưng" in pdf_text(content)
    registration.refresh_from_db()
    assert registration.email_sent_at and registration.email_attempts == 1


def test_a_failed_email_is_recorded_and_the_registration_stays(event, settings):
    settings.EMAIL_BACKEND = "tests.events.broken_mail.Backend"
    result = register_visitor(event)
    registration = result.registration
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert registration.email_sent_at is None
    assert registration.email_attempts == 1 and "SMTP down" in registration.email_error


def test_failed_emails_are_sent_again_by_the_retry_command(event, settings):
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "tests.events.broken_mail.Backend"
    registration = register_visitor(event).registration
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    call_command("send_pending_emails", stdout=io.StringIO())
    registration.refresh_from_db()
    assert registration.email_sent_at is not None and registration.email_error == ""
    assert [m.to for m in mail.outbox] == [[registration.email]]
    call_command("send_pending_emails", stdout=io.StringIO())  # nothing left to send
    assert len(mail.outbox) == 1


def _run_job_again(registration, result):
    """What a worker does with the same job a second time (RQ re-running it after a crash)."""
    from django_tasks import TaskContext

    from events.tasks import send_registration_email

    send_registration_email.func(TaskContext(task_result=result), registration.pk)


def test_an_email_job_run_again_does_not_send_twice(event):
    from events.tasks import send_registration_email

    registration = register_visitor(event, notify=False).registration
    result = send_registration_email.enqueue(registration.pk)  # tests run jobs at once
    assert [m.to for m in mail.outbox] == [[registration.email]]
    _run_job_again(registration, result)
    assert len(mail.outbox) == 1
    registration.refresh_from_db()
    assert registration.email_attempts == 1


def test_a_job_queued_while_the_email_was_being_sent_sends_nothing_more(event):
    """`send_pending_emails` may queue an email whose first job is sending at that moment."""
    from types import SimpleNamespace

    from django.utils import timezone

    from events.models import Registration

    registration = register_visitor(event, notify=False).registration
    Registration.objects.filter(pk=registration.pk).update(email_attempts=1)  # the first job sending
    queued_meanwhile = SimpleNamespace(enqueued_at=timezone.now())
    Registration.objects.filter(pk=registration.pk).update(email_sent_at=timezone.now())  # it finished
    _run_job_again(registration, queued_meanwhile)
    assert mail.outbox == []


def test_a_pass_asked_for_again_after_its_email_is_sent_again(event, django_capture_on_commit_callbacks):
    from events.services.registration import resend_pass

    registration = register_visitor(event).registration
    with django_capture_on_commit_callbacks(execute=True):
        resend_pass(registration=registration)
    assert [m.to for m in mail.outbox] == [[registration.email], [registration.email]]


def test_emails_queued_but_lost_with_the_queue_are_sent_by_the_retry_command(event, clock):
    """Redis restarted without persistence: the jobs are gone, attempts still 0, no error."""
    import datetime as dt

    from django.core.management import call_command

    lost = register_visitor(event, notify=False).registration  # as if its job vanished from Redis
    clock.tick(dt.timedelta(minutes=11))
    just_queued = register_visitor(event, notify=False).registration  # its job may still be waiting
    call_command("send_pending_emails", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [[lost.email]]
    assert just_queued.email not in {m.to[0] for m in mail.outbox}


def test_emails_waiting_behind_a_backlog_are_not_queued_again(event, clock, monkeypatch):
    """A rush the worker has not caught up with is not a lost queue: queuing it again grows it."""
    import datetime as dt

    from django.core.management import call_command

    from events.management.commands import send_pending_emails

    register_visitor(event, notify=False)
    clock.tick(dt.timedelta(minutes=11))
    monkeypatch.setattr(send_pending_emails, "waiting_jobs", lambda: 250)
    out = io.StringIO()
    call_command("send_pending_emails", stdout=out)
    assert mail.outbox == [] and out.getvalue().startswith("0 email")


def test_generate_passes_renders_every_missing_pdf(event):
    from django.core.management import call_command

    from events.models import Pass

    for _ in range(3):
        register_visitor(event, notify=False)
    assert not Pass.objects.exclude(pdf="").exists()
    out = io.StringIO()
    call_command("generate_passes", str(event.pk), "--jobs", "1", stdout=out)
    assert "3 passes ready" in out.getvalue()
    assert Pass.objects.exclude(pdf="").count() == 3


def test_a_pass_is_one_page_whatever_was_typed(event):
    """The longest name, organisation, address and title the forms allow still print on one A6."""
    event.title = ("Ngày Sách và Văn hóa đọc Việt Nam tỉnh Bắc Ninh " * 6)[:255]
    event.venue_address = ("Số 2 đường Lý Thái Tổ, phường Kinh Bắc " * 8)[:300]
    event.save()
    registration = register_visitor(
        event,
        full_name=("Nguyễn Thị Phương Thảo Hoàng " * 5)[:120],
        party_size=40,
        organisation=("Trường THCS Nguyễn Đăng Đạo " * 8)[:200],
        notify=False,
    ).registration
    data = pass_pdf(registration.entry_pass)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    page = pypdfium2.PdfDocument(data)[0].render(scale=2).to_pil()
    assert decode(page) == [registration.entry_pass.url]


def test_a_queue_outage_keeps_the_registration_and_is_retried_later(
    client, event, monkeypatch, django_capture_on_commit_callbacks
):
    """Redis down after the registration committed: the visitor still gets the pass page."""
    import datetime as dt

    from django.core.management import call_command

    from events import tasks
    from events.models import Registration

    class QueueDown:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("Redis unreachable")

    monkeypatch.setattr(tasks, "send_registration_email", QueueDown())
    data = {
        "full_name": "Đặng Thị Hương",
        "email": "huong@example.vn",
        "phone": "0912 345 678",
        "visit_date": (event.start_date + dt.timedelta(days=1)).isoformat(),
        "party_size": "1",
        "consent": "on",
        "website": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/{event.pk}/register/", solved(data))
    registration = Registration.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/p/{registration.entry_pass.code}/"
    assert "queue: Redis unreachable" in registration.email_error and mail.outbox == []

    monkeypatch.undo()
    call_command("send_pending_emails", stdout=io.StringIO())
    registration.refresh_from_db()
    assert registration.email_sent_at and [m.to for m in mail.outbox] == [["huong@example.vn"]]
