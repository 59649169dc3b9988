from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from events.models import EventPage
from events.services.calendar import event_calendar as render_event_calendar


def event_calendar(request, pk: int):
    """The event's days as an .ics file, for phone and desktop calendars."""
    event = get_object_or_404(EventPage.objects.live().public(), pk=pk)
    response = HttpResponse(render_event_calendar(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response
