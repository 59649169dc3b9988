"""Background work: the day-before reminders and the sending of announcements. The services that
queue these (messaging.services.sending) are never imported back."""

from django_tasks import task

from messaging.services.announcements import deliver
from messaging.services.reminders import send_reminders


@task()
def send_reminders_task() -> None:
    """The reminders of tomorrow's visits (messaging.services.reminders): queue it daily
    (``send_reminders --queue``), or run ``send_reminders`` from cron where there is no worker."""
    send_reminders()


@task()
def deliver_announcement_task(announcement_id: int) -> None:
    """Send an announcement's deliveries, throttled (messaging.services.announcements.deliver)."""
    deliver(announcement_id=announcement_id)
