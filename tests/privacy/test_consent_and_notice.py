"""Consent recorded with its version; the privacy notice written from settings and linked from forms."""

import pytest

from events.consent import CURRENT_CONSENT_VERSION, consent_text
from home.models import SiteDetails
from privacy.models import PrivacySettings
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db


def test_a_registration_stores_the_version_and_time_of_its_consent(event):
    registration = register_visitor(event).registration
    registration.refresh_from_db()
    assert registration.consent_version == CURRENT_CONSENT_VERSION
    assert registration.consent_at == registration.created_at


def test_the_form_shows_the_current_consent_text_the_adults_rule_and_the_notice(client, event):
    page = client.get(f"/events/{event.pk}/register/").content.decode()
    assert consent_text() in page
    assert "Đăng ký dành cho người lớn" in page
    assert 'href="/privacy/"' in page
    assert "90 ngày sau" in page  # the event's retention, not a made-up period


@pytest.mark.parametrize("path", ["/passes/find/", "/my-data/request/", "/"])
def test_every_form_and_page_links_the_notice(client, event, path):
    assert 'href="/privacy/"' in client.get(path).content.decode()


def test_the_notice_is_written_from_the_settings_and_the_events(client, event, home):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    SiteDetails.objects.update_or_create(site=site, defaults={"organiser": "Thư viện tỉnh Bắc Ninh"})
    PrivacySettings.objects.update_or_create(
        site=site,
        defaults={
            "contact_email": "dulieu@thuvien.bacninh.gov.vn",
            "other_information": "Cán bộ phụ trách: chị Mai",
        },
    )
    event.retention_days = 30
    event.save_revision().publish()
    text = client.get("/privacy/").content.decode()
    assert "Thư viện tỉnh Bắc Ninh" in text  # the controller falls back to the organiser
    assert "dulieu@thuvien.bacninh.gov.vn" in text
    assert "Cán bộ phụ trách: chị Mai" in text
    assert event.personal_data_until.strftime("%d/%m/%Y") in text
    assert 'href="/my-data/request/"' in text
    assert "Luật Bảo vệ dữ liệu cá nhân" in text
