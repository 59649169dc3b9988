"""Sign-ins are throttled by django-axes: the admin (also the organisers'), the gate staff's
scanner and the publishers' portal. A wrong password five times for one account from one
address pauses that pair, with a translated page; organisers can lift it."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User

from home.groups import GATE_STAFF, ORGANISERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate_user(home):
    user = User.objects.create_user("soatve", password="Dung-mat-khau-1")
    user.groups.add(Group.objects.get(name=GATE_STAFF))
    return user


@pytest.mark.parametrize("path", ["/admin/login/", "/publisher/login/"])
def test_five_wrong_passwords_pause_the_account_from_that_address(client, gate_user, path):
    username = "soatve" if "admin" in path else "soatve@example.vn"
    gate_user.email = "soatve@example.vn"
    gate_user.save()
    for _ in range(4):
        response = client.post(path, {"username": username, "password": "sai"})
        assert response.status_code in (200, 400)  # the form again, with its error
    locked = client.post(path, {"username": username, "password": "sai"})  # the fifth
    assert locked.status_code == 429
    assert "Quá nhiều lần nhập sai mật khẩu" in locked.content.decode()
    # Even the right password waits now; another address is not affected.
    assert client.post(path, {"username": username, "password": "Dung-mat-khau-1"}).status_code == 429
    other = client.post(path, {"username": username, "password": "sai"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code != 429


def test_an_organiser_lifts_the_pause(client, gate_user):
    for _ in range(6):
        client.post("/admin/login/", {"username": "soatve", "password": "sai"})
    assert AccessAttempt.objects.filter(username="soatve").exists()
    organiser = User.objects.create_user("tochuc", password="x", is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS))
    client.force_login(organiser)
    listing = client.get("/admin/locked-sign-ins/")
    assert listing.status_code == 200 and "soatve" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="soatve")
    response = client.post(f"/admin/locked-sign-ins/{attempt.pk}/unlock/")
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    client.logout()
    assert (
        client.post("/admin/login/", {"username": "soatve", "password": "Dung-mat-khau-1"}).status_code == 302
    )
