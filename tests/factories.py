"""Small factories for the page tree. Pages are built under a HomePage that is the site root."""

import datetime as dt
import itertools

import factory
import wagtail_factories
from django.utils import timezone

from events.models import EventIndexPage, EventPage, ProgrammeItem
from home.models import HomePage, NewsIndexPage, NewsPage, StandardPage


class BasePageFactory(wagtail_factories.PageFactory):
    # Empty: the page fills it from the title with the project's Vietnamese-aware slugify.
    slug = ""

    class Meta:
        abstract = True


class HomePageFactory(BasePageFactory):
    title = "Ngày Sách"
    hero_title = "Ngày Sách và Văn hóa đọc Việt Nam"

    class Meta:
        model = HomePage


class StandardPageFactory(BasePageFactory):
    title = factory.Sequence(lambda n: f"Trang {n}")
    intro = "Giới thiệu ngắn."

    class Meta:
        model = StandardPage


class NewsIndexPageFactory(BasePageFactory):
    title = "Tin tức"

    class Meta:
        model = NewsIndexPage


class NewsPageFactory(BasePageFactory):
    title = factory.Sequence(lambda n: f"Tin số {n}")
    intro = "Tóm tắt tin."

    class Meta:
        model = NewsPage


class EventIndexPageFactory(BasePageFactory):
    title = "Sự kiện"

    class Meta:
        model = EventIndexPage


class EventPageFactory(BasePageFactory):
    title = factory.Sequence(lambda n: f"Ngày Sách Bắc Ninh {n}")
    intro = "Ba ngày hội sách."
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=2))
    opening_time = dt.time(8, 0)
    closing_time = dt.time(21, 0)
    venue_name = "Thư viện tỉnh Bắc Ninh"
    venue_address = "Số 2 đường Lý Thái Tổ, phường Kinh Bắc"
    latitude = "21.183300"
    longitude = "106.075000"
    organiser = "Sở Văn hóa, Thể thao và Du lịch"
    daily_capacity = 100
    # Groups' holds (email confirmation first) are off unless a test turns them on: most tests are
    # about what happens to a registration once it stands (tests/events/test_holds.py for holds).
    confirm_groups_above = 500

    class Meta:
        model = EventPage


class ProgrammeItemFactory(factory.django.DjangoModelFactory):
    page = factory.SubFactory(EventPageFactory)
    title = factory.Sequence(lambda n: f"Giao lưu tác giả {n}")
    date = factory.LazyAttribute(lambda o: o.page.start_date)
    start_time = dt.time(9, 0)
    end_time = dt.time(10, 0)
    speakers = "Nhà văn Nguyễn Nhật Ánh"
    place = "Sân khấu chính"

    class Meta:
        model = ProgrammeItem


_visitor_numbers = itertools.count(1)


def register_visitor(event, **overrides):
    """Register through the service, as every real registration does; emails are sent at once."""
    from django.test import TestCase

    from events.services.registration import register

    data = {
        "event": event,
        "full_name": "Đặng Thị Hương",
        "email": f"visitor{next(_visitor_numbers)}@example.vn",
        "phone": "+84912345678",
        "visit_date": event.start_date + dt.timedelta(days=1),
        "party_size": 1,
        "consent": True,
    }
    data.update(overrides)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return register(**data)
