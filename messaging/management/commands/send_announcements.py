from django.core.management.base import BaseCommand

from messaging.enums import AnnouncementStatus
from messaging.models import Announcement
from messaging.services.announcements import deliver


class Command(BaseCommand):
    help = (
        "Send what is left of announcements being sent (a worker stopped, failed recipients to "
        "try again). Safe to run while a worker sends: each recipient is claimed before sending."
    )

    def handle(self, *args, **options):
        sending = Announcement.objects.filter(status=AnnouncementStatus.SENDING).values_list("pk", flat=True)
        for announcement_id in sending:
            counts = deliver(announcement_id=announcement_id)
            self.stdout.write(
                f"Announcement {announcement_id}: {counts['sent']} sent, {counts['failed']} failed, "
                f"{counts['skipped']} skipped."
            )
        if not sending:
            self.stdout.write("No announcement is being sent.")
