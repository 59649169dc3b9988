from django.core.management.base import BaseCommand
from django.utils import timezone

from messaging.services.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Email tomorrow's visitors their reminder (pass, programme, opening hours), each once; "
        "run daily (or hourly: failed ones are tried again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say who would get one; send nothing.")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue the work for the task worker instead of doing it here.",
        )

    def handle(self, *args, dry_run=False, queue=False, **options):
        if queue and not dry_run:
            from messaging.tasks import send_reminders_task

            send_reminders_task.enqueue()
            self.stdout.write("Reminders queued for the task worker.")
            return
        run = send_reminders(now=timezone.now(), dry_run=dry_run)
        day = f"{run.visit_date:%d/%m/%Y}"
        if dry_run:
            self.stdout.write(f"Would remind {run.due} registration(s) visiting on {day}. Nothing was sent.")
            return
        self.stdout.write(f"Reminders for {day}: {run.sent} sent, {run.failed} failed, {run.due} were due.")
