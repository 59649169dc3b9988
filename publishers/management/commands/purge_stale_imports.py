from django.core.management.base import BaseCommand

from publishers.services.import_queue import purge_stale_imports


class Command(BaseCommand):
    help = (
        "Give up stock imports stuck while being read, expire previews never confirmed and delete "
        "stored spreadsheets older than STOCK_IMPORT_KEEP_HOURS (run from cron hourly; the task "
        "worker also runs it after each upload)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be done; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        purged = purge_stale_imports(dry_run=dry_run)
        prefix = "Would be: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{purged.interrupted} interrupted import(s) failed, "
            f"{purged.expired} preview(s) expired, {purged.files} file(s) deleted."
        )
