"""Who holds which booth on the plan.

One definition: an exhibitor's booths are its ``Exhibitor.booths`` ("A12, A13"), written only by
publishers.services.applications (approve_application, assign_booths) under the event's lock,
which refuses a booth another exhibitor holds. That record is what the emails, the catalogue and
the exhibitors' directory already read, and what approving from a text form writes. The plan's
``Booth.exhibitor`` is the same record drawn on the map: ``sync`` rewrites it after every change
of either side (floor.signals calls it when an exhibitor is saved), so it never disagrees.
Choosing booths on the plan goes through the same applications service, with the labels chosen.
"""

import re

from django.db import transaction

from events.models import EventPage
from floor.models import Booth, Floor, natural_key
from floor.services.errors import FloorError
from publishers.models import Exhibitor
from publishers.services.applications import ApplicationError, approve_application, assign_booths


def labels_of(text: str) -> list[str]:
    return [label for label in re.split(r"[,;\s]+", text or "") if label]


def as_text(labels) -> str:
    return ", ".join(sorted(set(labels), key=natural_key))


def sync(event_id) -> None:
    """Make every booth of the event's plan show the exhibitor whose booth numbers name it."""
    event_id = getattr(event_id, "pk", event_id)
    floor = Floor.objects.filter(event_id=event_id).first()
    if floor is None:
        return
    holder = {}
    for exhibitor_id, text in (
        Exhibitor.objects.filter(event_id=event_id).exclude(booths="").values_list("pk", "booths")
    ):
        for label in labels_of(text):
            holder[label] = exhibitor_id
    for booth in floor.booths.only("pk", "label", "exhibitor_id"):
        wanted = holder.get(booth.label)
        if booth.exhibitor_id != wanted:
            Booth.objects.filter(pk=booth.pk).update(exhibitor_id=wanted)


def follow_renames(renamed: dict) -> None:
    """Booths relabelled on the plan: their exhibitors' booth numbers change with them. Old labels
    go first and new ones after, so two exhibitors' booths may swap labels."""
    if not renamed:
        return
    exhibitors = {exhibitor.pk: exhibitor for _new, exhibitor in renamed.values()}
    labels = {pk: labels_of(Exhibitor.objects.get(pk=pk).booths) for pk in exhibitors}
    for pk, exhibitor in exhibitors.items():
        kept = [label for label in labels[pk] if label not in renamed]
        _assign(exhibitor, kept)
    for old, (new, exhibitor) in renamed.items():
        labels[exhibitor.pk] = [new if label == old else label for label in labels[exhibitor.pk]]
    for pk, exhibitor in exhibitors.items():
        _assign(exhibitor, labels[pk])


def _assign(exhibitor, labels) -> None:
    try:
        assign_booths(exhibitor=exhibitor, booths=as_text(labels))
    except ApplicationError as error:
        if error.code != "booth_taken":
            raise  # e.g. too many booths for one exhibitor: its own message says so
        raise FloorError("booth_taken", **_taken(error)) from error


def _taken(error: ApplicationError) -> dict:
    return {"label": error.params.get("booths", ""), "exhibitor": error.params.get("exhibitor", "")}


def check_free(event, labels, *, exhibitor_id=None) -> list[str]:
    """The labels, each a booth of the event's plan held by nobody else; else ``FloorError``."""
    floor = Floor.objects.filter(event=event).first()
    if floor is None:
        raise FloorError("no_plan")
    booths = {
        booth.label: booth
        for booth in floor.booths.filter(label__in=list(labels)).select_related("exhibitor__publisher")
    }
    for label in labels:
        booth = booths.get(label)
        if booth is None:
            raise FloorError("unknown_booth", label=label)
        if booth.exhibitor_id and booth.exhibitor_id != exhibitor_id:
            raise FloorError("booth_taken", label=label, exhibitor=booth.exhibitor.publisher.name)
    return sorted(set(labels), key=natural_key)


def choose_booths(*, exhibitor: Exhibitor, labels) -> Exhibitor:
    """Give an exhibitor exactly these booths of the plan (free ones, or its own).

    Guarantees: afterwards ``exhibitor.booths`` names them and the plan shows them as its; booth
    numbers it holds that are not drawn on the plan are kept. ``unknown_booth``, ``booth_taken``.
    """
    with transaction.atomic():
        lock_event(exhibitor.event)
        chosen = check_free(exhibitor.event, labels, exhibitor_id=exhibitor.pk)
        on_plan = set(Booth.objects.filter(floor__event=exhibitor.event).values_list("label", flat=True))
        off_plan = [label for label in labels_of(exhibitor.booths) if label not in on_plan]
        _assign(exhibitor, chosen + off_plan)
    exhibitor.refresh_from_db()
    return exhibitor


def approve_with_booths(*, application, labels, by=None):
    """Approve an application with booths chosen on the plan (free ones): the applications
    service does the approval; this checks the booths against the plan first, under the same lock.
    Raises ``FloorError`` for the plan and ``ApplicationError`` for the approval."""
    with transaction.atomic():
        lock_event(application.event)
        chosen = check_free(application.event, labels)
        return approve_application(application=application, booths=as_text(chosen), by=by)


def lock_event(event: EventPage) -> None:
    """The lock the applications service takes to hand out booths (one decision at a time)."""
    EventPage.objects.select_for_update(of=("self",)).filter(pk=event.pk).values_list("pk").first()
