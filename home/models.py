"""Site-wide pages: the home page, plain content pages and news."""

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from bookday.blocks import BodyBlock
from bookday.pages import BasePage


class HomePage(BasePage):
    hero_title = models.CharField(_("hero title"), max_length=200, blank=True)
    hero_text = models.TextField(_("hero text"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    featured_event = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("featured event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty to feature the next upcoming event."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("hero_image")],
            heading=_("Hero"),
        ),
        PageChooserPanel("featured_event", page_type="events.EventPage"),
        FieldPanel("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_featured_event(self):
        from events.models import EventPage

        if self.featured_event_id and self.featured_event.live:
            return self.featured_event.specific
        return EventPage.objects.live().upcoming().order_by("start_date").first()

    def get_counters(self, event):
        """The fair in numbers: the featured event's, else the most recent event's."""
        from events.models import EventPage
        from figures.counters import counters

        return counters(event or EventPage.objects.live().past().order_by("-end_date").first())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured_event"] = self.get_featured_event()
        context["counters"] = self.get_counters(context["featured_event"])
        context["latest_news"] = NewsPage.objects.live().order_by("-date", "-pk")[:3]
        return context


class StandardPage(BasePage):
    """About, FAQ, contact, privacy notice: a title, an intro and a free body."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class NewsIndexPage(BasePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.child_of(self).live().order_by("-date", "-pk")
        context["news"] = Paginator(news, 10).get_page(request.GET.get("page"))
        return context


class NewsPage(BasePage):
    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("introduction"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")


@register_setting(icon="site")
class SiteDetails(BaseSiteSetting):
    """Who runs the fair and how to reach them: shown in every page footer."""

    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The heading of the event report, laid out as a Vietnamese administrative document: the
    # issuing body top left, the national name and motto top right, then the place and date.
    report_parent_body = models.CharField(
        _("governing body"),
        max_length=200,
        blank=True,
        help_text=_(
            "Printed above the issuing body, e.g. “UBND tỉnh Bắc Ninh”. Leave empty if there is none."
        ),
    )
    report_issuing_body = models.CharField(
        _("issuing body"),
        max_length=200,
        blank=True,
        help_text=_(
            "Who issues the report, e.g. “Sở Văn hóa, Thể thao và Du lịch”. Empty: the organiser above."
        ),
    )
    report_national_name = models.CharField(
        _("national name"),
        max_length=200,
        blank=True,
        help_text=_(
            "E.g. “Cộng hòa xã hội chủ nghĩa Việt Nam”. Empty: the report carries no national heading."
        ),
    )
    report_motto = models.CharField(
        _("motto"), max_length=200, blank=True, help_text=_("E.g. “Độc lập - Tự do - Hạnh phúc”.")
    )
    report_place = models.CharField(
        _("place of issue"),
        max_length=100,
        blank=True,
        help_text=_(
            "The place before the report's date, e.g. “Bắc Ninh” in “Bắc Ninh, ngày 02 tháng 12 năm 2026”."
        ),
    )

    panels = [
        FieldPanel("organiser"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("privacy_page"),
        MultiFieldPanel(
            [
                FieldPanel("report_parent_body"),
                FieldPanel("report_issuing_body"),
                FieldPanel("report_national_name"),
                FieldPanel("report_motto"),
                FieldPanel("report_place"),
            ],
            heading=_("Heading of the event report"),
        ),
    ]

    class Meta:
        verbose_name = _("site details")
