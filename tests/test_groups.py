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
