import datetime as dt

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from events.models import Registration
from events.tasks import MAX_EMAIL_ATTEMPTS, send_registration_email


class Command(BaseCommand):
    help = "Queue again the confirmation emails that failed or were lost (run from cron every few minutes)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=600,
            help="seconds after which an email never tried counts as lost (default 600)",
        )

    def handle(self, *args, older_than, **options):
        cutoff = timezone.now() - dt.timedelta(seconds=older_than)
        # Failed sends; emails that could not even be queued (attempts still 0, error set); and
        # emails queued but never tried: a queue that lost its jobs (Redis restarted without
        # persistence, or flushed) leaves attempts at 0 and no error, which nothing else notices
        # (found by `make rehearsal`). Queuing one twice is harmless: the email task sends once.
        pending = Registration.objects.active().filter(
            Q(email_attempts__gt=0) | ~Q(email_error="") | Q(email_attempts=0, created_at__lt=cutoff),
            email_sent_at__isnull=True,
            email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        )
        count = 0
        for registration_id in pending.values_list("pk", flat=True).iterator():
            send_registration_email.enqueue(registration_id)
            count += 1
        self.stdout.write(f"{count} email(s) queued again.")
