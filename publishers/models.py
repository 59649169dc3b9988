"""Publishers and distributors, their exhibitor applications, titles and the stock they display.

Writes happen only in publishers.services; views, the API, the admin and commands call them.
"""

import datetime as dt
import re

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from bookday.text import fold, slugify_vi, vi_sort_key
from publishers.enums import ApplicationStatus, BoothSize, ImportStatus, Language, OrganisationType
from publishers.storage import private_storage


class Publisher(models.Model):
    """An organisation that exhibits: publishing house, distributor, bookshop, library..."""

    wagtail_reference_index_ignore = True

    name = models.CharField(_("organisation name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    # Normalised with stdnum.vn.mst.compact: 10 digits, or 13 for a branch (no dash).
    tax_code = models.CharField(_("tax code"), max_length=14, unique=True)
    contact_name = models.CharField(_("contact person"), max_length=120)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=16)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    logo = models.ImageField(_("logo"), upload_to="publishers/logos/", blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The name in Vietnamese alphabetical order (bookday.text.vi_sort_key), kept on every save.
    # (Nullable only so that SQLite adds the column without rebuilding the table, which its
    # catalogue triggers forbid; every row has a key.)
    sort_key = models.CharField(max_length=200, editable=False, null=True, db_index=True)

    class Meta:
        verbose_name = _("publisher")
        verbose_name_plural = _("publishers")
        ordering = ["sort_key", "pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.name)
        self.sort_key = vi_sort_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)


def unique_slug(name: str) -> str:
    base = slugify_vi(name, max_length=70) or "nxb"
    slug, n = base, 2
    while Publisher.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class PublisherUser(models.Model):
    """A login that belongs to one publisher: what the portal shows and lets it change."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="publisher_user",
    )
    publisher = models.ForeignKey(
        Publisher, verbose_name=_("publisher"), on_delete=models.CASCADE, related_name="members"
    )

    class Meta:
        verbose_name = _("publisher user")
        verbose_name_plural = _("publisher users")

    def __str__(self):
        return f"{self.user} — {self.publisher}"


class ApplicationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ApplicationStatus.SUBMITTED)

    def for_publisher(self, publisher: Publisher):
        return self.filter(publisher=publisher)


class ExhibitorApplication(models.Model):
    """A request to exhibit at one event, as the applicant typed it."""

    wagtail_reference_index_ignore = True

    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        related_name="exhibitor_applications",
    )
    # Set when the tax code matches a known publisher, or on approval.
    publisher = models.ForeignKey(
        Publisher,
        verbose_name=_("publisher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    organisation_name = models.CharField(_("organisation name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationType.choices)
    tax_code = models.CharField(_("tax code"), max_length=14)
    contact_name = models.CharField(_("contact person"), max_length=120)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=16)
    address = models.CharField(_("address"), max_length=300)
    website = models.URLField(_("website"), max_length=200, blank=True)
    logo = models.ImageField(_("logo"), upload_to="publishers/applications/", blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    booth_size = models.CharField(_("requested booth size"), max_length=12, choices=BoothSize.choices)
    # Free text: the applicant names a zone of the floor plan (floor.Zone) as the form suggests.
    preferred_zone = models.CharField(_("preferred zone"), max_length=80, blank=True, default="")
    expected_titles = models.PositiveIntegerField(_("expected number of titles"))
    expected_copies = models.PositiveIntegerField(_("expected number of copies"))
    consent_at = models.DateTimeField(_("consent given at"))
    language = models.CharField(_("language"), max_length=8, default="vi")
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    booths = models.CharField(
        _("booth numbers"), max_length=60, blank=True, help_text=_("For example: A12, A13")
    )
    rejection_reason = models.TextField(_("reason for rejection"), max_length=1000, blank=True)
    email_confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    # A submission waiting for its confirmation link to be followed: {"nonce", "data", "logo",
    # "confirm_to": [addresses], "at"}. Nothing of it is applied before then.
    pending = models.JSONField(default=dict, blank=True, editable=False)
    # Every confirmed change of the contact details: [{"at", "by", "changes": {field: [old, new]}}].
    contact_history = models.JSONField(
        _("changes of contact details"), default=list, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("exhibitor application")
        verbose_name_plural = _("exhibitor applications")
        ordering = ["-submitted_at"]
        constraints = [
            # Re-applying with the same tax code for the same event updates the application.
            models.UniqueConstraint(fields=["event", "tax_code"], name="unique_application_per_event"),
        ]

    def __str__(self):
        return f"{self.organisation_name} — {self.event.title}"


class ExhibitorQuerySet(models.QuerySet):
    def for_event(self, event):
        return self.filter(event=event)


class Exhibitor(models.Model):
    """An approved publisher at one event, with its booths. Exists only once approved."""

    wagtail_reference_index_ignore = True

    event = models.ForeignKey(
        "events.EventPage", verbose_name=_("event"), on_delete=models.PROTECT, related_name="exhibitors"
    )
    publisher = models.ForeignKey(
        Publisher, verbose_name=_("publisher"), on_delete=models.PROTECT, related_name="exhibitors"
    )
    application = models.OneToOneField(
        ExhibitorApplication,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exhibitor",
    )
    booths = models.CharField(_("booth numbers"), max_length=60, blank=True)
    # Booths in natural order (A2 before A10), those without a booth last; kept on every save.
    booth_key = models.CharField(max_length=200, editable=False, null=True)  # null: see Publisher
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    objects = ExhibitorQuerySet.as_manager()

    class Meta:
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")
        ordering = ["booth_key", "publisher__sort_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "publisher"], name="unique_exhibitor_per_event")
        ]

    def __str__(self):
        return f"{self.publisher.name} ({self.booths})" if self.booths else self.publisher.name

    def save(self, *args, **kwargs):
        self.booth_key = booth_key(self.booths)
        if kwargs.get("update_fields") is not None and "booths" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "booth_key"}
        super().save(*args, **kwargs)


def booth_key(booths: str) -> str:
    """Natural order of booth numbers; an exhibitor without a booth sorts after every booth."""
    return vi_sort_key(booths) if booths else "\uffff"


class Category(models.Model):
    """A shelf heading ("Văn học", "Thiếu nhi"); spreadsheets name it, matched by its slug."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify_vi(self.name, max_length=80)
        super().save(*args, **kwargs)


class TitleQuerySet(models.QuerySet):
    def for_publisher(self, publisher: Publisher):
        return self.filter(publisher=publisher)


class Title(models.Model):
    """A book in a publisher's list. Identified by ISBN-13 or, without one, the publisher's SKU."""

    wagtail_reference_index_ignore = True

    publisher = models.ForeignKey(
        Publisher, verbose_name=_("publisher"), on_delete=models.CASCADE, related_name="titles"
    )
    isbn = models.CharField(
        _("ISBN"), max_length=13, blank=True, help_text=_("Stored as ISBN-13 without hyphens.")
    )
    sku = models.CharField(_("publisher SKU"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=300)
    authors = models.CharField(_("authors"), max_length=300, blank=True)
    imprint = models.CharField(_("imprint"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("publication year"), null=True, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="titles",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.VIETNAMESE
    )
    list_price = models.PositiveIntegerField(_("list price (VND)"), null=True, blank=True)
    fair_price = models.PositiveIntegerField(_("fair price (VND)"), null=True, blank=True)
    discount_percent = models.PositiveSmallIntegerField(_("fair discount (%)"), null=True, blank=True)
    cover = models.ImageField(_("cover"), upload_to="publishers/covers/", blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    # Lower-case ASCII words of title, authors, imprint, ISBN and SKU, separated by single spaces
    # (no punctuation), kept by save(): what catalogue search matches against, so "van hoc"
    # finds "Văn học" on SQLite and PostgreSQL alike. Copied to every listing of the title by a
    # database trigger (migration publishers/0004).
    search_text = models.TextField(editable=False, default="")
    # The title's place in Vietnamese alphabetical order (bookday.text.vi_sort_key), and the folded
    # words of the title and of the authors alone, which rank a catalogue match ("a word of the
    # title" before "a word of the authors"). Kept by save() like search_text; copied to the
    # listings by the same triggers (publishers/0005).
    sort_key = models.TextField(editable=False, default="")
    title_words = models.TextField(editable=False, default="")
    author_words = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TitleQuerySet.as_manager()

    # Computed from the other fields: writers that skip save() (bulk_create, bulk_update) call
    # fill_search_fields() and write these.
    SEARCH_FIELDS = ("search_text", "sort_key", "title_words", "author_words")

    class Meta:
        verbose_name = _("title")
        verbose_name_plural = _("titles")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["publisher", "isbn"], condition=~Q(isbn=""), name="unique_isbn_per_publisher"
            ),
            models.UniqueConstraint(
                fields=["publisher", "sku"], condition=~Q(sku=""), name="unique_sku_per_publisher"
            ),
            models.CheckConstraint(condition=~Q(isbn="", sku=""), name="title_has_isbn_or_sku"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.fill_search_fields()
        super().save(*args, **kwargs)

    def fill_search_fields(self) -> None:
        self.search_text = self.build_search_text()
        self.sort_key = vi_sort_key(self.title)
        self.title_words = " ".join(folded_words(self.title))
        self.author_words = " ".join(folded_words(self.authors or ""))

    def effective_fair_price(self) -> int | None:
        if self.fair_price is not None:
            return self.fair_price
        if self.list_price is not None and self.discount_percent is not None:
            return round(self.list_price * (100 - self.discount_percent) / 100)
        return self.list_price

    def build_search_text(self) -> str:
        parts = [self.title, self.authors, self.imprint, self.isbn, self.sku]
        return " ".join(word for p in parts if p for word in folded_words(p))


_WORD = re.compile(r"[^\W_]+")


def folded_words(text: str) -> list[str]:
    """The words of a text, folded: "Dế Mèn: phiêu-lưu" -> ["de", "men", "phieu", "luu"].

    Words are runs of letters and digits; fold() leaves only ASCII, so a word is [a-z0-9]+,
    which PostgreSQL's text-search parser reads as one token, exactly as SQLite's LIKE sees it.
    """
    return _WORD.findall(fold(text))


class StockListingQuerySet(models.QuerySet):
    def for_event(self, event):
        return self.filter(exhibitor__event=event)

    def for_publisher(self, publisher: Publisher):
        return self.filter(exhibitor__publisher=publisher)

    def on_display(self):
        """Listings the public sees: an approved exhibitor's, with at least one copy on display."""
        return self.filter(copies__gt=0)

    def with_available(self):
        return self.annotate(copies_available=Greatest(F("copies") - F("copies_sold"), 0))

    def totals(self) -> dict:
        return self.aggregate(
            titles=models.Count("title", distinct=True),
            copies=Sum("copies", default=0),
            copies_sold=Sum("copies_sold", default=0),
        )


class StockListing(models.Model):
    """How many copies of a title an exhibitor brings to an event, and how many are sold."""

    wagtail_reference_index_ignore = True

    exhibitor = models.ForeignKey(
        Exhibitor, verbose_name=_("exhibitor"), on_delete=models.CASCADE, related_name="listings"
    )
    title = models.ForeignKey(
        Title, verbose_name=_("title"), on_delete=models.CASCADE, related_name="listings"
    )
    copies = models.PositiveIntegerField(_("copies on display"), default=0)
    copies_sold = models.PositiveIntegerField(_("copies sold"), default=0)
    booth = models.CharField(
        _("booth"), max_length=20, blank=True, help_text=_("Leave empty for the exhibitor's booth.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Copies of exhibitor.event, title.search_text (sort_key, title_words, author_words) and
    # title.category for catalogue search, so
    # one index on this table finds, counts and orders an event's books (publishers/0004).
    # Written only by database triggers, on every insert and on every change of the exhibitor
    # or the title, whoever writes (services, COPY, bulk updates, the admin): never set them.
    event = models.ForeignKey(
        "events.EventPage",
        null=True,
        editable=False,
        db_index=False,
        on_delete=models.CASCADE,
        related_name="+",
    )
    category = models.ForeignKey(
        Category, null=True, editable=False, db_index=False, on_delete=models.SET_NULL, related_name="+"
    )
    search_text = models.TextField(editable=False, default="")
    sort_key = models.TextField(editable=False, default="")
    title_words = models.TextField(editable=False, default="")
    author_words = models.TextField(editable=False, default="")

    objects = StockListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock listing")
        verbose_name_plural = _("stock listings")
        constraints = [
            models.UniqueConstraint(fields=["exhibitor", "title"], name="unique_listing_per_exhibitor")
        ]

    def __str__(self):
        return f"{self.title} × {self.copies}"

    @property
    def booth_label(self) -> str:
        return self.booth or self.exhibitor.booths


class StockImportQuerySet(models.QuerySet):
    def for_publisher(self, publisher: Publisher):
        return self.filter(exhibitor__publisher=publisher)

    def in_progress(self):
        """Handed to the task worker and not settled yet (queued or being read)."""
        return self.filter(status__in=IMPORT_IN_PROGRESS)

    def stale(self, now):
        """In progress with no sign of life for STOCK_IMPORT_STALE_SECONDS: its worker was
        killed, or the queue lost it. The worker's progress refreshes ``heartbeat_at``."""
        return self.in_progress().filter(
            Q(heartbeat_at__lt=_stale_cutoff(now)) | Q(heartbeat_at__isnull=True)
        )

    def running(self, now):
        """In progress and alive: what makes an exhibitor's next upload wait."""
        return self.in_progress().filter(heartbeat_at__gte=_stale_cutoff(now))

    def unconfirmed_since(self, cutoff):
        """Previews nobody confirmed since ``cutoff``: their files are deleted, they expire."""
        return self.filter(status=ImportStatus.PREVIEWED, created_at__lt=cutoff)


IMPORT_IN_PROGRESS = (ImportStatus.QUEUED, ImportStatus.PARSING)


def _stale_cutoff(now):
    return now - dt.timedelta(seconds=settings.STOCK_IMPORT_STALE_SECONDS)


class StockImport(models.Model):
    """One uploaded stock spreadsheet: its preview, then what applying it did.

    Written only by publishers.services.importing. ``report`` holds the counts and one entry
    per data row (row number as the spreadsheet shows it, ISBN, SKU, title, action, reason).
    """

    wagtail_reference_index_ignore = True

    exhibitor = models.ForeignKey(
        Exhibitor, verbose_name=_("exhibitor"), on_delete=models.CASCADE, related_name="stock_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(
        _("file"), upload_to="publishers/imports/", storage=private_storage, max_length=200, blank=True
    )
    original_filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    report = models.JSONField(_("report"), default=dict, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("new titles"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    refused_count = models.PositiveIntegerField(_("refused rows"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # The worker's progress while reading: rows read of about how many (an estimate until the end),
    # and when it last said so; an import in progress with an old heartbeat is given up.
    progress_done = models.PositiveIntegerField(_("rows read"), default=0)
    progress_total = models.PositiveIntegerField(_("rows to read"), default=0)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    # Every row as judged when the file was read (importing.row_to_json): confirming plans and
    # writes from these, so the file is never parsed again in a request. Cleared once applied.
    staged_rows = models.JSONField(_("rows read"), default=list, blank=True)

    objects = StockImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock import")
        verbose_name_plural = _("stock imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_filename} ({self.get_status_display()})"
