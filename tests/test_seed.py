import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import Page, Revision, Site

from events.models import CheckIn, EventPage, Gate, Pass, ProgrammeItem, Registration, WalkIn
from home.models import HomePage, NewsPage
from publishers.models import Exhibitor, ExhibitorApplication, Publisher, PublisherUser, StockListing, Title

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Page,
            Revision,
            ProgrammeItem,
            Image,
            User,
            NewsPage,
            Registration,
            Pass,
            Gate,
            CheckIn,
            WalkIn,
            Publisher,
            ExhibitorApplication,
            Exhibitor,
            Title,
            StockListing,
        )
    }


def test_seed_builds_a_complete_book_day_and_is_idempotent(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first

    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    today = timezone.localdate()
    current, last_year = EventPage.objects.order_by("-start_date")
    assert (current.start_date, current.end_date) == (
        today - dt.timedelta(days=1),
        today + dt.timedelta(days=1),
    )
    assert current.registration_open
    assert current.programme.count() >= 8
    assert last_year.end_date < today and not last_year.registration_open
    assert NewsPage.objects.live().count() >= 3
    # A few hundred registrations, school groups among them, and a last day with a waiting list.
    assert Registration.objects.count() >= 200
    assert Registration.objects.filter(party_size__gte=20).exclude(organisation="").exists()
    assert Registration.objects.filter(status="waiting", day__date=current.end_date).exists()
    # A day of scans at three gates, with groups in parts and refusals, and walk-ins.
    assert Gate.objects.filter(event=current).count() == 3
    assert CheckIn.objects.filter(result="admitted").count() > 30
    assert (
        CheckIn.objects.filter(result="invalid").exists()
        and CheckIn.objects.filter(result="already_admitted").exists()
    )
    assert sum(WalkIn.objects.values_list("count", flat=True)) >= 1500
    assert User.objects.get(username="admin").is_superuser
    # The programme is part of the published revision, so editing in the admin keeps it.
    assert len(current.get_latest_revision().content["programme"]) == current.programme.count()
    for page in Page.objects.live().filter(depth__gte=2).specific():
        assert client.get(page.url).status_code == 200, page.url


def test_seed_refuses_to_run_with_debug_off(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_seed_fills_the_fair_catalogue(settings, client):
    """24 exhibitors, 5,000 titles with valid 978-604 ISBNs, over 1.5 million copies on display."""
    from stdnum import isbn
    from stdnum.vn import mst

    from publishers.services import catalogue

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    current = EventPage.objects.order_by("-start_date").first()
    assert Exhibitor.objects.filter(event=current).count() == 24
    assert Title.objects.count() == 5000
    assert all(mst.is_valid(code) for code in Publisher.objects.values_list("tax_code", flat=True))
    isbns = list(Title.objects.values_list("isbn", flat=True))
    assert len(set(isbns)) == 5000 and all(n.startswith("978604") and isbn.is_valid(n) for n in isbns)
    totals = StockListing.objects.for_event(current).totals()
    assert totals["titles"] == 5000 and totals["copies"] > 1_500_000 and totals["copies_sold"] > 0
    assert ExhibitorApplication.objects.filter(event=current, status="submitted").count() >= 2
    assert catalogue.search(current, q="kim dong").exists()
    assert PublisherUser.objects.get(user__username="nxb-demo").publisher.name == "NXB Kim Đồng"
    user = PublisherUser.objects.get(user__username="nxb-demo").user
    assert user.check_password("bookday") and user.is_active
    assert client.get(f"/events/{current.pk}/catalogue/?q=van+hoc").status_code == 200
    assert client.get(f"/events/{current.pk}/exhibitors/").status_code == 200
