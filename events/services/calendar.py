"""iCalendar (RFC 5545) files for events, built by hand: the format is small and fixed."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils import timezone

PRODID = "-//Bookday//Book Day//VI"


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    geo: tuple[float, float] | None = None


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        limit = 75 if not out else 74  # continuation lines start with a space
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def render_calendar(entries: list[CalendarEntry], name: str = "") -> str:
    stamp = _utc(timezone.now())
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{_escape(name)}")
    for entry in entries:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{entry.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(entry.start)}",
            f"DTEND:{_utc(entry.end)}",
            f"SUMMARY:{_escape(entry.summary)}",
        ]
        if entry.location:
            lines.append(f"LOCATION:{_escape(entry.location)}")
        if entry.geo:
            lines.append(f"GEO:{entry.geo[0]:.6f};{entry.geo[1]:.6f}")
        if entry.description:
            lines.append(f"DESCRIPTION:{_escape(entry.description)}")
        if entry.url:
            lines.append(f"URL:{entry.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def event_calendar(event) -> str:
    """One entry per day of the event, from opening to closing time."""
    host = urlsplit(settings.BASE_URL).hostname or "bookday"
    location = ", ".join(part for part in (event.venue_name, event.venue_address) if part)
    geo = (float(event.latitude), float(event.longitude)) if event.has_coordinates else None
    url = event.absolute_url
    entries = [
        CalendarEntry(
            uid=f"event-{event.pk}-{day:%Y%m%d}@{host}",
            start=event.opens_on(day),
            end=event.closes_on(day),
            summary=event.title,
            location=location,
            description=event.intro,
            url=url,
            geo=geo,
        )
        for day in event.days
    ]
    return render_calendar(entries, name=event.title)


def pass_calendar(entry_pass) -> str:
    """The visit day of one pass, with a link back to it."""
    registration = entry_pass.registration
    event = registration.event
    host = urlsplit(settings.BASE_URL).hostname or "bookday"
    day = registration.day.date
    location = ", ".join(part for part in (event.venue_name, event.venue_address) if part)
    entry = CalendarEntry(
        uid=f"pass-{entry_pass.code}@{host}",
        start=event.opens_on(day),
        end=event.closes_on(day),
        summary=event.title,
        location=location,
        description=entry_pass.url,
        url=entry_pass.url,
        geo=(float(event.latitude), float(event.longitude)) if event.has_coordinates else None,
    )
    return render_calendar([entry], name=event.title)


def google_calendar_url(event, day=None, *, details: str = "") -> str:
    """A link that opens Google Calendar with the visit filled in (no account data leaves us).

    One day (a pass's) or the whole fair, from opening on the first day to closing on the last.
    """
    start = event.opens_on(day or event.start_date)
    end = event.closes_on(day or event.end_date)
    location = ", ".join(part for part in (event.venue_name, event.venue_address) if part)
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}/{end.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
        "details": details or event.absolute_url,
        "location": location,
        "ctz": settings.TIME_ZONE,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)
