"""The public directory of an event's exhibitors: who exhibits, at which booth, with which books."""

import pytest
from django.urls import NoReverseMatch, reverse

from publishers.enums import OrganisationType
from tests.factories import EventPageFactory
from tests.publishers.catalogue_data import book, exhibitor, publisher

pytestmark = pytest.mark.django_db


def test_lists_approved_exhibitors_with_booth_type_titles_and_catalogue_link(client, event):
    fahasa = exhibitor(
        event, publisher("Fahasa", kind=OrganisationType.BOOKSHOP, website="https://www.fahasa.com"), "B2, B3"
    )
    library = exhibitor(event, publisher("Thư viện tỉnh Bắc Ninh", kind=OrganisationType.LIBRARY), "L1")
    for n in range(3):
        book(fahasa, f"Sách {n}")
    book(fahasa, "Chưa bày", copies=0)
    publisher("NXB Chưa Được Duyệt")  # applied, no Exhibitor row
    other_event = EventPageFactory(parent=event.get_parent())
    exhibitor(other_event, publisher("NXB Sự Kiện Khác"))

    response = client.get("/en" + reverse("event_exhibitors", args=[event.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Fahasa" in html and "Thư viện tỉnh Bắc Ninh" in html
    assert "NXB Chưa Được Duyệt" not in html and "NXB Sự Kiện Khác" not in html
    assert (
        '<span class="booth__number">B2, B3</span>' in html
        and '<span class="booth__number">L1</span>' in html
    )
    assert "Bookshop" in html and "Library" in html
    assert "3 titles on display" in html and "0 titles on display" in html
    assert f'/en/events/{event.pk}/catalogue/?publisher={fahasa.publisher.slug}"' in html
    assert f"?publisher={library.publisher.slug}" not in html  # nothing to show yet
    assert 'href="https://www.fahasa.com" rel="noopener external"' in html
    assert html.index(">B2, B3<") < html.index(">L1<")  # ordered by booth


def test_links_to_the_application_form_once_it_exists(client, event):
    html = client.get(reverse("event_exhibitors", args=[event.pk])).content.decode()
    try:
        apply_url = reverse("exhibitor_apply", args=[event.pk])
    except NoReverseMatch:
        pytest.skip("the application form is not there yet")
    assert f'href="{apply_url}"' in html


def test_empty_directory_still_renders(client, event):
    response = client.get(reverse("event_exhibitors", args=[event.pk]))
    assert response.status_code == 200
    assert reverse("event_catalogue", args=[event.pk]) in response.content.decode()
