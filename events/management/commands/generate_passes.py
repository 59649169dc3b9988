import os
from concurrent.futures import ProcessPoolExecutor

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from bookday.progress import Progress
from events.enums import RegistrationStatus
from events.models import EventPage, Pass


def _render(pass_ids: list[int]) -> int:
    """In a worker process: render (or reuse) the PDF of each pass."""
    from events.services.passes import pass_pdf

    for entry_pass in Pass.objects.select_related("registration__event", "registration__day").filter(
        pk__in=pass_ids
    ):
        pass_pdf(entry_pass)
    return len(pass_ids)


class Command(BaseCommand):
    help = "Render every missing or outdated PDF pass of an event, in parallel."

    def add_arguments(self, parser):
        parser.add_argument("event", help="event id or slug")
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
        parser.add_argument("--all", action="store_true", help="render again even when up to date")

    def handle(self, *args, event, jobs, all, **options):
        page = self._event(event)
        passes = Pass.objects.filter(
            registration__event=page,
            registration__status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING],
        ).order_by("pk")
        if all:
            passes.update(pdf_fingerprint="")
        ids = list(passes.values_list("pk", flat=True))
        if not ids:
            self.stdout.write("No passes to render.")
            return
        chunks = [ids[i : i + 25] for i in range(0, len(ids), 25)]
        progress = Progress(len(ids), label=page.title[:40], stream=self.stdout)
        if jobs > 1:
            connections.close_all()  # forked workers must open their own connections
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                for done in pool.map(_render, chunks):
                    progress.advance(done)
        else:
            for chunk in chunks:
                progress.advance(_render(chunk))
        seconds = progress.finish()
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(ids)} passes ready in {seconds:.1f} s ({len(ids) / seconds:.1f}/s, {jobs} processes)."
            )
        )

    @staticmethod
    def _event(value: str) -> EventPage:
        events = EventPage.objects.all()
        found = events.filter(pk=int(value)).first() if value.isdigit() else events.filter(slug=value).first()
        if found is None:
            raise CommandError(f"No event with id or slug {value!r}.")
        return found
