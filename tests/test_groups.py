import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from home.groups import EDITORS, GATE_STAFF, ORGANISERS

pytestmark = pytest.mark.django_db


def user_in(group_name: str, username: str) -> User:
    user = User.objects.create_user(username, password="x")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_the_migration_creates_the_three_staff_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {ORGANISERS, EDITORS, GATE_STAFF}


def test_organisers_may_do_everything_in_the_admin(client, home):
    organiser = user_in(ORGANISERS, "tochuc")
    for perm in [
        "wagtailadmin.access_admin",
        "events.change_eventpage",
        "auth.add_user",
        "home.change_sitedetails",
        "wagtailredirects.add_redirect",
    ]:
        assert organiser.has_perm(perm), perm
    client.force_login(organiser)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/users/").status_code == 200
    assert client.get(f"/admin/pages/{home.pk}/edit/").status_code == 200


def test_editors_edit_pages_but_not_users_or_settings(client, home):
    editor = user_in(EDITORS, "bientap")
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/pages/{home.pk}/edit/").status_code == 200
    assert client.get("/admin/users/").status_code == 302  # bounced to the dashboard
    assert not editor.has_perm("auth.add_user")


def test_gate_staff_have_no_admin_access(client, home):
    client.force_login(user_in(GATE_STAFF, "soatve"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_models_added_later_reach_organisers_after_migrate():
    organisers = Group.objects.get(name=ORGANISERS)
    organisers.permissions.clear()
    call_command("migrate", verbosity=0)  # post_migrate grants them again
    assert organisers.permissions.filter(codename="change_eventpage").exists()


def test_organisers_manage_gate_staff_and_editors_but_cannot_raise_rights(client, home):
    organiser = user_in(ORGANISERS, "tochuc")
    admin = User.objects.create_superuser("admin", "admin@example.vn", "x")
    peer = user_in(ORGANISERS, "tochuc2")
    client.force_login(organiser)
    for perm in ("auth.change_group", "auth.add_group", "auth.change_permission"):
        assert not organiser.has_perm(perm), perm
    page = client.get("/admin/users/new/")
    form = page.content.decode()
    assert page.status_code == 200 and 'name="groups"' in form
    assert 'name="is_superuser"' not in form
    assert f'value="{Group.objects.get(name=ORGANISERS).pk}"' not in form
    # Posting the switches anyway changes nothing.
    data = {
        "username": "moi",
        "email": "moi@example.vn",
        "first_name": "Mới",
        "last_name": "Nguyễn",
        "password1": "Bookday-2026-strong",
        "password2": "Bookday-2026-strong",
        "is_superuser": "on",
        "groups": [Group.objects.get(name=ORGANISERS).pk],
    }
    client.post("/admin/users/new/", data)
    assert not User.objects.filter(username="moi", is_superuser=True).exists()
    assert not User.objects.filter(username="moi", groups__name=ORGANISERS).exists()
    data.update(username="soatve2", email="s2@example.vn", groups=[Group.objects.get(name=GATE_STAFF).pk])
    del data["is_superuser"]
    assert client.post("/admin/users/new/", data).status_code == 302
    gate = User.objects.get(username="soatve2")
    assert list(gate.groups.values_list("name", flat=True)) == [GATE_STAFF] and not gate.is_superuser
    assert client.get(f"/admin/users/edit/{gate.pk}/").status_code == 200
    for target in (admin, peer):
        refused = client.get(f"/admin/users/edit/{target.pk}/")
        assert refused.status_code == 302 and refused["Location"] == "/admin/"  # Wagtail's "no permission"
        client.post(
            f"/admin/users/edit/{target.pk}/",
            {**data, "username": target.username, "password1": "", "password2": ""},
        )
        client.post(f"/admin/users/delete/{target.pk}/")
    admin.refresh_from_db()
    assert admin.check_password("x") and admin.email == "admin@example.vn"
    assert User.objects.filter(pk__in=[admin.pk, peer.pk]).count() == 2
    assert list(peer.groups.values_list("name", flat=True)) == [ORGANISERS]
    organisers = Group.objects.get(name=ORGANISERS)
    assert client.get(f"/admin/groups/edit/{organisers.pk}/").status_code == 302  # refused
    client.force_login(admin)
    assert 'name="is_superuser"' in client.get("/admin/users/new/").content.decode()
