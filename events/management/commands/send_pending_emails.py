import datetime as dt

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from events.models import Registration
from events.tasks import MAX_EMAIL_ATTEMPTS, send_registration_email


def waiting_jobs() -> int:
    """Jobs waiting in the email task's queue (Redis); the other backends lose no jobs."""
    backend = send_registration_email.get_backend()
    if not type(backend).__module__.startswith("django_tasks_rq"):
        return 0
    import django_rq

    return sum(django_rq.get_queue(name).count for name in backend.queues)


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
        # Failed sends, and emails that could not even be queued (attempts still 0, error set).
        lost = Q(email_attempts__gt=0) | ~Q(email_error="")
        # And emails queued but never tried: a queue that lost its jobs (Redis restarted without
        # persistence, or flushed) leaves attempts at 0 and no error, which nothing else notices
        # (found by `make rehearsal`). Only once the queue has caught up: while jobs still wait,
        # these may be among them, and queuing a backlog again every run would only grow it.
        if waiting_jobs() == 0:
            cutoff = timezone.now() - dt.timedelta(seconds=older_than)
            lost |= Q(email_attempts=0, created_at__lt=cutoff)
        pending = Registration.objects.active().filter(
            lost, email_sent_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS
        )
        count = 0
        for registration_id in pending.values_list("pk", flat=True).iterator():
            send_registration_email.enqueue(registration_id)
            count += 1
        self.stdout.write(f"{count} email(s) queued again.")
