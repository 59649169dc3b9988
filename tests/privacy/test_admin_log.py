"""Organisers see and export the log of data requests in the admin; it cannot be edited."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, User
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from home.groups import EDITORS, ORGANISERS
from privacy.enums import DataRequestKind
from privacy.services.links import address_key, log_request

pytestmark = pytest.mark.django_db


def staff(username: str, group: str) -> User:
    user = User.objects.create_user(username, password="x")
    user.groups.add(Group.objects.get(name=group))
    return user


def test_organisers_list_and_export_the_requests_and_editors_do_not(client, home):
    log_request(
        kind=DataRequestKind.ERASE, email="huong@example.vn", registrations=2, requested_at=timezone.now()
    )
    client.force_login(staff("tochuc", ORGANISERS))
    page = client.get(reverse("data_requests:index")).content.decode()
    assert "Đã xoá dữ liệu" in page and "huong@example.vn" not in page
    export = client.get(reverse("data_requests:index") + "?export=csv")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][0] == "Đã xoá dữ liệu" and rows[1][3] == "2"
    assert rows[1][5] == address_key("huong@example.vn")
    with pytest.raises(NoReverseMatch):
        reverse("data_requests:edit", args=[1])  # read-only: written only as requests are done
    client.force_login(staff("bientap", EDITORS))
    assert client.get(reverse("data_requests:index")).status_code in (302, 403)
