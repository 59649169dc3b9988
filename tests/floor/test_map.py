"""The public map page, its PDF and GET /api/v1/events/{id}/floor/."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.floor.plan_helpers import small_plan
from tests.publishers.portal_factories import ExhibitorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(event):
    exhibitor = ExhibitorFactory(
        event=event, booths="A8", publisher__name="NXB Kim Đồng", publisher__slug="kim-dong"
    )
    return small_plan(event), exhibitor


def test_the_map_draws_every_booth_with_links_zones_and_entrances(client: Client, event, plan):
    response = client.get(reverse("event_map", args=[event.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="floor-map__booth') == 3
    assert f'href="/events/{event.pk}/catalogue/?publisher=kim-dong"' in html
    assert 'aria-label="Gian A8: NXB Kim Đồng"' in html
    assert "Sách thiếu nhi" in html and "Cổng chính" in html and "Quầy thông tin" in html
    assert "<script>" not in html  # the strict policy: no inline script
    # The text list tells the same, for screen readers.
    assert "<strong>Gian A1</strong>: còn trống" in html


def test_booth_in_the_address_is_highlighted_and_centred(client, event, plan):
    html = client.get(reverse("event_map", args=[event.pk]) + "?booth=a8").content.decode()
    assert 'is-highlighted" data-label="A8"' in html
    assert "Gian A8: NXB Kim Đồng" in html
    view = [float(v) for v in html.split('viewBox="')[1].split('"')[0].split()]
    # The view is a part of the floor around A8 (centre 9.5, 3.5), not the whole 30 × 20 m.
    assert view[2] < 30 and view[0] <= 9.5 <= view[0] + view[2] and view[1] <= 3.5 <= view[1] + view[3]


def test_an_unknown_booth_says_so(client, event, plan):
    html = client.get(reverse("event_map", args=[event.pk]) + "?booth=Z99").content.decode()
    assert "Không có gian Z99 trên sơ đồ." in html


def test_an_event_without_a_plan_says_it_is_not_published(client, event):
    response = client.get(reverse("event_map", args=[event.pk]))
    assert response.status_code == 200
    assert "is-highlighted" not in response.content.decode()


@pytest.mark.parametrize("paper", ["a4", "a3"])
def test_the_printable_map_renders(client, event, plan, paper):
    response = client.get(reverse("event_map_pdf", args=[event.pk]) + f"?paper={paper}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.content))
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert width > height  # landscape
    assert round(width / 72 * 25.4) == {"a4": 297, "a3": 420}[paper]
    text = "".join(page.extract_text() for page in reader.pages)
    assert "NXB Kim Đồng" in text


def test_the_api_gives_the_plan_in_metres(client, event, plan):
    data = client.get(f"/api/v1/events/{event.pk}/floor/").json()
    assert (data["width"], data["height"]) == (30.0, 20.0)
    assert data["zones"] == [
        {"name": "Sách thiếu nhi", "colour": "#fde68a", "x": 1.0, "y": 1.0, "width": 20.0, "height": 6.0}
    ]
    assert data["booths"][0] == {
        "label": "A1",
        "x": 2.0,
        "y": 2.0,
        "width": 3.0,
        "height": 3.0,
        "zone": "Sách thiếu nhi",
        "exhibitor": None,
    }
    assert data["booths"][2]["exhibitor"] == {"name": "NXB Kim Đồng", "slug": "kim-dong"}
    assert data["entrances"] == [{"name": "Cổng chính", "x": 15.0, "y": 20.0}]


def test_the_api_404s_without_a_plan_and_is_in_the_schema(client, event):
    assert client.get(f"/api/v1/events/{event.pk}/floor/").status_code == 404
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/events/{event_id}/floor/" in schema["paths"]


def test_the_printable_map_is_rendered_once_until_what_it_shows_changes(event, plan, monkeypatch):
    from events.services import passes
    from floor.models import Floor
    from floor.services.drawing import map_pdf

    renders = []
    real = passes.render_pdf
    monkeypatch.setattr(passes, "render_pdf", lambda html: renders.append(1) or real(html))
    floor = Floor.objects.with_plan().get(event=event)
    first = map_pdf(floor, paper="a4")
    assert map_pdf(Floor.objects.with_plan().get(event=event), paper="a4") == first
    assert len(renders) == 1
    plan[1].publisher.name = "NXB Kim Đồng (mới)"
    plan[1].publisher.save()
    map_pdf(Floor.objects.with_plan().get(event=event), paper="a4")
    assert len(renders) == 2
