"""floor.services.plan: every rule of a plan, each refusal with its code, nothing half-saved."""

import pytest

from floor.models import Booth, Floor
from floor.services.errors import FloorError
from floor.services.plan import save_plan
from tests.floor.plan_helpers import booth, small_plan
from tests.publishers.portal_factories import ExhibitorFactory

pytestmark = pytest.mark.django_db


def test_a_plan_is_saved_with_its_zones_booths_entrances_and_services(event):
    floor = small_plan(event)
    assert (floor.width, floor.height) == (30, 20)
    assert [b.label for b in floor.booths.all()] == ["A1", "A2", "A8"]
    assert floor.booths.get(label="A1").zone.name == "Sách thiếu nhi"
    assert floor.entrances.get().gate.name == "Cổng chính"
    assert floor.services.get().name == "Quầy thông tin"


@pytest.mark.parametrize(
    ("booths", "code", "words"),
    [
        ([booth("A1", 2, 2), booth("A2", 4, 3)], "overlap", "Gian A1 và A2 chồng lên nhau."),
        ([booth("A1", 28, 2)], "outside", "Gian A1 nằm ngoài mặt bằng (30 × 20 m)."),
        ([booth("A1", -1, 2)], "outside", "Gian A1 nằm ngoài mặt bằng"),
        ([booth("A1", 2, 2), booth("a1", 10, 10)], "duplicate_label", "Nhãn gian A1 bị dùng hai lần"),
        (
            [booth("A1", 2, 2, width=-3)],
            "negative_size",
            "Gian A1: chiều rộng và chiều sâu phải lớn hơn 0 m.",
        ),
        ([booth("A1", 2, 2, height=0)], "negative_size", "Gian A1: chiều rộng"),
        ([booth("A 1!", 2, 2)], "invalid_label", "Nhãn gian “A 1!”"),
        ([booth("A1", "hai", 2)], "invalid_number", "Gian A1: x phải là số mét"),
        ([booth("A1", 2, 2, zone="Không có")], "unknown_zone", "không có khu nào tên “Không có”"),
    ],
)
def test_a_bad_plan_is_refused_with_a_clear_vietnamese_message_and_nothing_changes(
    event, booths, code, words
):
    small_plan(event)
    before = list(Booth.objects.values_list("label", "x", "y", "width", "height"))
    with pytest.raises(FloorError) as refused:
        small_plan(event, booths=booths)
    assert refused.value.code == code
    assert words in refused.value.message
    assert list(Booth.objects.values_list("label", "x", "y", "width", "height")) == before


def test_booths_that_only_touch_do_not_overlap(event):
    floor = small_plan(event, booths=[booth("A1", 0, 0), booth("A2", 3, 0), booth("B1", 0, 3)])
    assert floor.booths.count() == 3


def test_a_floor_without_size_or_too_big_is_refused(event):
    for width in (0, -5, 5000):
        with pytest.raises(FloorError) as refused:
            save_plan(event=event, width=width, height=20)
        assert refused.value.code == "floor_size"
    assert not Floor.objects.exists()


def test_an_entrance_must_be_a_gate_of_this_event(event):
    with pytest.raises(FloorError) as refused:
        small_plan(event, entrances=[{"gate": 999999, "x": 1, "y": 1}])
    assert refused.value.code == "unknown_gate"


def test_too_many_booths_are_refused_before_anything_is_checked(event):
    with pytest.raises(FloorError) as refused:
        small_plan(event, booths=[booth(f"A{n}", 0, 0) for n in range(2001)])
    assert refused.value.code == "too_many"


def test_the_plan_shows_who_holds_each_booth_from_the_exhibitors_booth_numbers(event):
    exhibitor = ExhibitorFactory(event=event, booths="A2, A8", publisher__name="NXB Kim Đồng")
    floor = small_plan(event)
    assert {b.label: b.exhibitor_id for b in floor.booths.all()} == {
        "A1": None,
        "A2": exhibitor.pk,
        "A8": exhibitor.pk,
    }
    # The exhibitor's booths change elsewhere (the applications service): the plan follows.
    from publishers.services.applications import assign_booths

    assign_booths(exhibitor=exhibitor, booths="A1")
    assert {b.label: b.exhibitor_id for b in floor.booths.all()} == {
        "A1": exhibitor.pk,
        "A2": None,
        "A8": None,
    }


def test_relabelling_a_booth_changes_its_exhibitors_booth_numbers(event):
    exhibitor = ExhibitorFactory(event=event, booths="A8")
    floor = small_plan(event)
    rows = [
        {
            "id": b.pk,
            "label": "B8" if b.label == "A8" else b.label,
            "x": b.x,
            "y": b.y,
            "width": b.width,
            "height": b.height,
        }
        for b in floor.booths.all()
    ]
    small_plan(event, booths=rows)
    exhibitor.refresh_from_db()
    assert exhibitor.booths == "B8"
    assert floor.booths.get(label="B8").exhibitor == exhibitor


def test_a_booth_held_by_an_exhibitor_is_not_removed_from_the_plan(event):
    ExhibitorFactory(event=event, booths="A8", publisher__name="NXB Trẻ")
    small_plan(event)
    with pytest.raises(FloorError) as refused:
        small_plan(event, booths=[booth("A1", 2, 2)])
    assert refused.value.code == "booth_taken"
    assert "NXB Trẻ" in refused.value.message
    assert Booth.objects.count() == 3
