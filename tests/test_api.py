import datetime as dt
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone

from tests.factories import EventPageFactory

pytestmark = pytest.mark.django_db


def test_events_lists_live_events_with_their_key_facts(client, event_index):
    now = timezone.now()
    open_event = EventPageFactory(
        parent=event_index, title="Ngày Sách Bắc Ninh", registration_opens_at=now - dt.timedelta(days=1)
    )
    EventPageFactory(parent=event_index, title="Bản nháp", live=False)
    closed = EventPageFactory(
        parent=event_index, title="Năm ngoái", start_date=dt.date(2025, 4, 18), end_date=dt.date(2025, 4, 20)
    )

    response = client.get("/api/v1/events/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    events = response.json()
    assert [e["title"] for e in events] == ["Năm ngoái", "Ngày Sách Bắc Ninh"]
    item = events[1]
    assert item == {
        "id": open_event.pk,
        "title": "Ngày Sách Bắc Ninh",
        "slug": "ngay-sach-bac-ninh",
        "url": "http://testserver/su-kien/ngay-sach-bac-ninh/",
        "start_date": open_event.start_date.isoformat(),
        "end_date": open_event.end_date.isoformat(),
        "venue": "Thư viện tỉnh Bắc Ninh",
        "venue_address": "Số 2 đường Lý Thái Tổ, phường Kinh Bắc",
        "registration_open": True,
    }
    assert events[0]["id"] == closed.pk and events[0]["registration_open"] is False


def test_openapi_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Bookday API"
    assert "/api/v1/events/" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui" in docs
    assert "cdn." not in docs and "//unpkg" not in docs


@pytest.mark.parametrize(
    ("path", "language", "message"),
    [
        ("/api/v1/khong-co/", "vi", "Không tìm thấy."),
        ("/api/v1/khong-co/", "en", "Not found."),
        ("/api/v2/events/", "vi", "Không tìm thấy."),
    ],
)
def test_unknown_api_paths_answer_json_not_html(client, db, path, language, message):
    response = client.get(path, headers={"accept-language": language})
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": message}


def test_api_server_errors_are_json_with_a_code(client, db, monkeypatch):
    from events import api

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(api.EventPage.objects, "live", broken)
    response = client.get("/api/v1/events/")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_down(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
