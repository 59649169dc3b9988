"""Announcements in the admin are for organisers: editors see neither the list nor a review page."""

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail

from home.groups import EDITORS, ORGANISERS
from messaging.models import Announcement, Delivery
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db


def staff(name, group):
    user = User.objects.create_user(name, email=f"{name}@sovanhoa.gov.vn", password="x")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def announcement(event):
    return Announcement.objects.create(event=event, subject="Đổi hội trường", body="Hội trường tầng 2.")


def test_editors_cannot_reach_announcements(client, announcement):
    client.force_login(staff("bientap", EDITORS))
    assert client.get("/admin/announcements/").status_code in (302, 403)
    # Wagtail answers a refusal in the admin with a redirect to its home and a message.
    review = client.get(f"/admin/announcements/{announcement.pk}/review/")
    assert review.status_code in (302, 403) and "Đổi hội trường" not in review.content.decode()
    assert client.post(f"/admin/announcements/{announcement.pk}/review/", {"send": "1"}).status_code in (
        302,
        403,
    )
    assert not Delivery.objects.exists()


def test_an_organiser_sends_once_and_a_second_click_is_refused_with_a_message(
    client, event, announcement, django_capture_on_commit_callbacks
):
    register_visitor(event, email="huong@example.vn")
    mail.outbox.clear()
    client.force_login(staff("mai", ORGANISERS))
    review = f"/admin/announcements/{announcement.pk}/review/"
    assert client.get("/admin/announcements/").status_code == 200
    assert "1 lượt đăng ký" in client.get(review).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(review, {"send": "1", "checked": "on"})
    again = client.post(review, {"send": "1", "checked": "on"}, follow=True)

    assert "Thông báo này đã được gửi" in again.content.decode()
    assert [m.to for m in mail.outbox] == [["huong@example.vn"]]
    # A sent announcement is not edited any more.
    assert client.get(f"/admin/announcements/edit/{announcement.pk}/").url.endswith("/review/")


def test_a_sent_announcement_cannot_be_deleted_with_its_log(client, event, announcement):
    announcement.status = "sent"
    announcement.save()
    client.force_login(staff("mai", ORGANISERS))
    client.post(f"/admin/announcements/delete/{announcement.pk}/")
    assert Announcement.objects.filter(pk=announcement.pk).exists()
    draft = Announcement.objects.create(event=event, subject="Nháp", body="…")
    client.post(f"/admin/announcements/delete/{draft.pk}/")
    assert not Announcement.objects.filter(pk=draft.pk).exists()


def test_announcements_are_listed_in_the_book_day_menu_for_organisers_only(client):
    client.force_login(staff("mai", ORGANISERS))
    assert "/admin/announcements/" in client.get("/admin/").content.decode()
    client.force_login(staff("bientap", EDITORS))
    assert "/admin/announcements/" not in client.get("/admin/").content.decode()
