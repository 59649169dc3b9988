"""Factories for the publisher portal tests: a publisher with a login, its exhibitor, titles, stock."""

import itertools

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum import ean

from publishers.enums import ApplicationStatus, BoothSize, OrganisationType
from publishers.models import (
    Category,
    Exhibitor,
    ExhibitorApplication,
    Publisher,
    PublisherUser,
    StockListing,
    Title,
)

_numbers = itertools.count(1)
PASSWORD = "mật-khẩu-Sách-2025"


def make_isbn(n: int | None = None) -> str:
    """A valid 978-604 ISBN-13 (digits only), different for each n."""
    body = f"978604{(next(_numbers) if n is None else n) % 1_000_000:06d}"
    return body + ean.calc_check_digit(body)


def tax_code(n: int) -> str:
    from stdnum.vn import mst

    body = f"01{n % 10_000_000:07d}"
    return body + mst.calc_check_digit(body)


class PublisherFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Nhà xuất bản Đường Sách {n}")
    kind = OrganisationType.PUBLISHING_HOUSE
    tax_code = factory.Sequence(lambda n: tax_code(n + 1000))
    contact_name = "Đặng Thị Hương"
    email = factory.Sequence(lambda n: f"nxb{n}@example.vn")
    phone = "+842439434730"

    class Meta:
        model = Publisher


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    password = factory.django.Password(PASSWORD)

    class Meta:
        model = get_user_model()


class PublisherUserFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    publisher = factory.SubFactory(PublisherFactory)

    class Meta:
        model = PublisherUser


class ApplicationFactory(factory.django.DjangoModelFactory):
    publisher = factory.SubFactory(PublisherFactory)
    organisation_name = factory.LazyAttribute(lambda o: o.publisher.name)
    kind = OrganisationType.PUBLISHING_HOUSE
    tax_code = factory.LazyAttribute(lambda o: o.publisher.tax_code)
    contact_name = "Đặng Thị Hương"
    email = factory.LazyAttribute(lambda o: o.publisher.email)
    phone = "+842439434730"
    address = "Số 2 đường Lý Thái Tổ"
    booth_size = BoothSize.STANDARD
    expected_titles = 100
    expected_copies = 1000
    consent_at = factory.LazyFunction(timezone.now)
    status = ApplicationStatus.APPROVED
    booths = "A12"

    class Meta:
        model = ExhibitorApplication


class ExhibitorFactory(factory.django.DjangoModelFactory):
    publisher = factory.SubFactory(PublisherFactory)
    application = factory.SubFactory(
        ApplicationFactory,
        publisher=factory.SelfAttribute("..publisher"),
        event=factory.SelfAttribute("..event"),
    )
    booths = "A12"

    class Meta:
        model = Exhibitor


class CategoryFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Văn học {n}")

    class Meta:
        model = Category


class TitleFactory(factory.django.DjangoModelFactory):
    publisher = factory.SubFactory(PublisherFactory)
    isbn = factory.LazyFunction(make_isbn)
    title = factory.Sequence(lambda n: f"Dế Mèn phiêu lưu ký {n}")
    authors = "Tô Hoài"
    imprint = "Kim Đồng"
    year = 2020
    list_price = 85000
    fair_price = 68000

    class Meta:
        model = Title


class StockListingFactory(factory.django.DjangoModelFactory):
    exhibitor = factory.SubFactory(ExhibitorFactory)
    title = factory.SubFactory(TitleFactory, publisher=factory.SelfAttribute("..exhibitor.publisher"))
    copies = 20
    copies_sold = 0

    class Meta:
        model = StockListing
