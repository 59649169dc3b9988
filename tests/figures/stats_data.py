"""A known, finished three-day event for the figures tests: every number below is worked out
by hand in the comments of ``EXPECTED`` and asserted in test_stats.py, test_stats_api.py and
test_report.py. Everything is written through the services, as at a real fair."""

import datetime as dt
import itertools
from dataclasses import dataclass

from django.utils import timezone

from events.enums import RegistrationStatus
from events.models import EventPage, Gate, Registration
from events.models.registration import EventDay
from events.services.checkin import check_in, record_walk_ins, undo
from events.services.registration import cancel
from tests.factories import EventPageFactory, register_visitor

_ids = itertools.count(1)


@dataclass
class KnownEvent:
    event: EventPage
    d1: dt.date
    d2: dt.date
    d3: dt.date
    gate_a: Gate
    gate_b: Gate


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def build_known_event(parent) -> KnownEvent:
    today = timezone.localdate()
    d1, d2, d3 = (today - dt.timedelta(days=n) for n in (10, 9, 8))
    event = EventPageFactory(
        parent=parent,
        title="Ngày Sách Bắc Ninh đã qua",
        start_date=d1,
        end_date=d3,
        opening_time=dt.time(8, 0),
        closing_time=dt.time(17, 30),
        daily_capacity=100,
    )
    gate_a = Gate.objects.create(event=event, name="Cổng A", sort_order=1)
    gate_b = Gate.objects.create(event=event, name="Cổng B", sort_order=2)

    def reg(day, created, **kwargs):
        return register_visitor(
            event, visit_date=day, notify=False, now=at(created, 9), **kwargs
        ).registration

    early, middle, late = d1 - dt.timedelta(days=20), d1 - dt.timedelta(days=10), d1 - dt.timedelta(days=5)
    r1 = reg(d1, early, full_name="Nguyễn Văn Ưng")  # individual, later moved to day 2
    r2 = reg(d1, early, party_size=40, organisation="Trường THCS Kinh Bắc")  # school
    r3 = reg(d2, middle, party_size=8, organisation="Câu lạc bộ đọc sách Từ Sơn")  # group
    r4 = reg(d2, middle)  # individual, cancelled
    r5 = reg(d2, middle, party_size=2)  # a family: a group without an organisation
    r6 = reg(d3, late, party_size=50, organisation="Trường THPT Lý Thái Tổ")  # school, no-show
    r7 = reg(d3, late, party_size=49, organisation="Trường Tiểu học Đình Bảng")  # school, no-show
    r8 = reg(d3, late, party_size=30, organisation="Trường Mầm non Hoa Sen")  # waiting list
    r9 = reg(d3, late)  # individual, no-show (fills day 3: 50 + 49 + 1)
    cancel(registration=r4, now=at(middle, 10))
    assert r8.status == RegistrationStatus.WAITING
    assert {r6.status, r7.status, r9.status} == {RegistrationStatus.CONFIRMED}

    def scan(gate, registration_or_code, when, **kwargs):
        code = (
            registration_or_code
            if isinstance(registration_or_code, str)
            else registration_or_code.entry_pass.code
        )
        return check_in(
            code=code, event=event, gate=gate, client_id=f"known-{next(_ids):06d}", scanned_at=when, **kwargs
        )

    # Day 1
    assert scan(gate_a, r1, at(d1, 8, 15)).admitted == 1
    assert scan(gate_b, r1, at(d1, 11, 5)).result == "already_admitted"  # re-entry 1 (gate B)
    assert scan(gate_a, r2, at(d1, 9, 10), headcount=30).admitted == 30
    assert scan(gate_b, r2, at(d1, 10, 20)).admitted == 10
    assert scan(gate_a, r2, at(d1, 10, 40)).result == "already_admitted"  # re-entry 2 (gate A)
    assert scan(gate_a, r3, at(d1, 9, 30)).result == "wrong_day"
    assert scan(gate_a, "NOT-A-PASS", at(d1, 9, 31)).result == "invalid"
    # Day 2: a partial admission undone, a family, a cancelled pass, and r1 moved to day 2
    assert scan(gate_a, r3, at(d2, 14, 0), headcount=5).admitted == 5
    mistaken = scan(gate_b, r3, at(d2, 14, 2))
    assert mistaken.admitted == 3
    undo(event=event, target=mistaken.checkin.client_id)
    assert scan(gate_b, r5, at(d2, 15, 45)).admitted == 2
    assert scan(gate_a, r4, at(d2, 15, 50)).result == "cancelled"
    Registration.objects.filter(pk=r1.pk).update(day=EventDay.objects.get(event=event, date=d2))
    assert scan(gate_a, r1, at(d2, 16, 10)).admitted == 1  # the same pass, a second day
    # Day 3: the waiting list is refused
    assert scan(gate_a, r8, at(d3, 9, 5)).result == "waiting"

    for gate, count, when in (
        (gate_a, 12, at(d1, 10, 0)),
        (gate_b, 5, at(d1, 10, 30)),
        (gate_b, 20, at(d2, 15, 0)),
        (gate_a, 3, at(d3, 9, 0)),
    ):
        record_walk_ins(event=event, gate=gate, count=count, client_id=f"walk-{next(_ids):06d}", at=when)
    return KnownEvent(event, d1, d2, d3, gate_a, gate_b)


def build_books(event: EventPage, other_event: EventPage) -> None:
    """Two approved exhibitors, one applicant not approved, one exhibitor of another event."""
    from publishers.models import Category, Exhibitor, ExhibitorApplication, Publisher, StockListing, Title

    def publisher(name, kind, tax_code):
        return Publisher.objects.create(
            name=name,
            kind=kind,
            tax_code=tax_code,
            contact_name="Lê Thu",
            email="a@example.vn",
            phone="+84912345678",
        )

    kim_dong = publisher("NXB Kim Đồng", "publishing_house", "0100100100")
    fahasa = publisher("Fahasa", "distributor", "0300100200")
    tre = publisher("NXB Trẻ", "publishing_house", "0300100300")
    elsewhere = publisher("Nhà sách Ngoài", "bookshop", "0300100400")
    children = Category.objects.create(name="Thiếu nhi")
    literature = Category.objects.create(name="Văn học")

    def title(pub, name, isbn="", sku="", category=None):
        return Title.objects.create(publisher=pub, title=name, isbn=isbn, sku=sku, category=category)

    e1 = Exhibitor.objects.create(event=event, publisher=kim_dong, booths="A1")
    e2 = Exhibitor.objects.create(event=event, publisher=fahasa, booths="B2")
    listings = [
        (e1, title(kim_dong, "Dế Mèn phiêu lưu ký", isbn="9786042000011", category=children), 100, 10),
        (e1, title(kim_dong, "Tắt đèn", isbn="9786042000028", category=literature), 50, 5),
        (e1, title(kim_dong, "Sổ tay Kim Đồng", sku="KD-001"), 20, 0),
        # The same book (same ISBN) sold by a distributor too: one title, its copies add up.
        (e2, title(fahasa, "Dế Mèn phiêu lưu ký", isbn="9786042000011", category=children), 30, 3),
        (e2, title(fahasa, "Truyện Kiều", sku="FH-9", category=literature), 40, 4),
        (
            e2,
            title(fahasa, "Sách hết hàng", isbn="9786042000035", category=literature),
            0,
            0,
        ),  # not on display
    ]
    for exhibitor, book, copies, sold in listings:
        StockListing.objects.create(exhibitor=exhibitor, title=book, copies=copies, copies_sold=sold)
    # An application not (yet) approved: its publisher has titles but nothing on display here.
    ExhibitorApplication.objects.create(
        event=event,
        publisher=tre,
        organisation_name="NXB Trẻ",
        kind="publishing_house",
        tax_code="0300100300",
        contact_name="Lê Thu",
        email="b@example.vn",
        phone="+84912345678",
        address="TP HCM",
        booth_size="standard",
        expected_titles=500,
        expected_copies=20000,
        consent_at=timezone.now(),
    )
    title(tre, "Cho tôi xin một vé đi tuổi thơ", isbn="9786041000000", category=literature)
    # Another event's exhibitor: counted there, never here.
    other = Exhibitor.objects.create(event=other_event, publisher=elsewhere, booths="C3")
    StockListing.objects.create(
        exhibitor=other,
        title=title(elsewhere, "Sách khác", isbn="9786043000001", category=children),
        copies=999,
    )
