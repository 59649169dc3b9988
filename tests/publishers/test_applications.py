"""The exhibitor application workflow, through its services: submit, approve, reject, booths."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import timezone

from home.groups import ORGANISERS
from publishers.enums import ApplicationStatus
from publishers.models import Exhibitor, ExhibitorApplication, Publisher, PublisherUser
from publishers.services.applications import (
    ApplicationError,
    approve_application,
    assign_booths,
    normalize_booths,
    reject_application,
)
from tests.factories import EventPageFactory
from tests.publishers.application_factories import png, run_now, service_data, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(db):
    user = User.objects.create_user("tochuc", email="tochuc@bookday.vn", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS))
    return user


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+/set-password/\S+/)", message.body).group(1)


# --- submit -----------------------------------------------------------------------------------


def test_submit_records_the_application_and_emails_the_applicant(event):
    result = submit(event, tax_code="0100109106", phone="024 3943 4730", logo=png())
    app = result.application
    assert result.created
    assert app.status == ApplicationStatus.SUBMITTED
    assert app.tax_code == "0100109106" and app.phone == "+842439434730"
    assert app.consent_at is not None and app.logo.name.startswith("publishers/applications/")
    assert app.publisher is None and app.email_confirmed_at is not None
    assert len(mail.outbox) == 2  # the confirmation link, then "received" once it was followed
    assert mail.outbox[0].to == ["huong@nxbkimdong.vn"] and "/exhibit/confirm/" in mail.outbox[0].body
    message = mail.outbox[1]
    assert message.to == ["huong@nxbkimdong.vn"]
    assert "Nhà xuất bản Kim Đồng" in message.body
    assert "Nhà xuất bản Kim Đồng" in message.alternatives[0][0]


def test_reapplying_with_the_same_tax_code_updates_instead_of_duplicating(event):
    first = submit(event, tax_code="0100109106", expected_titles="100").application
    again = submit(
        event, tax_code="0100-109-106", expected_titles="250", contact_name="Lê Văn Nam", language="en"
    )
    assert not again.created
    assert ExhibitorApplication.objects.count() == 1
    first.refresh_from_db()
    assert first.expected_titles == 250 and first.contact_name == "Lê Văn Nam" and first.language == "en"
    # The same tax code may apply to another event: that is a new application.
    other_event = EventPageFactory(parent=event.get_parent())
    assert submit(other_event, tax_code="0100109106").created
    assert ExhibitorApplication.objects.count() == 2


def test_reapplying_after_rejection_goes_back_to_review_and_after_approval_is_refused(event, organiser):
    app = submit(event, tax_code="0100109106").application
    run_now(reject_application, application=app, reason="Hồ sơ thiếu giấy phép.", by=organiser)
    again = submit(event, tax_code="0100109106").application
    assert again.pk == app.pk
    assert again.status == ApplicationStatus.SUBMITTED and again.rejection_reason == ""
    run_now(approve_application, application=again, booths="A1", by=organiser)
    with pytest.raises(ApplicationError) as error:
        submit(event, tax_code="0100109106", expected_titles="999")
    assert error.value.code == "already_approved"
    again.refresh_from_db()
    assert again.expected_titles != 999


def test_a_known_tax_code_is_linked_to_its_publisher(event):
    publisher = Publisher.objects.create(
        name="NXB Trẻ",
        kind="publishing_house",
        tax_code="0300588569",
        contact_name="A",
        email="a@nxbtre.vn",
        phone="+842839316289",
    )
    assert submit(event, tax_code="0300588569").application.publisher == publisher


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"tax_code": "0100109107"}, "invalid", "tax_code"),  # wrong check digit
        ({"tax_code": "12345"}, "invalid", "tax_code"),
        ({"phone": "12 34"}, "invalid", "phone"),
        ({"consent": ""}, "consent_required", "consent"),
        ({"organisation_name": "  "}, "required", "organisation_name"),
        ({"booth_size": "huge"}, "invalid", "booth_size"),
        ({"kind": "bank"}, "invalid", "kind"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(event, overrides, code, field):
    with pytest.raises(ApplicationError) as error:
        submit(event, **overrides)
    assert (error.value.code, error.value.field) == (code, field)
    assert error.value.message
    assert not ExhibitorApplication.objects.exists()
    assert not mail.outbox


def test_a_logo_over_the_size_limit_is_refused(event):
    logo = png()
    logo.size = 3 * 1024 * 1024
    with pytest.raises(ApplicationError) as error:
        submit(event, logo=logo)
    assert error.value.code == "logo_too_large"
    assert not ExhibitorApplication.objects.exists()


def test_applications_close_when_the_event_is_over_or_unpublished(event_index):
    past = EventPageFactory(
        parent=event_index,
        start_date=timezone.localdate() - dt.timedelta(days=10),
        end_date=timezone.localdate() - dt.timedelta(days=8),
    )
    with pytest.raises(ApplicationError) as error:
        submit(past)
    assert error.value.code == "closed"
    draft = EventPageFactory(parent=event_index, live=False)
    with pytest.raises(ApplicationError):
        submit(draft)
    assert not ExhibitorApplication.objects.exists()


# --- approve ----------------------------------------------------------------------------------


def test_approval_creates_publisher_exhibitor_and_a_login_then_the_link_sets_a_password(
    client, event, organiser
):
    app = submit(event, tax_code="0100109106", logo=png()).application
    mail.outbox.clear()
    result = run_now(approve_application, application=app, booths="a12; a13", by=organiser)

    assert result.new_publisher and result.new_account
    publisher = Publisher.objects.get(tax_code="0100109106")
    assert publisher.name == "Nhà xuất bản Kim Đồng" and publisher.logo.name == app.logo.name
    exhibitor = Exhibitor.objects.get(event=event, publisher=publisher)
    assert exhibitor.booths == "A12, A13" and exhibitor.application_id == app.pk
    app.refresh_from_db()
    assert (app.status, app.publisher, app.booths, app.decided_by) == (
        ApplicationStatus.APPROVED,
        publisher,
        "A12, A13",
        organiser,
    )
    user = User.objects.get(email="huong@nxbkimdong.vn")
    assert user.publisher_user.publisher == publisher
    assert not user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert not user.has_perm("wagtailadmin.access_admin")

    (message,) = mail.outbox
    assert "A12, A13" in message.body and "A12, A13" in message.alternatives[0][0]
    link = link_in(message)
    page = client.get(link, follow=True)
    assert page.status_code == 200 and "new_password1" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "Sach-Hay-2025!", "new_password2": "Sach-Hay-2025!"}
    )
    assert response.status_code == 302 and response["Location"] == "/publisher/"
    # Used once: the same link no longer works.
    assert "new_password1" not in client.get(link, follow=True).content.decode()
    client.logout()
    login = client.post(
        "/publisher/login/", {"username": "Huong@NXBKimDong.vn", "password": "Sach-Hay-2025!"}
    )
    assert login.status_code == 302 and login["Location"] == "/publisher/"


def test_english_applicants_get_english_emails_with_english_links(event, organiser):
    app = submit(event, language="en").application
    assert "received" in mail.outbox[-1].subject.lower() or "application" in mail.outbox[-1].subject.lower()
    run_now(approve_application, application=app, booths="B2", by=organiser)
    assert "/en/publisher/set-password/" in mail.outbox[-1].body


def test_a_returning_publisher_is_linked_not_duplicated_and_gets_a_login_link(event, organiser):
    first = submit(event, tax_code="0101243150", email="sales@phuongnam.vn").application
    run_now(approve_application, application=first, booths="C1", by=organiser)
    user = User.objects.get(email="sales@phuongnam.vn")
    user.set_password("Sach-Hay-2025!")
    user.save()
    publisher = Publisher.objects.get()
    publisher.description = "Kept up to date in the portal."
    publisher.save()

    next_year = EventPageFactory(parent=event.get_parent())
    second = submit(
        next_year, tax_code="0101243150", email="SALES@phuongnam.vn", description="Typed again."
    ).application
    assert second.publisher == publisher  # linked as soon as it is submitted
    mail.outbox.clear()
    result = run_now(approve_application, application=second, booths="D4", by=organiser)

    assert not result.new_publisher and not result.new_account
    assert (
        Publisher.objects.count() == 1
        and User.objects.filter(email__iexact="sales@phuongnam.vn").count() == 1
    )
    assert PublisherUser.objects.count() == 1
    publisher.refresh_from_db()
    assert publisher.description == "Kept up to date in the portal."
    assert Exhibitor.objects.filter(publisher=publisher).count() == 2
    body = mail.outbox[0].body
    assert "/publisher/login/" in body and "set-password" not in body


def test_a_second_contact_gets_a_new_login_of_the_same_publisher(event, organiser):
    run_now(approve_application, application=submit(event, tax_code="0100233488").application, by=organiser)
    next_year = EventPageFactory(parent=event.get_parent())
    app = submit(next_year, tax_code="0100233488", email="khac@nxb.vn").application
    result = run_now(approve_application, application=app, by=organiser)
    assert result.new_account and not result.new_publisher
    assert PublisherUser.objects.filter(publisher=result.publisher).count() == 2


def test_approval_refuses_an_email_of_staff_or_of_another_publisher_and_writes_nothing(event, organiser):
    app = submit(event, email="tochuc@bookday.vn").application
    with pytest.raises(ApplicationError) as error:
        run_now(approve_application, application=app, booths="A1", by=organiser)
    assert error.value.code == "email_in_use"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    assert not Publisher.objects.exists() and not Exhibitor.objects.exists()
    assert not PublisherUser.objects.exists()  # the organiser did not become a publisher user


def test_approving_twice_is_refused(event, organiser):
    app = submit(event).application
    run_now(approve_application, application=app, booths="A1", by=organiser)
    with pytest.raises(ApplicationError) as error:
        approve_application(application=app, booths="A2", by=organiser)
    assert error.value.code == "already_approved"
    assert Exhibitor.objects.get().booths == "A1"


def test_a_booth_cannot_be_given_to_two_exhibitors_of_the_same_event(event, organiser):
    run_now(approve_application, application=submit(event).application, booths="A1, A2", by=organiser)
    other = submit(event, organisation_name="Công ty Phương Nam", email="pn@pn.vn").application
    with pytest.raises(ApplicationError) as error:
        approve_application(application=other, booths="a2", by=organiser)
    assert error.value.code == "booth_taken" and "A2" in error.value.message
    assert Exhibitor.objects.count() == 1
    # The same booth at another event is fine.
    next_year = EventPageFactory(parent=event.get_parent())
    third = submit(next_year, organisation_name="Nhã Nam", email="nn@nhanam.vn").application
    run_now(approve_application, application=third, booths="A2", by=organiser)


# --- reject and booths --------------------------------------------------------------------------


def test_rejection_needs_a_reason_and_emails_it(event, organiser):
    app = submit(event).application
    mail.outbox.clear()
    with pytest.raises(ApplicationError) as error:
        reject_application(application=app, reason="   ", by=organiser)
    assert error.value.code == "reason_required"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and not mail.outbox

    run_now(reject_application, application=app, reason="Hết gian hàng cỡ lớn.", by=organiser)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED and app.decided_by == organiser
    assert "Hết gian hàng cỡ lớn." in mail.outbox[0].body
    assert "Hết gian hàng cỡ lớn." in mail.outbox[0].alternatives[0][0]
    with pytest.raises(ApplicationError) as again:
        reject_application(application=app, reason="x", by=organiser)
    assert again.value.code == "already_rejected"


def test_an_approved_application_cannot_be_rejected(event, organiser):
    app = submit(event).application
    run_now(approve_application, application=app, by=organiser)
    with pytest.raises(ApplicationError) as error:
        reject_application(application=app, reason="Changed our mind", by=organiser)
    assert error.value.code == "already_approved"


def test_assign_booths_by_exhibitor_or_application(event, organiser):
    app = submit(event).application
    with pytest.raises(ApplicationError) as error:
        assign_booths(application=app, booths="A1")
    assert error.value.code == "not_approved"
    result = run_now(approve_application, application=app, by=organiser)
    assert result.exhibitor.booths == ""
    assign_booths(application=app, booths="b7 b8")
    app.refresh_from_db()
    assert app.booths == "B7, B8" and Exhibitor.objects.get().booths == "B7, B8"
    assign_booths(exhibitor=result.exhibitor, booths="B9")
    assert Exhibitor.objects.get().booths == "B9"
    with pytest.raises(ApplicationError) as bad:
        assign_booths(exhibitor=result.exhibitor, booths="A1 <script>")
    assert bad.value.code == "invalid_booths"
    assert Exhibitor.objects.get().booths == "B9"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("a12", "A12"), ("A12,A13", "A12, A13"), (" a12 ; a12  b-3 ", "A12, B-3"), ("", "")],
)
def test_booth_numbers_are_normalised(typed, stored):
    assert normalize_booths(typed) == stored


# --- nobody takes over an organisation with its public tax code ---------------------------------


def test_a_stranger_cannot_replace_the_confirmed_contact(event, organiser):
    app = submit(event, tax_code="0100109106", email="huong@nxbkimdong.vn").application
    mail.outbox.clear()
    attempt = submit(
        event, confirm=False, tax_code="0100109106", email="attacker@evil.example", phone="0912 000 111"
    )
    assert attempt.confirm_to == ["huong@nxbkimdong.vn"]  # the link goes to the confirmed address
    assert [message.to for message in mail.outbox] == [["huong@nxbkimdong.vn"]]
    assert "attacker@evil.example" in mail.outbox[0].body  # so the owner sees what was asked
    app.refresh_from_db()
    assert (app.email, app.phone, app.status) == ("huong@nxbkimdong.vn", "+842439434730", "submitted")
    mail.outbox.clear()
    result = run_now(approve_application, application=app, booths="A1", by=organiser)
    assert result.user.email == "huong@nxbkimdong.vn"
    assert all(message.to == ["huong@nxbkimdong.vn"] for message in mail.outbox)


def test_a_returning_publisher_is_confirmed_by_its_own_accounts_never_by_the_form(event, organiser):
    first = submit(event, tax_code="0100109106", email="huong@nxbkimdong.vn").application
    publisher = run_now(approve_application, application=first, booths="A1", by=organiser).publisher
    next_fair = EventPageFactory(parent=event.get_parent())
    mail.outbox.clear()
    attempt = submit(next_fair, confirm=False, tax_code="0100109106", email="attacker@evil.example")
    assert attempt.confirm_to == ["huong@nxbkimdong.vn"]
    assert [message.to for message in mail.outbox] == [["huong@nxbkimdong.vn"]]
    with pytest.raises(ApplicationError) as error:
        approve_application(application=attempt.application, booths="B1", by=organiser)
    assert error.value.code == "not_confirmed"
    assert not PublisherUser.objects.filter(user__email="attacker@evil.example").exists()
    assert publisher.members.count() == 1


def test_a_publisher_applies_from_its_portal_at_once(event, organiser):
    first = submit(event, tax_code="0100109106", email="huong@nxbkimdong.vn").application
    member = run_now(approve_application, application=first, booths="A1", by=organiser).user
    next_fair = EventPageFactory(parent=event.get_parent())
    from publishers.services.applications import submit_application

    result = submit_application(event=next_fair, data=service_data(tax_code="0100109106"), member=member)
    assert result.confirm_to == [] and result.application.status == "submitted"
    stranger = User.objects.create_user("other", email="other@example.vn")
    PublisherUser.objects.create(
        user=stranger,
        publisher=Publisher.objects.create(
            name="NXB Trẻ",
            kind="publishing_house",
            tax_code="0300588569",
            contact_name="A",
            email="a@nxbtre.vn",
            phone="+842839316289",
        ),
    )
    with pytest.raises(ApplicationError):  # one publisher's member cannot apply for another
        submit_application(event=next_fair, data=service_data(tax_code="0100109106"), member=stranger)


def test_confirmed_changes_of_contact_details_are_recorded_for_organisers(event):
    app = submit(event, tax_code="0100109106", email="huong@nxbkimdong.vn").application
    changed = submit(
        event, tax_code="0100109106", email="nam@nxbkimdong.vn", contact_name="Lê Văn Nam"
    ).application
    assert changed.pk == app.pk and changed.email == "nam@nxbkimdong.vn"
    last = changed.contact_history[-1]
    assert last["by"] == "huong@nxbkimdong.vn"
    assert last["changes"]["email"] == ["huong@nxbkimdong.vn", "nam@nxbkimdong.vn"]
    assert last["changes"]["contact_name"][1] == "Lê Văn Nam"


def test_bad_expired_or_stale_links_are_refused(event):
    from django.core import signing

    from publishers.services.applications import confirm_application
    from publishers.services.confirmation import CONFIRM_MAX_AGE, confirmation_token

    attempt = submit(event, confirm=False, tax_code="0100109106")
    token = confirmation_token(attempt.application)
    for bad in ("nonsense", token[:-2] + "xx"):
        with pytest.raises(ApplicationError) as error:
            confirm_application(token=bad)
        assert error.value.code == "link_invalid"
    with mock.patch.object(signing, "time") as clock:
        clock.time.return_value = __import__("time").time() + CONFIRM_MAX_AGE + 60
        with pytest.raises(ApplicationError):
            confirm_application(token=token)
    assert ExhibitorApplication.objects.get().status == "unconfirmed"
