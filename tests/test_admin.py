import pytest

pytestmark = pytest.mark.django_db


def test_admin_speaks_vietnamese_by_default(client):
    html = client.get("/admin/login/").content.decode()
    assert 'lang="vi"' in html
    assert "Đăng nhập" in html
    assert "Mật khẩu" in html and ">Password<" not in html


def test_admin_offers_english_as_a_preference(admin_client, admin_user):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    html = admin_client.get("/admin/").content.decode()
    assert 'lang="en"' in html


def test_editors_see_event_fields_and_programme_in_the_admin(admin_client, event):
    html = admin_client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    for label in ["Ngày và giờ mở cửa", "Địa điểm", "Chương trình", "Số khách mỗi ngày"]:
        assert label.lower() in html.lower(), label
