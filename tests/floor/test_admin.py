"""The plan editor without JavaScript (the table is the form) and choosing booths on the plan."""

import pytest
from django.contrib.auth.models import Group, User

from floor.models import Booth
from home.groups import GATE_STAFF
from publishers.enums import ApplicationStatus
from tests.floor.plan_helpers import small_plan
from tests.publishers.portal_factories import ApplicationFactory, ExhibitorFactory

pytestmark = pytest.mark.django_db


def table_post(floor, **changes) -> dict:
    """What the editor's form sends for ``floor``, with some booths' values changed."""
    data = {"width": "30", "height": "20"}
    for prefix, rows in (
        (
            "zones",
            [
                {"name": z.name, "colour": z.colour, "x": z.x, "y": z.y, "width": z.width, "height": z.height}
                for z in floor.zones.all()
            ],
        ),
        (
            "booths",
            [
                {
                    "id": b.pk,
                    "label": b.label,
                    "x": b.x,
                    "y": b.y,
                    "width": b.width,
                    "height": b.height,
                    "zone": b.zone.name if b.zone else "",
                }
                for b in floor.booths.all()
            ],
        ),
        ("entrances", [{"gate": e.gate_id, "x": e.x, "y": e.y} for e in floor.entrances.all()]),
        ("services", [{"kind": s.kind, "label": s.label, "x": s.x, "y": s.y} for s in floor.services.all()]),
    ):
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)})
        for i, row in enumerate(rows):
            row.update(changes.get(row.get("label"), {}) if prefix == "booths" else {})
            data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def test_an_organiser_moves_a_booth_by_typing_in_the_table(admin_client, event):
    floor = small_plan(event)
    response = admin_client.post(
        f"/admin/floor_plans/{event.pk}/", table_post(floor, A2={"x": "12.5", "y": "10"})
    )
    assert response.status_code == 302
    moved = Booth.objects.get(label="A2")
    assert (float(moved.x), float(moved.y)) == (12.5, 10)


def test_an_overlap_typed_in_the_table_is_refused_and_nothing_is_saved(admin_client, event):
    floor = small_plan(event)
    response = admin_client.post(f"/admin/floor_plans/{event.pk}/", table_post(floor, A2={"x": "3"}))
    assert response.status_code == 409
    assert "Gian A1 và A2 chồng lên nhau." in response.content.decode()
    assert float(Booth.objects.get(label="A2").x) == 5


def test_only_organisers_lay_out_the_floor(client, event):
    small_plan(event)
    staff = User.objects.create_user("soatve", password="x", is_staff=True)
    staff.groups.add(Group.objects.get_or_create(name=GATE_STAFF)[0])
    client.force_login(staff)
    assert client.get(f"/admin/floor_plans/{event.pk}/").status_code in (302, 403)


def test_an_application_is_approved_with_booths_ticked_on_the_plan(admin_client, event):
    small_plan(event)
    ExhibitorFactory(event=event, booths="A8", publisher__name="NXB Kim Đồng")
    application = ApplicationFactory(
        event=event, status=ApplicationStatus.SUBMITTED, booths="", preferred_zone="Sách thiếu nhi"
    )
    page = admin_client.get(f"/admin/floor_plans/applications/{application.pk}/").content.decode()
    assert "A8 — NXB Kim Đồng" in page  # taken, with its exhibitor, no box to tick
    assert 'value="A8"' not in page and 'value="A1"' in page
    assert "floor-map__zone is-preferred" in page

    response = admin_client.post(
        f"/admin/floor_plans/applications/{application.pk}/", {"booth": ["A1", "A2"]}
    )
    assert response.url == f"/admin/exhibitor_applications/inspect/{application.pk}/"
    application.refresh_from_db()
    assert (application.status, application.booths) == (ApplicationStatus.APPROVED, "A1, A2")
    assert set(application.exhibitor.plan_booths.values_list("label", flat=True)) == {"A1", "A2"}


def test_the_map_costs_the_same_queries_for_200_booths(client, event):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    exhibitor = ExhibitorFactory(event=event, booths="A1, A2")
    small_plan(event)
    client.get(f"/events/{event.pk}/map/")  # the site's settings are created on the first visit
    with CaptureQueriesContext(connection) as few:
        client.get(f"/events/{event.pk}/map/")
    booths = [
        {"label": f"A{n}", "x": (n % 20) * 3, "y": (n // 20) * 4, "width": 3, "height": 3} for n in range(200)
    ]
    small_plan(event, width=60, height=40, zones=[], booths=booths)
    assert exhibitor.plan_booths.count() == 2
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/events/{event.pk}/map/")
    assert response.content.decode().count('class="floor-map__booth') == 200
    assert len(many) == len(few)
