"""The public application form and the publisher sign-in pages, through the test client."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from home.groups import ORGANISERS
from publishers.models import ExhibitorApplication, Publisher, PublisherUser
from tests.altcha import solved
from tests.factories import EventPageFactory
from tests.publishers.application_factories import application_data, png

pytestmark = pytest.mark.django_db


def url(event, lang=""):
    return f"{lang}/events/{event.pk}/exhibit/"


def test_the_form_shows_every_field_with_consent_and_privacy_explanation(client, event):
    html = client.get(url(event)).content.decode()
    for name in [
        "organisation_name",
        "kind",
        "tax_code",
        "contact_name",
        "email",
        "phone",
        "address",
        "website",
        "logo",
        "description",
        "booth_size",
        "expected_titles",
        "expected_copies",
        "consent",
    ]:
        assert f'name="{name}"' in html, name
    assert 'enctype="multipart/form-data"' in html
    assert 'class="consent"' in html and 'class="hp"' in html
    assert "<label" in html and 'for="id_tax_code"' in html


def test_submitting_the_form_records_the_application_and_thanks(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(event), solved({**application_data(tax_code="0100109106"), "logo": png()}))
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.pk}/exhibit/thanks/"
    app = ExhibitorApplication.objects.get()
    assert app.status == "unconfirmed" and len(mail.outbox) == 1  # not with the organisers yet
    thanks = client.get(response["Location"]).content.decode()
    assert "h***@nxbkimdong.vn" in thanks and "huong@nxbkimdong.vn" not in thanks
    link = confirm_link(mail.outbox[0])
    page = client.get(link)  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and "Nhà xuất bản Kim Đồng" in page.content.decode()
    assert ExhibitorApplication.objects.get().status == "unconfirmed"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 200
    app = ExhibitorApplication.objects.get()
    assert (app.tax_code, app.phone, app.language, app.status) == (
        "0100109106",
        "+842439434730",
        "vi",
        "submitted",
    )
    assert app.logo and len(mail.outbox) == 2
    again = client.post(link)  # a link works once
    assert again.status_code == 400 and "không hợp lệ" in again.content.decode()


def confirm_link(message) -> str:
    return re.search(r"http://testserver((?:/en)?/exhibit/confirm/\S+/)", message.body).group(1)


def test_sending_the_form_again_before_confirming_keeps_only_the_newest(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(event), solved(application_data(tax_code="0100109106", expected_copies="1000")))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url(event, "/en"), solved(application_data(tax_code="0100 109 106", expected_copies="5000"))
        )
    first, newest = (confirm_link(message) for message in mail.outbox)
    assert first != newest
    assert client.post(first).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post(newest)
    app = ExhibitorApplication.objects.get()
    assert app.expected_copies == 5000 and app.language == "en" and app.status == "submitted"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"tax_code": "0100109107"}, "tax_code"),
        ({"tax_code": "abc"}, "tax_code"),
        ({"phone": "0912"}, "phone"),
        ({"consent": ""}, "consent"),
        ({"email": "not-an-email"}, "email"),
        ({"expected_copies": "-5"}, "expected_copies"),
        ({"website": "javascript:alert(1)"}, "website"),
    ],
)
def test_bad_input_shows_the_form_again_and_writes_nothing(client, event, overrides, field):
    response = client.post(url(event), solved(application_data(**overrides)))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not ExhibitorApplication.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    "logo",
    [
        SimpleUploadedFile("logo.png", b"this is not an image", content_type="image/png"),
        png("logo.gif", fmt="GIF"),
        png("logo.png", size=(5000, 10)),
        SimpleUploadedFile(
            "logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml"
        ),
    ],
)
def test_a_logo_that_is_not_a_usable_image_is_refused(client, event, logo):
    response = client.post(url(event), solved({**application_data(), "logo": logo}))
    assert response.status_code == 400
    assert "logo" in response.context["form"].errors
    assert not ExhibitorApplication.objects.exists()


def test_a_logo_over_2_mb_is_refused(client, event, monkeypatch):
    monkeypatch.setattr("bookday.validators.MAX_IMAGE_BYTES", 100)
    response = client.post(url(event), solved({**application_data(), "logo": png()}))
    assert response.status_code == 400 and "logo" in response.context["form"].errors
    assert not ExhibitorApplication.objects.exists()


def test_a_filled_honeypot_looks_like_success_but_keeps_nothing(client, event):
    response = client.post(url(event), solved(application_data(fax="http://spam.example")))
    assert response.status_code == 302
    assert not ExhibitorApplication.objects.exists() and not mail.outbox


@override_settings(RATE_LIMIT_PER_IP=2)
def test_too_many_attempts_are_refused(client, event):
    for _ in range(2):
        client.post(url(event), solved(application_data()))
    response = client.post(url(event), solved(application_data()))
    assert response.status_code == 429
    assert ExhibitorApplication.objects.count() == 2


def test_closed_for_past_events_and_absent_for_drafts(client, event_index):
    past = EventPageFactory(
        parent=event_index,
        start_date=timezone.localdate() - dt.timedelta(days=10),
        end_date=timezone.localdate() - dt.timedelta(days=8),
    )
    page = client.get(url(past))
    assert page.status_code == 200 and "<form" not in page.content.decode().split("<main")[1]
    assert client.post(url(past), solved(application_data())).status_code == 409
    draft = EventPageFactory(parent=event_index, live=False)
    assert client.get(url(draft)).status_code == 404
    assert not ExhibitorApplication.objects.exists()


def test_the_event_page_links_to_the_form_until_the_event_is_over(client, event, event_index):
    assert f'href="/events/{event.pk}/exhibit/"' in client.get(event.url).content.decode()
    past = EventPageFactory(
        parent=event_index,
        start_date=timezone.localdate() - dt.timedelta(days=10),
        end_date=timezone.localdate() - dt.timedelta(days=8),
    )
    assert "/exhibit/" not in client.get(past.url).content.decode()


# --- accounts -------------------------------------------------------------------------------------


@pytest.fixture
def publisher_user(db):
    publisher = Publisher.objects.create(
        name="NXB Trẻ",
        kind="publishing_house",
        tax_code="0300588569",
        contact_name="Lê Văn Nam",
        email="nam@nxbtre.vn",
        phone="+842839316289",
    )
    user = User.objects.create_user("nam@nxbtre.vn", email="nam@nxbtre.vn", password="Sach-Hay-2025!")
    PublisherUser.objects.create(user=user, publisher=publisher)
    return user


def test_a_publisher_signs_in_with_email_and_goes_to_the_portal(client, publisher_user):
    page = client.get("/publisher/login/")
    assert page.status_code == 200 and 'autocomplete="email"' in page.content.decode()
    response = client.post("/publisher/login/", {"username": "NAM@nxbtre.vn", "password": "Sach-Hay-2025!"})
    assert response.status_code == 302 and response["Location"] == "/publisher/"
    assert client.post("/publisher/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused(client, publisher_user):
    response = client.post("/publisher/login/", {"username": "nam@nxbtre.vn", "password": "wrong"})
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_a_staff_login_is_answered_exactly_as_a_wrong_password(client, home):
    # Telling them apart would confirm to a stranger that they guessed a staff password.
    organiser = User.objects.create_user(
        "tochuc", email="tochuc@bookday.vn", password="Sach-Hay-2025!", is_staff=True
    )
    organiser.groups.add(Group.objects.get(name=ORGANISERS))
    right = client.post("/publisher/login/", {"username": "tochuc@bookday.vn", "password": "Sach-Hay-2025!"})
    wrong = client.post("/publisher/login/", {"username": "tochuc@bookday.vn", "password": "Sai-mat-khau-1"})
    assert right.status_code == wrong.status_code == 400
    errors = [response.context["form"].non_field_errors().as_data()[0] for response in (right, wrong)]
    assert [error.code for error in errors] == ["invalid_login", "invalid_login"]
    assert errors[0].messages == errors[1].messages
    assert "_auth_user_id" not in client.session


def test_forgot_password_sends_a_set_password_link_to_a_publisher_without_password(client, publisher_user):
    publisher_user.set_unusable_password()
    publisher_user.save()
    response = client.post("/publisher/forgot-password/", {"email": "Nam@NXBTre.vn"})
    assert response.status_code == 302 and response["Location"] == "/publisher/forgot-password/sent/"
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/publisher/set-password/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "new_password1" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Moi-2025-xyz!", "new_password2": "Moi-2025-xyz!"}
    )
    assert done.status_code == 302
    publisher_user.refresh_from_db()
    assert publisher_user.check_password("Moi-2025-xyz!")


def test_forgot_password_says_the_same_for_unknown_and_staff_addresses(client, home):
    User.objects.create_user("tochuc", email="tochuc@bookday.vn", password="x", is_staff=True)
    for email in ["nobody@example.vn", "tochuc@bookday.vn"]:
        response = client.post("/publisher/forgot-password/", {"email": email})
        assert response.status_code == 302
    assert not mail.outbox


def test_set_password_links_of_staff_are_not_accepted_here(client, home):
    from publishers.emails import set_password_url

    staff = User.objects.create_user("tochuc", email="tochuc@bookday.vn", password="x", is_staff=True)
    link = set_password_url(staff).replace("http://testserver", "")
    page = client.get(link, follow=True)
    assert "new_password1" not in page.content.decode()


def test_an_application_without_the_check_is_refused_and_keeps_nothing(client, event):
    response = client.post(url(event), application_data())
    assert response.status_code == 400
    assert "Hãy đánh dấu “Tôi không phải là người máy”" in response.content.decode()
    assert not ExhibitorApplication.objects.exists() and mail.outbox == []
