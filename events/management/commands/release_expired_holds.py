from django.core.management.base import BaseCommand

from events.services.registration import release_expired_holds


class Command(BaseCommand):
    help = (
        "Release the places of group registrations whose email was not confirmed in time and give "
        "them to the waiting lists (run from cron every few minutes, like send_pending_emails)."
    )

    def handle(self, *args, **options):
        released = release_expired_holds()
        self.stdout.write(f"{released} hold(s) released.")
