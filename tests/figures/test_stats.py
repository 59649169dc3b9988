"""The figures service on a known event: every figure, its edge cases, and its query budget."""

import datetime as dt
import re

import pytest
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext

from figures import counters, stats
from figures.stats import event_figures
from tests.factories import EventPageFactory
from tests.figures.stats_data import build_books, build_known_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(event_index):
    known = build_known_event(event_index)
    build_books(known.event, EventPageFactory(parent=event_index, title="Hội sách khác"))
    return known


def test_every_attendance_figure_of_the_known_event(known):
    f = event_figures(known.event)
    # Admitted with passes: day 1 1 + 30 + 10; day 2 5 + 2 + 1 (the 3 undone do not count).
    assert (f.admitted, f.walk_ins, f.visits) == (49, 40, 89)
    assert f.re_entries == 2  # two scans of fully admitted passes on day 1
    assert (f.registrations, f.registered_people, f.waiting) == (8, 151, 1)
    assert f.passes_used == 4  # r1 was used on two days: one pass
    assert f.no_show_rate == pytest.approx(0.4286)  # 3 of 7 confirmed registrations never came
    by_day = {d.date: d for d in f.by_day}
    assert [d.date for d in f.by_day] == [known.d1, known.d2, known.d3]
    assert [
        (d.visits, d.admitted, d.walk_ins, d.re_entries, d.registrations, d.registered_people, d.waiting)
        for d in f.by_day
    ] == [(58, 41, 17, 2, 1, 40, 0), (28, 8, 20, 0, 3, 11, 0), (3, 0, 3, 0, 4, 100, 1)]
    assert [d.passes_used for d in f.by_day] == [1, 3, 0]
    assert by_day[known.d3].registrations_by_type == {"individual": 1, "school": 3, "group": 0}
    assert by_day[known.d2].registrations_by_type == {"individual": 1, "school": 0, "group": 2}
    assert [(g.name, g.visits, g.admitted, g.walk_ins, g.re_entries) for g in f.by_gate] == [
        ("Cổng A", 52, 37, 15, 1),
        ("Cổng B", 37, 12, 25, 1),
    ]
    hours = {h.hour: (h.visits, h.admitted, h.walk_ins) for h in f.by_hour}
    assert list(hours) == list(range(8, 18))  # opening hours 08:00–17:30, local time
    assert {h: v for h, v in hours.items() if v[0]} == {
        8: (1, 1, 0),
        9: (33, 30, 3),
        10: (27, 10, 17),
        14: (5, 5, 0),
        15: (22, 2, 20),
        16: (1, 1, 0),
    }
    assert [(t.kind, t.registrations, t.registered_people) for t in f.by_organisation_type] == [
        ("individual", 2, 2),
        ("school", 4, 139),
        ("group", 2, 10),
    ]
    early = known.d1 - dt.timedelta(days=20)
    assert [(r.date, r.registrations, r.cumulative) for r in f.registrations_over_time] == [
        (early, 2, 2),
        (known.d1 - dt.timedelta(days=10), 2, 4),
        (known.d1 - dt.timedelta(days=5), 4, 8),
    ]


def test_every_books_figure_of_the_known_event(known):
    f = event_figures(known.event)
    assert f.exhibitors == 2  # the applicant not approved and the other event's exhibitor are not here
    assert f.titles == 4  # two ISBNs (one listed by both publishers) and two titles known by SKU only
    assert (f.copies, f.copies_sold) == (240, 22)
    assert [(p.name, p.kind, p.booths, p.titles, p.copies, p.copies_sold) for p in f.by_publisher] == [
        ("NXB Kim Đồng", "publishing_house", "A1", 3, 170, 15),
        ("Fahasa", "distributor", "B2", 2, 70, 7),
    ]
    assert [(c.name, c.titles, c.copies, c.copies_sold) for c in f.by_category] == [
        ("Thiếu nhi", 1, 130, 13),
        ("Văn học", 2, 90, 9),
        (gettext("No category"), 1, 20, 0),
    ]


def test_one_day_only(known):
    f = event_figures(known.event, day=known.d2)
    assert [d.date for d in f.by_day] == [known.d2]
    assert (f.visits, f.admitted, f.walk_ins, f.re_entries) == (28, 8, 20, 0)
    assert (f.registrations, f.registered_people, f.passes_used) == (3, 11, 3)
    assert f.no_show_rate == 0.0
    assert [(g.name, g.visits) for g in f.by_gate] == [("Cổng A", 6), ("Cổng B", 22)]
    assert f.titles == 4  # books do not depend on the day


@pytest.mark.parametrize(
    "day, time, rate",
    [
        (2, dt.time(12, 0), 0.0),  # day 2 still open: only r2 (day 1) is due, and came
        (3, dt.time(12, 0), 0.0),  # day 3 open: r1, r3 and r5 of day 2 came too
        (3, dt.time(17, 29), 0.0),  # a minute before closing, day 3's schools may still come
        (3, dt.time(17, 30), 0.4286),  # day 3 is over: its three registrations never came
    ],
)
def test_no_show_rate_counts_only_days_that_are_over(known, day, time, rate):
    date = {1: known.d1, 2: known.d2, 3: known.d3}[day]
    now = timezone.make_aware(dt.datetime.combine(date, time))
    assert event_figures(known.event, now=now).no_show_rate == pytest.approx(rate)


def test_visits_by_hour_of_each_day(known):
    f = event_figures(known.event)
    busy = [{h.hour: h.visits for h in d.by_hour if h.visits} for d in f.by_day]
    assert busy == [{8: 1, 9: 30, 10: 27}, {14: 5, 15: 22, 16: 1}, {9: 3}]
    # Every day has the same hours as the pooled figures, so that the series line up.
    assert all([h.hour for h in d.by_hour] == list(range(8, 18)) for d in f.by_day)
    pooled = {h.hour: h.visits for h in f.by_hour}
    assert all(sum(d.by_hour[i].visits for d in f.by_day) == pooled[h] for i, h in enumerate(pooled))


def test_an_event_with_no_data_is_all_zeros(event):
    f = event_figures(event)
    numbers = [f.visits, f.admitted, f.walk_ins, f.registrations, f.registered_people, f.waiting]
    numbers += [f.passes_used, f.no_show_rate, f.re_entries, f.exhibitors, f.titles, f.copies, f.copies_sold]
    assert numbers == [0] * len(numbers)
    assert [d.visits for d in f.by_day] == [0, 0, 0] and len(f.by_day) == len(event.days)
    assert all(h.visits == 0 for h in f.by_hour) and f.by_hour[0].hour == 8
    assert f.by_gate == f.by_publisher == f.by_category == f.registrations_over_time == []


def test_the_number_of_queries_does_not_grow_with_the_data(known, django_assert_max_num_queries):
    # 10, and up to 4 for the sessions with places (the sessions, booked, attended, no-show).
    with django_assert_max_num_queries(14):
        event_figures(known.event)


@override_settings(PAGE_CACHE_SECONDS=0)
def test_public_counters_are_cached_and_hidden_when_empty(known, event, django_assert_num_queries):
    values = counters.counters(known.event)
    assert values == {"visits": 89, "exhibitors": 2, "titles": 4, "copies": 240}
    with django_assert_num_queries(0):
        assert counters.counters(known.event) == values
    assert counters.counters(event) is None  # nothing yet: the page says figures come later
    assert counters.counters(None) is None


@override_settings(PAGE_CACHE_SECONDS=60)
def test_counters_are_not_cached_again_under_a_page_cache_of_a_minute(known, django_assert_num_queries):
    counters.counters(known.event)
    with django_assert_num_queries(4):
        counters.counters(known.event)


def test_cached_figures_are_reused_while_fresh(known, django_assert_num_queries):
    first = stats.cached_figures(known.event)
    with django_assert_num_queries(0):
        assert stats.cached_figures(known.event).visits == first.visits == 89


@pytest.mark.parametrize(
    "organisation, party_size, kind",
    [
        ("", 1, "individual"),
        ("", 3, "group"),
        ("Công ty sách Alpha", 1, "group"),
        ("TRƯỜNG THCS Nguyễn Du", 30, "school"),
        ("trường tiểu học Kim Chân", 25, "school"),
        ("Lớp 5A - THPT Hàn Thuyên", 20, "school"),
        ("Bac Ninh International School", 12, "school"),
    ],
)
def test_organisation_types(event, organisation, party_size, kind):
    from tests.factories import register_visitor

    register_visitor(event, party_size=party_size, organisation=organisation, notify=False)
    f = event_figures(event)
    assert {t.kind: t.registrations for t in f.by_organisation_type}[kind] == 1


def test_the_event_page_and_the_home_page_show_the_counters(client, known):
    def values(url):
        return re.findall(r'class="counter__value">([^<]*)<', client.get(url).content.decode())

    assert values(known.event.url) == ["89", "2", "4", "240"]
    # The home page features the fair running now ("Hội sách khác": one exhibitor, 999 copies).
    assert values("/") == ["0", "1", "1", "999"]


def test_an_event_without_figures_says_they_come_later(client, event):
    html = client.get(event.url).content.decode()
    assert 'class="counter__value">—<' in html
