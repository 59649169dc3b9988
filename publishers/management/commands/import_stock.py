from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from bookday.progress import Progress
from events.models import EventPage
from publishers.models import Exhibitor, Publisher
from publishers.services.importing import ImportRefused, import_file, reason_text


class Command(BaseCommand):
    help = (
        "Import an exhibitor's stock from an XLSX or CSV file, with no row limit: the same checks "
        "and report as the publisher portal, every good row in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx, .xls, .ods or .csv file")
        parser.add_argument("--publisher", required=True, help="the publisher's slug")
        parser.add_argument("--event", required=True, help="the event's id or slug")
        parser.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, help="language of the report: vi or en"
        )

    def handle(self, *args, file, publisher, event, dry_run, language, **options):
        translation.activate(language)
        exhibitor = self._exhibitor(publisher, event)
        bars = {}

        def progress(phase, done, total):
            bar = bars.get(phase)
            if bar is None:
                label = _("Reading") if phase == "read" else _("Writing")
                bar = bars[phase] = Progress(total, label=label, stream=self.stdout)
            bar.total = max(total, done)
            bar.advance(done - bar.done)

        try:
            report = import_file(exhibitor=exhibitor, path_or_file=file, progress=progress, dry_run=dry_run)
        except FileNotFoundError as error:
            raise CommandError(_("No such file: %(file)s") % {"file": file}) from error
        except ImportRefused as refusal:
            self._finish(bars)
            raise CommandError(f"{file}: {refusal.message}") from refusal
        self._finish(bars)
        self._print(report, exhibitor, dry_run)

    def _finish(self, bars):
        for bar in bars.values():
            bar.finish()

    def _print(self, report, exhibitor, dry_run):
        counts = report["counts"]
        out = self.stdout
        out.write(f"{exhibitor.publisher.name} — {exhibitor.event.title}")
        if report["ignored_columns"]:
            out.write(_("Ignored columns: %(columns)s") % {"columns": ", ".join(report["ignored_columns"])})
        for row in report["rows"]:
            if row["action"] == "refused":
                label = row["isbn"] or row["sku"] or row["title"]
                # Every error of the row, as the portal's preview lists them.
                reason = "; ".join(reason_text(e["code"], e["params"]) for e in row.get("errors") or [row])
                line = _("row %(row)s: %(book)s: %(reason)s") % {
                    "row": row["row"],
                    "book": label,
                    "reason": reason,
                }
                out.write(self.style.WARNING(f"  {line}"))
        summary = (
            _(
                "%(rows)s rows: %(create)s new, %(update)s updated, %(unchanged)s unchanged, "
                "%(refused)s refused."
            )
            % counts
        )
        if counts["refused"] == counts["rows"]:
            raise CommandError(
                _("%(summary)s Every row was refused: nothing was written.") % {"summary": summary}
            )
        if dry_run:
            out.write(
                self.style.NOTICE(_("%(summary)s Dry run: nothing was written.") % {"summary": summary})
            )
        else:
            out.write(self.style.SUCCESS(summary))

    @staticmethod
    def _exhibitor(publisher_slug: str, event_ref: str) -> Exhibitor:
        publisher = Publisher.objects.filter(slug=publisher_slug).first()
        if publisher is None:
            raise CommandError(_("No publisher with slug “%(slug)s”.") % {"slug": publisher_slug})
        events = EventPage.objects.all()
        event = (
            events.filter(pk=int(event_ref)).first()
            if event_ref.isdigit()
            else events.filter(slug=event_ref).first()
        )
        if event is None:
            raise CommandError(_("No event with id or slug “%(event)s”.") % {"event": event_ref})
        exhibitor = (
            Exhibitor.objects.select_related("publisher", "event")
            .filter(event=event, publisher=publisher)
            .first()
        )
        if exhibitor is None:
            raise CommandError(
                _("%(publisher)s is not an exhibitor at %(event)s: approve its application first.")
                % {"publisher": publisher.name, "event": event.title}
            )
        return exhibitor
