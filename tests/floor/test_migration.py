"""The data migration: approved exhibitors' booth numbers become booths on a default grid."""

import importlib

import pytest
from django.apps import apps

from floor.models import Booth, Floor
from tests.publishers.portal_factories import ExhibitorFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("floor.migrations.0002_booths_from_exhibitors")


def test_booth_numbers_become_booths_on_a_grid_with_their_exhibitors(event):
    kim_dong = ExhibitorFactory(event=event, booths="A1, A2")
    tre = ExhibitorFactory(event=event, booths="A10")
    alpha = ExhibitorFactory(event=event, booths="C1")
    ExhibitorFactory(event=event, booths="")
    migration.booths_from_exhibitors(apps, None)

    floor = Floor.objects.get(event=event)
    booths = {b.label: b for b in Booth.objects.filter(floor=floor)}
    assert set(booths) == {"A1", "A2", "A10", "C1"}
    assert (booths["A1"].exhibitor, booths["A10"].exhibitor, booths["C1"].exhibitor) == (kim_dong, tre, alpha)
    # Row A in natural order (A2 before A10), side by side; row C below it; all 3 × 3 m.
    assert [booths[label].x for label in ("A1", "A2", "A10")] == [2, 5, 8]
    assert booths["C1"].y > booths["A1"].y
    assert all((b.width, b.height) == (3, 3) for b in booths.values())
    assert booths["A10"].x + 3 <= floor.width
    # Running it again changes nothing (an event with a plan keeps it).
    migration.booths_from_exhibitors(apps, None)
    assert Booth.objects.count() == 4
