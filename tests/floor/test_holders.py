"""Choosing booths on the plan: approving an application, changing an exhibitor's booths."""

import pytest

from floor.services import holders
from floor.services.errors import FloorError
from publishers.enums import ApplicationStatus
from tests.floor.plan_helpers import small_plan
from tests.publishers.portal_factories import ApplicationFactory, ExhibitorFactory

pytestmark = pytest.mark.django_db


def test_approving_with_free_booths_of_the_plan(event):
    small_plan(event)
    application = ApplicationFactory(
        event=event, status=ApplicationStatus.SUBMITTED, booths="", email_confirmed_at=None
    )
    result = holders.approve_with_booths(application=application, labels=["A8", "A2"])
    assert result.exhibitor.booths == "A2, A8"
    assert set(result.exhibitor.plan_booths.values_list("label", flat=True)) == {"A2", "A8"}


def test_a_taken_booth_or_one_not_on_the_plan_is_refused(event):
    small_plan(event)
    ExhibitorFactory(event=event, booths="A8", publisher__name="NXB Kim Đồng")
    application = ApplicationFactory(event=event, status=ApplicationStatus.SUBMITTED, booths="")
    with pytest.raises(FloorError) as refused:
        holders.approve_with_booths(application=application, labels=["A8"])
    assert (refused.value.code, "NXB Kim Đồng" in refused.value.message) == ("booth_taken", True)
    with pytest.raises(FloorError) as refused:
        holders.approve_with_booths(application=application, labels=["Z9"])
    assert refused.value.code == "unknown_booth"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_an_exhibitor_moves_to_other_booths(event):
    small_plan(event)
    exhibitor = ExhibitorFactory(event=event, booths="A1")
    holders.choose_booths(exhibitor=exhibitor, labels=["A2"])
    exhibitor.refresh_from_db()
    assert exhibitor.booths == "A2"
    assert list(exhibitor.plan_booths.values_list("label", flat=True)) == ["A2"]


def test_more_booths_than_an_exhibitors_record_holds_is_refused_with_that_reason(event):
    from publishers.services.applications import ApplicationError

    booths = [{"label": f"A{n}", "x": n * 3, "y": 0, "width": 3, "height": 3} for n in range(1, 20)]
    small_plan(event, width=60, zones=[], booths=booths)
    exhibitor = ExhibitorFactory(event=event, booths="A1")
    with pytest.raises(ApplicationError) as refused:
        holders.choose_booths(exhibitor=exhibitor, labels=[f"A{n}" for n in range(1, 20)])
    assert refused.value.code == "invalid_booths"
    exhibitor.refresh_from_db()
    assert exhibitor.booths == "A1"
