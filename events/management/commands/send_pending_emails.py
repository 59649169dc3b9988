from django.core.management.base import BaseCommand
from django.db.models import Q

from events.models import Registration
from events.tasks import MAX_EMAIL_ATTEMPTS, send_registration_email


class Command(BaseCommand):
    help = "Queue again the confirmation emails that failed (run from cron every few minutes)."

    def handle(self, *args, **options):
        # Failed sends, and emails that could not even be queued (attempts still 0, error set).
        pending = Registration.objects.active().filter(
            Q(email_attempts__gt=0) | ~Q(email_error=""),
            email_sent_at__isnull=True,
            email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        )
        count = 0
        for registration_id in pending.values_list("pk", flat=True).iterator():
            send_registration_email.enqueue(registration_id)
            count += 1
        self.stdout.write(f"{count} email(s) queued again.")
