"""Natural, Vietnamese order (bookday.text.vi_sort_key) wherever lists are sorted: the catalogue,
the exhibitors page, the portal's stock and titles; and the key kept in step by the triggers."""

import random

import pytest
from django.urls import reverse

from bookday.text import vi_sort_key
from publishers.models import StockListing, Title
from publishers.services import catalogue
from tests.publishers.catalogue_data import book, exhibitor, publisher
from tests.publishers.portal_factories import ExhibitorFactory, PublisherUserFactory, StockListingFactory

# As a Vietnamese dictionary and a shelf of numbered volumes have them.
ORDERED = [
    "A2",
    "A10",
    "An",
    "Ăn",
    "Âm",
    "ba",
    "bà",
    "bá",
    "Bạn",
    "Bắc",
    "Biệt",
    "Dung",
    "Đào",
    "Em",
    "Ê-đê",
    "Ong",
    "Ôn",
    "Ơn",
    "tập 3",
    "Tập 10",
    "Uy",
    "Ưu",
    "Xuân",
    "Yên",
]


def test_vi_sort_key_orders_as_a_vietnamese_reader_expects():
    shuffled = ORDERED[:]
    random.Random(4).shuffle(shuffled)
    assert sorted(shuffled, key=vi_sort_key) == ORDERED


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Doraemon tập 9", "Doraemon tập 10"),
        ("B2", "B12"),
        ("Lớp 007", "Lớp 8"),  # leading zeros do not count
        ("Bạn", "Bạn đọc"),  # a shorter text first
        ("ba", "bà"),  # tones only decide between otherwise equal words
        ("bà", "bac"),
        ("Đặng Thị Hương", "Đinh Văn Ưng"),
    ],
)
def test_pairs(before, after):
    assert vi_sort_key(before) < vi_sort_key(after)


def test_the_key_sorts_the_same_in_the_database(db, event):
    """Stored and compared by the database (COLLATE "C" on PostgreSQL) as Python compares it."""
    stand = exhibitor(event, publisher("NXB Trẻ"))
    for name in reversed(ORDERED):
        book(stand, name)
    assert list(Title.objects.order_by("sort_key").values_list("title", flat=True)) == ORDERED


def test_the_catalogue_browses_in_vietnamese_order(db, event):
    stand = exhibitor(event, publisher("NXB Kim Đồng"))
    for name in ["Doraemon tập 10", "Biệt động Sài Gòn", "Doraemon tập 3", "Bạn đọc nhí"]:
        book(stand, name)
    page = catalogue.search_page(event)
    assert [item.title.title for item in page.page.object_list] == [
        "Bạn đọc nhí",
        "Biệt động Sài Gòn",
        "Doraemon tập 3",
        "Doraemon tập 10",
    ]


def test_a_renamed_title_moves_in_the_catalogue(db, event):
    """The listing's copy of the key follows the title (trigger), whoever writes it."""
    stand = exhibitor(event, publisher("NXB Kim Đồng"))
    first, second = book(stand, "An"), book(stand, "Bình")
    Title.objects.filter(pk=first.title_id).update(sort_key=vi_sort_key("Xuân"), title="Xuân")
    assert StockListing.objects.get(pk=first.pk).sort_key == vi_sort_key("Xuân")
    assert [item.pk for item in catalogue.search_page(event).page.object_list] == [second.pk, first.pk]


def test_exhibitors_by_booth_naturally_then_name(db, event):
    exhibitor(event, publisher("NXB Trẻ"), "A10")
    exhibitor(event, publisher("Fahasa"), "A2")
    exhibitor(event, publisher("Biệt đội sách"), "B1")
    exhibitor(event, publisher("Bạn đọc"), "B1")
    stands = catalogue.exhibitors(event)
    assert [stand.publisher.name for stand in stands] == ["Fahasa", "NXB Trẻ", "Bạn đọc", "Biệt đội sách"]
    by_name = catalogue.exhibitors_by_name(event)
    assert [stand.publisher.name for stand in by_name] == ["Bạn đọc", "Biệt đội sách", "Fahasa", "NXB Trẻ"]


def test_portal_stock_and_titles_in_vietnamese_order(client, event):
    member = PublisherUserFactory()
    stand = ExhibitorFactory(publisher=member.publisher, event=event, booths="A12")
    for name in ["Tập 10", "Biệt", "tập 3", "Bạn"]:
        StockListingFactory(exhibitor=stand, title__publisher=member.publisher, title__title=name)
    client.force_login(member.user)

    stock = client.get(reverse("publisher_stock", args=[event.pk]))
    assert [item.title.title for item in stock.context["page_obj"]] == ["Bạn", "Biệt", "tập 3", "Tập 10"]
    html = stock.content.decode()
    assert html.index(">Bạn<") < html.index(">Biệt<") < html.index(">tập 3<") < html.index(">Tập 10<")
    titles = client.get(reverse("publisher_titles"))
    assert [item.title for item in titles.context["page_obj"]] == ["Bạn", "Biệt", "tập 3", "Tập 10"]


def test_the_admin_lists_publishers_and_booths_in_vietnamese_order(admin_client, event):
    from publishers.models import Exhibitor, Publisher

    names = ["Nhà sách Biệt Thự", "NXB Bạn Đọc", "Công ty Ăn Uống", "Đông A"]
    for n, name in enumerate(names):
        publisher = Publisher.objects.create(
            name=name,
            kind="publishing_house",
            tax_code=f"01001091{n:02d}",
            contact_name="A",
            email=f"a{n}@example.vn",
            phone="+842439434730",
        )
        Exhibitor.objects.create(event=event, publisher=publisher, booths=["A10", "A2", "", "B1"][n])
    html = admin_client.get("/admin/publishers/").content.decode()
    shown = sorted(names, key=html.index)
    assert shown == ["Công ty Ăn Uống", "Đông A", "Nhà sách Biệt Thự", "NXB Bạn Đọc"]
    assert list(Exhibitor.objects.values_list("booths", flat=True)) == ["A2", "A10", "B1", ""]
