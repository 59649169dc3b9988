from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.models import EventPage
from figures.report import report_pdf


class Command(BaseCommand):
    help = "Write an event's report (headline, tables and charts) as a PDF."

    def add_arguments(self, parser):
        parser.add_argument("event", help="event id or slug")
        parser.add_argument("out", help="where to write the PDF, e.g. bao-cao.pdf")
        parser.add_argument("--language", default="vi", choices=["vi", "en"], help="default: vi")

    def handle(self, *args, event, out, language, **options):
        page = self._event(event)
        data = report_pdf(page, language=language)
        Path(out).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"{out}: {len(data) / 1024:.0f} KiB, report of “{page.title}”."))

    @staticmethod
    def _event(value: str) -> EventPage:
        events = EventPage.objects.all()
        found = events.filter(pk=int(value)).first() if value.isdigit() else events.filter(slug=value).first()
        if found is None:
            raise CommandError(f"No event with id or slug {value!r}.")
        return found
