"""The retention period: personal data of an event erased once it is over by its period.

Run daily (purge_personal_data, from the task worker's timer or cron); each run erases only
what is not erased yet, so running it twice changes nothing the second time.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from events.models import CheckIn, EventPage
from privacy.services.anonymise import ERASED_DOMAIN, anonymise_registrations
from privacy.services.links import forget_links
from publishers.enums import ApplicationStatus
from publishers.models import ExhibitorApplication, StockImport


@dataclass
class EventPurge:
    event: EventPage
    registrations: int = 0
    checkin_devices: int = 0
    applications: int = 0
    spreadsheets: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.registrations or self.checkin_devices or self.applications or self.spreadsheets)


@dataclass
class PurgeReport:
    dry_run: bool
    events: list[EventPurge] = field(default_factory=list)
    links: int = 0


def _due(event: EventPage) -> EventPurge:
    """What is still personal in an event past its period."""
    from events.models import Registration

    return EventPurge(
        event=event,
        registrations=Registration.objects.filter(event=event, anonymised_at__isnull=True).count(),
        checkin_devices=CheckIn.objects.filter(event=event).exclude(device="").count(),
        applications=_applications(event).count(),
        spreadsheets=_spreadsheets(event).count(),
    )


def _applications(event: EventPage):
    """Rejected applications whose contact is still there (approved ones became exhibitors,
    whose contacts the organisers keep working with)."""
    return ExhibitorApplication.objects.filter(event=event, status=ApplicationStatus.REJECTED).exclude(
        Q(email__endswith=ERASED_DOMAIN) & Q(contact_name="") & Q(phone="")
    )


def _spreadsheets(event: EventPage):
    return StockImport.objects.filter(exhibitor__event=event).exclude(file="")


def purge(*, dry_run: bool = False, now: dt.datetime | None = None) -> PurgeReport:
    """Erase the personal data of every event past its retention period (EventPage.retention_days
    after its last day): registrations (privacy.services.anonymise), the device strings of its
    check-ins, the contacts of its rejected exhibitor applications and the files of its uploaded
    stock spreadsheets. Every count and figure stays. ``dry_run`` reports what would be erased
    and changes nothing. Idempotent."""
    now = now or timezone.now()
    report = PurgeReport(dry_run=dry_run)
    for event in EventPage.objects.past_retention(timezone.localdate(now)):
        due = _due(event)
        if not due.anything:
            continue
        report.events.append(due)
        if not dry_run:
            _purge_event(event, now)
    if not dry_run:
        report.links = forget_links(now=now)
    return report


def _purge_event(event: EventPage, now: dt.datetime) -> None:
    from events.models import Registration

    anonymise_registrations(Registration.objects.filter(event=event), now=now)
    with transaction.atomic():
        CheckIn.objects.filter(event=event).exclude(device="").update(device="")
        for application in _applications(event).only("pk"):
            ExhibitorApplication.objects.filter(pk=application.pk).update(
                contact_name="",
                email=f"erased-{application.pk}{ERASED_DOMAIN}",
                phone="",
                contact_history=[],
                pending={},
            )
        imports = list(_spreadsheets(event))
        StockImport.objects.filter(pk__in=[i.pk for i in imports]).update(file="")
        files = [i.file for i in imports]
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
