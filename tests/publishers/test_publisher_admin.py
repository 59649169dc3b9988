"""Organisers review applications and manage publishers and exhibitors in the Wagtail admin."""

import io
import json
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from openpyxl import load_workbook

from home.groups import EDITORS, GATE_STAFF, ORGANISERS
from publishers.enums import ApplicationStatus
from publishers.models import Exhibitor, ExhibitorApplication, Publisher, PublisherUser
from publishers.services.applications import approve_application
from tests.factories import EventPageFactory
from tests.publishers.application_factories import run_now, submit

pytestmark = pytest.mark.django_db

APPS = "/admin/exhibitor_applications/"


def staff(group_name: str, username: str) -> User:
    user = User.objects.create_user(username, email=f"{username}@bookday.vn", password="x")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def organiser_client(client, home):
    client.force_login(staff(ORGANISERS, "tochuc"))
    return client


@pytest.fixture
def applications(event):
    return [
        submit(event, tax_code="0100109106", organisation_name="Nhà xuất bản Kim Đồng").application,
        submit(
            event, tax_code="0300588569", organisation_name="Công ty Sách Phương Nam", email="pn@phuongnam.vn"
        ).application,
    ]


def test_the_publishers_menu_lists_applications_with_search_filters_and_export(
    organiser_client, applications
):
    dashboard = organiser_client.get("/admin/").content.decode()
    assert APPS in dashboard and "/admin/publishers/" in dashboard and "/admin/exhibitors/" in dashboard
    html = organiser_client.get(APPS).content.decode()
    assert "Nhà xuất bản Kim Đồng" in html and "Công ty Sách Phương Nam" in html
    for query in ["phương nam", "0300588569", "pn@phuongnam.vn"]:
        found = organiser_client.get(APPS, {"q": query}).content.decode()
        assert "Công ty Sách Phương Nam" in found and "Kim Đồng" not in found, query
    run_now(approve_application, application=applications[0], booths="A1")
    approved = organiser_client.get(APPS, {"status": "approved"}).content.decode()
    assert "Kim Đồng" in approved and "Phương Nam" not in approved
    xlsx = organiser_client.get(APPS, {"export": "xlsx"})
    assert xlsx.status_code == 200
    content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    cells = [str(c) for row in load_workbook(io.BytesIO(content)).active.values for c in row]
    assert "Công ty Sách Phương Nam" in cells and "0300588569" in cells


def test_inspect_shows_the_application_with_approve_and_reject(organiser_client, applications):
    app = applications[0]
    html = organiser_client.get(f"{APPS}inspect/{app.pk}/").content.decode()
    assert "Nhà xuất bản Kim Đồng" in html and "0100109106" in html
    assert f"{APPS}approve/{app.pk}/" in html and f"{APPS}reject/{app.pk}/" in html


def test_applications_cannot_be_added_or_deleted_in_the_admin(organiser_client, applications):
    assert organiser_client.get(f"{APPS}new/").status_code == 404
    assert organiser_client.post(f"{APPS}delete/{applications[0].pk}/").status_code == 404
    assert ExhibitorApplication.objects.count() == 2


def test_an_organiser_approves_with_booths(
    organiser_client, applications, django_capture_on_commit_callbacks
):
    app = applications[0]
    form = organiser_client.get(f"{APPS}approve/{app.pk}/")
    assert form.status_code == 200 and 'name="booths"' in form.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(f"{APPS}approve/{app.pk}/", {"booths": "a12, a13"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{APPS}inspect/{app.pk}/"
    assert "huong@nxbkimdong.vn" in response.content.decode()  # the success message names the address
    app.refresh_from_db()
    assert app.status == ApplicationStatus.APPROVED and app.decided_by.username == "tochuc"
    assert Exhibitor.objects.get(event=app.event).booths == "A12, A13"
    assert PublisherUser.objects.get().user.email == "huong@nxbkimdong.vn"
    assert mail.outbox and "set-password" in mail.outbox[0].body


def test_a_taken_booth_is_shown_as_an_error_and_nothing_changes(organiser_client, applications):
    run_now(approve_application, application=applications[0], booths="A12")
    other = applications[1]
    response = organiser_client.post(f"{APPS}approve/{other.pk}/", {"booths": "A12"})
    assert response.status_code == 409
    assert "A12" in response.content.decode() and "Nhà xuất bản Kim Đồng" in response.content.decode()
    other.refresh_from_db()
    assert other.status == ApplicationStatus.SUBMITTED and Publisher.objects.count() == 1


def test_an_organiser_rejects_with_a_reason(
    organiser_client, applications, django_capture_on_commit_callbacks
):
    app = applications[1]
    empty = organiser_client.post(f"{APPS}reject/{app.pk}/", {"reason": ""})
    assert empty.status_code == 400
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(f"{APPS}reject/{app.pk}/", {"reason": "Không còn gian hàng cỡ lớn."})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED and app.rejection_reason == "Không còn gian hàng cỡ lớn."
    assert mail.outbox[0].to == ["pn@phuongnam.vn"] and "Không còn gian hàng cỡ lớn." in mail.outbox[0].body
    # Decided: rejecting again is refused with a message, not a crash.
    again = organiser_client.post(f"{APPS}reject/{app.pk}/", {"reason": "x"})
    assert again.status_code == 409


@pytest.mark.parametrize("group_name", [EDITORS, GATE_STAFF])
def test_editors_and_gate_staff_cannot_review_applications(client, home, applications, group_name):
    user = staff(group_name, "khac")
    assert not user.has_perm("publishers.change_exhibitorapplication")
    assert not user.has_perm("publishers.view_publisher")
    client.force_login(user)
    app = applications[0]
    for url in [APPS, f"{APPS}approve/{app.pk}/", f"{APPS}inspect/{app.pk}/", "/admin/publishers/"]:
        assert client.get(url).status_code in (302, 403), url
    assert client.post(f"{APPS}approve/{app.pk}/", {"booths": "A1"}).status_code in (302, 403)
    assert client.post(f"{APPS}reject/{app.pk}/", {"reason": "x"}).status_code in (302, 403)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and not Publisher.objects.exists()


def test_an_editor_is_refused_with_403_on_the_decision_views(client, home, applications):
    client.force_login(staff(EDITORS, "bientap"))
    response = client.post(f"{APPS}approve/{applications[0].pk}/", {"booths": "A1"})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/login/" not in response["Location"]  # signed in, but not allowed


def test_publisher_users_cannot_reach_the_admin(client, home, applications):
    result = run_now(approve_application, application=applications[0], booths="A1")
    user = result.user
    user.set_password("Sach-Hay-2025!")
    user.save()
    client.force_login(user)
    for url in ["/admin/", APPS, f"{APPS}approve/{applications[1].pk}/", "/admin/publishers/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    assert client.post(f"{APPS}approve/{applications[1].pk}/", {"booths": "B1"}).status_code == 302
    assert ExhibitorApplication.objects.get(pk=applications[1].pk).status == ApplicationStatus.SUBMITTED
    # Nor sign in to it with their password.
    client.logout()
    client.post("/admin/login/", {"username": user.username, "password": "Sach-Hay-2025!"})
    assert client.get("/admin/").status_code == 302


def test_organisers_get_the_publisher_permissions(home):
    organiser = staff(ORGANISERS, "tochuc2")
    for perm in [
        "publishers.view_exhibitorapplication",
        "publishers.change_exhibitorapplication",
        "publishers.change_publisher",
        "publishers.change_exhibitor",
    ]:
        assert organiser.has_perm(perm), perm


def test_exhibitor_booths_are_edited_through_assign_booths(organiser_client, applications, event):
    first = run_now(approve_application, application=applications[0], booths="A1").exhibitor
    second = run_now(approve_application, application=applications[1], booths="B1").exhibitor
    listing = organiser_client.get("/admin/exhibitors/", {"event": event.pk}).content.decode()
    assert "Nhà xuất bản Kim Đồng" in listing and "B1" in listing
    response = organiser_client.post(f"/admin/exhibitors/edit/{second.pk}/", {"booths": "a1"})
    assert response.status_code == 200  # the form again, with the error
    assert "Nhà xuất bản Kim Đồng" in response.content.decode()
    assert Exhibitor.objects.get(pk=second.pk).booths == "B1"
    response = organiser_client.post(f"/admin/exhibitors/edit/{second.pk}/", {"booths": "b1; b2"})
    assert response.status_code == 302
    assert Exhibitor.objects.get(pk=second.pk).booths == "B1, B2"
    assert ExhibitorApplication.objects.get(pk=applications[1].pk).booths == "B1, B2"
    assert Exhibitor.objects.get(pk=first.pk).booths == "A1"
    other_event = EventPageFactory(parent=event.get_parent())
    assert (
        "Kim Đồng"
        not in organiser_client.get("/admin/exhibitors/", {"event": other_event.pk}).content.decode()
    )


def test_publishers_are_searched_and_edited_with_checked_tax_codes(organiser_client, applications):
    publisher = run_now(approve_application, application=applications[0], booths="A1").publisher
    assert (
        "Nhà xuất bản Kim Đồng"
        in organiser_client.get("/admin/publishers/", {"q": "0100109106"}).content.decode()
    )
    data = {
        "name": "NXB Kim Đồng",
        "kind": "publishing_house",
        "tax_code": "0100109107",
        "contact_name": "Đặng Thị Hương",
        "email": "huong@nxbkimdong.vn",
        "phone": "024 3943 4730",
        "address": "55 Quang Trung",
        "website": "",
        "description": "",
    }
    bad = organiser_client.post(f"/admin/publishers/edit/{publisher.pk}/", data)
    assert bad.status_code == 200
    assert Publisher.objects.get().name == "Nhà xuất bản Kim Đồng"
    good = organiser_client.post(
        f"/admin/publishers/edit/{publisher.pk}/", {**data, "tax_code": "0100-109-106"}
    )
    assert good.status_code == 302
    publisher.refresh_from_db()
    assert (publisher.name, publisher.tax_code, publisher.phone) == (
        "NXB Kim Đồng",
        "0100109106",
        "+842439434730",
    )
    assert organiser_client.get(f"/admin/publishers/delete/{publisher.pk}/").status_code == 404


def test_an_approved_application_shows_its_outcome_not_the_form_again(organiser_client, applications):
    app = applications[0]
    organiser = User.objects.get(username="tochuc")
    organiser.first_name, organiser.last_name = "Hà", "Lê"
    organiser.save()
    run_now(approve_application, application=app, booths="A3, A4", by=organiser)
    again = organiser_client.get(f"{APPS}approve/{app.pk}/", follow=True)
    assert again.redirect_chain[-1][0] == f"{APPS}inspect/{app.pk}/"
    html = again.content.decode()
    assert 'name="booths"' not in html  # no approve form
    assert "Kết quả xét duyệt" in html and "A3, A4" in html and "Hà Lê" in html
    assert f"{APPS}approve/{app.pk}/" not in html
    assert not re.search(r">\s*None\s*<", html) and "Tiếng Việt" in html


def test_the_approve_form_lists_the_free_booths(organiser_client, applications):
    run_now(approve_application, application=applications[0], booths="A1, A2, A4")
    html = organiser_client.get(f"{APPS}approve/{applications[1].pk}/").content.decode()
    free = re.search(r"Còn trống:</strong>([^<]*)<", html).group(1)
    assert [booth.strip() for booth in free.split(",")] == ["A3", "A5"]
    assert "A4 (Nhà xuất bản Kim Đồng)" in html


def menu_labels(client) -> str:
    """The sidebar's menu, as the page's JSON gives it to the sidebar script."""
    html = client.get("/admin/").content.decode()
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    )
    return json.dumps(json.loads(props.group(1)), ensure_ascii=False)


def test_the_menu_counts_the_applications_waiting(organiser_client, applications):
    assert "Đơn đăng ký triển lãm (2)" in menu_labels(organiser_client)
    run_now(approve_application, application=applications[0], booths="A1")
    labels = menu_labels(organiser_client)
    assert "Đơn đăng ký triển lãm (1)" in labels and "(2)" not in labels
    run_now(approve_application, application=applications[1], booths="B1")
    assert '"Đơn đăng ký triển lãm"' in menu_labels(organiser_client)  # nothing waits: no count
