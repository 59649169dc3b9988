"""The admin home's panels for organisers, about the current event. Read only.

First today's capacity, the waiting lists and the exhibitor applications that wait for a
decision; then today's figures (the whole event's when it is not running).
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from events.enums import RegistrationStatus
from events.models import EventPage
from figures import stats
from figures.report import charts
from publishers.enums import ApplicationStatus
from publishers.models import ExhibitorApplication


def current_event(today: dt.date | None = None) -> EventPage | None:
    """The event running today, else the next one, else the most recent one."""
    today = today or timezone.localdate()
    events = EventPage.objects.live()
    return (
        events.filter(start_date__lte=today, end_date__gte=today).order_by("start_date").first()
        or events.filter(start_date__gt=today).order_by("start_date").first()
        or events.filter(end_date__lt=today).order_by("-end_date").first()
    )


class BookDayPanel(Component):
    name = "book_day"
    template_name = "figures/admin/book_day_panel.html"
    order = 10  # before Wagtail's own panels and the figures panel

    def __init__(self, event: EventPage):
        self.event = event

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        days = self.event.event_days.with_places().order_by("date")
        capacity = self.event.daily_capacity
        # Every day of the fair, also one nobody has registered for yet (it has no EventDay row).
        counted = {day.date: (day.places_taken, day.waiting_count) for day in days}
        rows = []
        for date in self.event.days:
            used, waiting_count = counted.get(date, (0, 0))
            rows.append(
                {
                    "date": date,
                    "is_today": date == today,
                    "used": used,
                    "capacity": capacity,
                    "percent": min(round(100 * used / capacity), 100) if capacity else 0,
                    "waiting": waiting_count,
                }
            )
        pending = ExhibitorApplication.objects.filter(
            event=self.event, status=ApplicationStatus.SUBMITTED
        ).count()
        return {
            "event": self.event,
            "days": rows,
            "today": today,
            "waiting_total": sum(row["waiting"] for row in rows),
            "pending_applications": pending,
            "registrations_url": reverse("registrations:index"),
            "waiting_url": reverse("registrations:index") + f"?status={RegistrationStatus.WAITING}",
            "applications_url": reverse("exhibitor_applications:index")
            + f"?status={ApplicationStatus.SUBMITTED}",
        }


class FiguresPanel(Component):
    """Admin home: today's figures of the current event (the whole event when not running)."""

    name = "event_figures"
    template_name = "figures/admin/figures_panel.html"
    order = 50

    def __init__(self, event: EventPage):
        self.event = event

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        running = self.event.timing == "now"
        figures = stats.cached_figures(self.event, day=today if running else None)
        return {
            "event": self.event,
            "figures": figures,
            "running": running,
            "today": today,
            "chart": charts(figures)[0] if running else None,
            "report_url": reverse("event_reports:report", args=[self.event.pk]),
        }
