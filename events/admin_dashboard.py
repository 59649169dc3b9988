"""The admin home's first panel for organisers: today's capacity, the waiting lists and the
exhibitor applications that wait for a decision. Read only."""

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from events.enums import RegistrationStatus
from events.models import EventPage


class BookDayPanel(Component):
    name = "book_day"
    template_name = "events/admin/book_day_panel.html"
    order = 10  # before Wagtail's own panels and the figures panel

    def __init__(self, event: EventPage):
        self.event = event

    def get_context_data(self, parent_context=None):
        from publishers.enums import ApplicationStatus
        from publishers.models import ExhibitorApplication

        today = timezone.localdate()
        confirmed = Q(registrations__status=RegistrationStatus.CONFIRMED)
        waiting = Q(registrations__status=RegistrationStatus.WAITING)
        days = self.event.event_days.annotate(
            used=Sum("registrations__party_size", filter=confirmed, default=0),
            waiting=Count("registrations", filter=waiting),
        ).order_by("date")
        capacity = self.event.daily_capacity
        # Every day of the fair, also one nobody has registered for yet (it has no EventDay row).
        counted = {day.date: (day.used, day.waiting) for day in days}
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
