from django.core.management.base import BaseCommand

from privacy.services.retention import purge


class Command(BaseCommand):
    help = (
        "Erase the personal data of events past their retention period (each event's "
        "'keep personal data for' days after its last day). Figures stay. Safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be erased; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        report = purge(dry_run=dry_run)
        verb = "Would erase" if dry_run else "Erased"
        if not report.events:
            self.stdout.write("Nothing to erase: no event past its retention period holds personal data.")
        for item in report.events:
            event = item.event
            self.stdout.write(
                f"{verb} in “{event.title}” (ended {event.end_date:%d/%m/%Y}, kept until "
                f"{event.personal_data_until:%d/%m/%Y}): {item.registrations} registrations, "
                f"{item.checkin_devices} check-in device names, {item.applications} rejected "
                f"exhibitor applications' contacts, {item.spreadsheets} stock spreadsheets"
            )
        if not dry_run and report.links:
            self.stdout.write(f"Deleted {report.links} expired links to visitors' data.")
        if dry_run and report.events:
            self.stdout.write(
                self.style.WARNING("Dry run: nothing was changed. Run without --dry-run to erase.")
            )
