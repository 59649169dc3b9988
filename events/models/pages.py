"""Event pages: they present an event and its programme; they never write registrations."""

import base64
import datetime as dt
import json
from decimal import Decimal
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from bookday.blocks import BodyBlock
from bookday.pages import BasePage
from events.enums import ProgrammeKind, RegistrationWindow
from events.forms import EventPageForm


class EventPageQuerySet(PageQuerySet):
    def upcoming(self, today: dt.date | None = None):
        """Events that have not ended yet (running today counts as upcoming)."""
        return self.filter(end_date__gte=today or timezone.localdate())

    def past(self, today: dt.date | None = None):
        return self.filter(end_date__lt=today or timezone.localdate())

    def past_retention(self, today: dt.date | None = None) -> list:
        """Events whose personal data are due for erasure (past their last day plus retention).

        A list: each event has its own period, and a province runs a handful of events a year.
        """
        today = today or timezone.localdate()
        return [event for event in self.past(today) if event.personal_data_until < today]


class EventIndexPage(BasePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.EventPage"]

    class Meta:
        verbose_name = _("event index")
        verbose_name_plural = _("event indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        events = EventPage.objects.child_of(self).live().select_related("hero_image")
        context["upcoming"] = events.upcoming().order_by("start_date")
        past = events.past().order_by("-start_date")
        context["past"] = Paginator(past, 12).get_page(request.GET.get("page"))
        return context


class EventPage(BasePage):
    intro = models.TextField(_("introduction"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    opening_time = models.TimeField(_("opens at"), default=dt.time(8, 0))
    closing_time = models.TimeField(_("closes at"), default=dt.time(17, 30))
    venue_name = models.CharField(_("venue"), max_length=200)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: open now.")
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes"),
        null=True,
        blank=True,
        help_text=_("Empty: open until the fair closes on its last day."),
    )
    daily_capacity = models.PositiveIntegerField(
        _("visitors per day"),
        default=2000,
        validators=[MinValueValidator(1)],
        help_text=_("How many people may register for each day, counting every member of a group."),
    )
    max_party_size = models.PositiveSmallIntegerField(
        _("largest group"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("The most people one registration may bring, e.g. a school class."),
    )
    organisation_required_above = models.PositiveSmallIntegerField(
        _("organisation required above"),
        default=5,
        help_text=_("Groups larger than this must name their school or organisation."),
    )
    confirm_groups_above = models.PositiveSmallIntegerField(
        _("email confirmation above"),
        default=10,
        help_text=_(
            "Groups larger than this get their places only after they follow the link emailed to "
            "them; until then the places are held for them. 0: every registration. Set it to the "
            "largest group to turn this off."
        ),
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("places held for (minutes)"),
        default=120,
        validators=[MinValueValidator(10), MaxValueValidator(24 * 60)],
        help_text=_(
            "How long a group's places wait for its email confirmation before they go back to "
            "everyone (and to the waiting list)."
        ),
    )
    enforce_opening_hours = models.BooleanField(
        _("admit only during opening hours"),
        default=False,
        help_text=_("Gate scanners refuse passes outside the opening hours."),
    )
    allow_reentry = models.BooleanField(
        _("allow re-entry on the same day"),
        default=False,
        help_text=_(
            "Visitors whose pass was already used today may go out and come back in; a re-entry "
            "is counted as such, not as a new visit."
        ),
    )
    # What a visitor needs to get there and in, written by the organisers for this event.
    walk_in_policy = models.TextField(
        _("walk-in policy"),
        blank=True,
        help_text=_(
            "Shown on waiting-list passes and when a day is full, e.g. "
            '"Walk-ins are admitted while there is room."'
        ),
    )
    gates_info = models.TextField(_("gates"), blank=True, help_text=_("Which gates open, and for whom."))
    parking_info = models.TextField(
        _("parking"), blank=True, help_text=_("Where to park cars and motorbikes.")
    )
    transport_info = models.TextField(
        _("buses and public transport"), blank=True, help_text=_("Bus lines and stops near the venue.")
    )
    retention_days = models.PositiveSmallIntegerField(
        _("keep personal data for (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_(
            "Visitors' names, emails and phone numbers are erased this many days after the last day "
            "of the event (purge_personal_data); every figure stays."
        ),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    objects = PageManager.from_queryset(EventPageQuerySet)()
    base_form_class = EventPageForm

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldRowPanel([FieldPanel("opening_time"), FieldPanel("closing_time")]),
                FieldPanel("enforce_opening_hours"),
                FieldPanel("allow_reentry"),
            ],
            heading=_("Dates and opening hours"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("organiser"),
            ],
            heading=_("Venue"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("gates_info"),
                FieldPanel("parking_info"),
                FieldPanel("transport_info"),
                FieldPanel("walk_in_policy"),
            ],
            heading=_("Getting there and getting in"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]),
                FieldPanel("daily_capacity"),
                FieldRowPanel([FieldPanel("max_party_size"), FieldPanel("organisation_required_above")]),
                FieldRowPanel([FieldPanel("confirm_groups_above"), FieldPanel("hold_minutes")]),
                FieldPanel("retention_days"),
            ],
            heading=_("Registration"),
        ),
        InlinePanel("programme", heading=_("Programme"), label=_("Programme item")),
        InlinePanel(
            "questions",
            heading=_("Registration questions"),
            label=_("Question"),
            help_text=_(
                "Extra questions on the registration form. Ask only what the event's report needs: "
                "each answer is personal data, listed with its purpose in the privacy notice."
            ),
        ),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("venue_name"),
        index.FilterField("start_date"),
        index.FilterField("end_date"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        if self.opening_time and self.closing_time and self.closing_time <= self.opening_time:
            errors["closing_time"] = _("Closing time must be after opening time.")
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Give both latitude and longitude, or neither.")
        if errors:
            raise ValidationError(errors)

    # --- read helpers -------------------------------------------------------------------
    def needs_email_confirmation(self, party_size: int) -> bool:
        """Whether a registration of this many people holds its places until its email is confirmed."""
        return party_size > self.confirm_groups_above

    @property
    def days(self) -> list[dt.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + dt.timedelta(days=n) for n in range(max(count, 0))]

    def opens_on(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, self.opening_time))

    def closes_on(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, self.closing_time))

    @property
    def personal_data_until(self) -> dt.date:
        """The last day the visitors' personal data are kept; erased from the day after."""
        return self.end_date + dt.timedelta(days=self.retention_days)

    @property
    def registration_closes(self) -> dt.datetime:
        return self.registration_closes_at or self.closes_on(self.end_date)

    def registration_window(self, now: dt.datetime | None = None) -> str:
        now = now or timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return RegistrationWindow.NOT_YET
        if now >= self.registration_closes:
            return RegistrationWindow.CLOSED
        return RegistrationWindow.OPEN

    @property
    def registration_open(self) -> bool:
        return self.registration_window() == RegistrationWindow.OPEN

    @property
    def timing(self) -> str:
        """ "past", "now" or "upcoming", by today's date in the fair's time zone."""
        today = timezone.localdate()
        if self.end_date < today:
            return "past"
        return "now" if self.start_date <= today else "upcoming"

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def map_url(self) -> str:
        """A link to a public map; the site itself loads no map tiles."""
        if self.has_coordinates:
            lat, lon = self.latitude, self.longitude
            return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"
        if self.venue_address:
            return f"https://www.openstreetmap.org/search?query={quote(self.venue_address)}"
        return ""

    @property
    def directions_url(self) -> str:
        """Google Maps directions to the venue from wherever the phone is."""
        if self.has_coordinates:
            destination = f"{self.latitude},{self.longitude}"
        elif self.venue_address:
            destination = f"{self.venue_name}, {self.venue_address}"
        else:
            return ""
        return "https://www.google.com/maps/dir/?api=1&destination=" + quote(destination)

    @property
    def share_links(self) -> dict[str, str]:
        """Plain links to share the event (no third-party script loads on our pages)."""
        url = self.absolute_url
        zalo = base64.b64encode(json.dumps({"url": url}).encode()).decode()
        return {
            "facebook": "https://www.facebook.com/sharer/sharer.php?u=" + quote(url, safe=""),
            "zalo": "https://button-share.zalo.me/share_external?d=" + quote(zalo, safe=""),
        }

    @property
    def google_calendar_url(self) -> str:
        from events.services.calendar import google_calendar_url

        return google_calendar_url(self)

    @property
    def practical_information(self) -> list[tuple[str, str]]:
        """(heading, text) of the organisers' notes on getting there, in the order people need them."""
        notes = [
            (_("Gates"), self.gates_info),
            (_("Parking"), self.parking_info),
            (_("Buses"), self.transport_info),
            (_("Without registration"), self.walk_in_policy),
        ]
        return [(heading, text) for heading, text in notes if text.strip()]

    @property
    def geo_uri(self) -> str:
        """geo: link that opens the phone's own map app."""
        if not self.has_coordinates:
            return ""
        return f"geo:{self.latitude},{self.longitude}"

    def places_left_by_day(self) -> dict[dt.date, int]:
        """Places not yet taken (confirmed or held for a group), per day, from one aggregate query."""
        from events.models.registration import Registration

        taken = dict(
            Registration.objects.holding_places()
            .filter(event=self)
            .values_list("day__date")
            .annotate(people=models.Sum("party_size"))
            .values_list("day__date", "people")
        )
        return {day: self.daily_capacity - taken.get(day, 0) for day in self.days}

    def questions_for(self, *, party_size: int, organisation: str) -> list:
        """The event's own questions that a registration of this party is asked, in order."""
        return [
            q for q in self.questions.all() if q.asked_of(party_size=party_size, organisation=organisation)
        ]

    def session_places_left(self) -> dict[int, int]:
        """Places left at each session with places (programme item id -> places), from one
        aggregate query; open sessions are not listed."""
        from events.enums import SessionBookingStatus

        booked = models.Q(bookings__status=SessionBookingStatus.BOOKED)
        sessions = (
            ProgrammeItem.objects.filter(page=self, places__isnull=False)
            .annotate(taken=models.Sum("bookings__people", filter=booked, default=0))
            .values_list("pk", "places", "taken")
        )
        return {pk: max(places - taken, 0) for pk, places, taken in sessions}

    def programme_items(self) -> list:
        """Every programme item in time order, each with ``places_left`` (None for open sessions)."""
        if not hasattr(self, "_programme_items"):
            items = sorted(self.programme.all(), key=lambda i: (i.date, i.start_time))
            left = self.session_places_left() if any(i.places is not None for i in items) else {}
            for item in items:
                item.places_left = left.get(item.pk)
            self._programme_items = items
        return self._programme_items

    def programme_by_day(self):
        """[(day, [items])] in time order, for the programme section."""
        items = self.programme_items()
        return [
            (day, [i for i in items if i.date == day])
            for day in self.days
            if any(i.date == day for i in items)
        ]

    def programme_filtered(self, day: dt.date | None = None, kind: str = ""):
        """programme_by_day() narrowed to one day and/or one kind of item."""
        days = []
        for date, items in self.programme_by_day():
            if day and date != day:
                continue
            items = [item for item in items if not kind or item.kind == kind]
            if items:
                days.append((date, items))
        return days

    def now_and_next(self, now: dt.datetime | None = None, upcoming: int = 3):
        """(on now, coming next) among today's programme items, for the "today" view.

        An item without an end time counts as on for an hour after it starts.
        """
        now = now or timezone.now()
        today = timezone.localtime(now).date()
        items = [i for i in self.programme_items() if i.date == today]
        on_now = [i for i in items if i.starts_at <= now < (i.ends_at or i.starts_at + dt.timedelta(hours=1))]
        coming = [i for i in items if i.starts_at > now][:upcoming]
        return on_now, coming

    def _filters(self, request) -> tuple[dt.date | None, str]:
        """The programme filters in the query string, ignored when they are not this event's."""
        try:
            day = dt.date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            day = None
        kind = request.GET.get("kind", "")
        return (day if day in self.days else None), (kind if kind in ProgrammeKind.values else "")

    def share_description(self) -> str:
        """Dates and venue first: what someone deciding from a chat preview wants to know."""
        if self.start_date == self.end_date:
            dates = f"{self.start_date:%d/%m/%Y}"
        else:
            dates = f"{self.start_date:%d/%m}–{self.end_date:%d/%m/%Y}"
        text = f"{dates} · {self.venue_name}"
        return (
            f"{text}. {self.search_description or self.intro}".strip().rstrip(".")
            if (self.search_description or self.intro)
            else text
        )

    def structured_data(self, request=None) -> dict:
        """schema.org Event for search engines (JSON-LD)."""
        url = self.absolute_url
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": self.title,
            "description": self.intro or self.search_description or self.title,
            "startDate": self.opens_on(self.start_date).isoformat(),
            "endDate": self.closes_on(self.end_date).isoformat(),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "isAccessibleForFree": True,
            "inLanguage": "vi",
            "url": url,
            "location": {
                "@type": "Place",
                "name": self.venue_name,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": self.venue_address,
                    "addressCountry": "VN",
                },
            },
            "offers": {
                "@type": "Offer",
                "price": "0",
                "priceCurrency": "VND",
                "url": url,
                "availability": "https://schema.org/InStock",
            },
        }
        if self.has_coordinates:
            data["location"]["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(self.latitude),
                "longitude": float(self.longitude),
            }
        if self.organiser:
            data["organizer"] = {"@type": "Organization", "name": self.organiser}
        if self.registration_opens_at:
            data["offers"]["validFrom"] = self.registration_opens_at.isoformat()
        if self.hero_image_id:
            rendition = self.hero_image.get_rendition("fill-1200x630")
            data["image"] = [rendition.full_url]
        sub_events = [
            {
                "@type": "Event",
                "name": item.title,
                "startDate": item.starts_at.isoformat(),
                "location": {"@type": "Place", "name": item.place or self.venue_name},
                **({"performer": {"@type": "Person", "name": item.speakers}} if item.speakers else {}),
            }
            for item in self.programme.all()
        ]
        if sub_events:
            data["subEvent"] = sub_events
        return data

    def get_context(self, request, *args, **kwargs):
        from figures.counters import counters  # figures read events: imported here, not above

        context = super().get_context(request, *args, **kwargs)
        context["registration_window"] = self.registration_window()
        context["structured_data"] = self.structured_data(request)
        context["counters"] = counters(self)
        context["page_description"] = self.share_description()
        day, kind = self._filters(request)
        context["programme_day"], context["programme_kind"] = day, kind
        context["programme_days"] = self.programme_filtered(day, kind)
        context["programme_kinds"] = ProgrammeKind.choices
        if self.timing == "now":
            context["on_now"], context["coming_next"] = self.now_and_next()
        return context

    @property
    def calendar_url(self) -> str:
        return reverse("event_calendar", args=[self.pk])


class ProgrammeItem(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="programme")
    kind = models.CharField(
        _("kind"), max_length=20, choices=ProgrammeKind.choices, default=ProgrammeKind.TALK
    )
    title = models.CharField(_("title"), max_length=255)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("Hall, stage or booth."))
    speakers = models.CharField(_("speakers"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Sessions with places (signings, workshops): booked from the pass page, never oversold.
    places = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("How many people may book a place. Empty: an open session, no booking."),
    )
    allow_walk_ins = models.BooleanField(
        _("walk-ins while places are free"),
        default=False,
        help_text=_("At the session's door, visitors without a booking are let in while places are free."),
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time")]),
        FieldPanel("place"),
        FieldPanel("speakers"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("places"), FieldPanel("allow_walk_ins")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("programme item")
        verbose_name_plural = _("programme")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("The end must be after the start.")
        if self.places is not None and self.places < 0:
            errors["places"] = _("The number of places cannot be negative.")
        if errors:
            raise ValidationError(errors)

    @property
    def bookable(self) -> bool:
        """Whether visitors book places for this session (an open talk has no places)."""
        return self.places is not None

    @property
    def open_for_booking(self) -> bool:
        """Places can still be booked (the service decides; this only says whether to offer it)."""
        return self.places is not None and timezone.now() < self.starts_at

    @property
    def is_signing(self) -> bool:
        return self.kind == ProgrammeKind.SIGNING

    @property
    def ends_or_assumed(self) -> dt.datetime:
        """The end, or an hour after the start when none is given (as now_and_next counts it)."""
        return self.ends_at or self.starts_at + dt.timedelta(hours=1)

    @property
    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> dt.datetime | None:
        if not self.end_time:
            return None
        return timezone.make_aware(dt.datetime.combine(self.date, self.end_time))
