"""The check-in hot path: what it remembers between scans is forgotten the moment it changes,
and a scan costs a fixed, small number of queries."""

import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import APIToken

from events.models import CheckIn, Gate
from home.groups import GATE_STAFF
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(event):
    return Gate.objects.create(event=event, name="Cổng A")


@pytest.fixture
def staff(db, home):
    user = User.objects.create_user("soatve", password="x")
    user.groups.add(Group.objects.get(name=GATE_STAFF))
    return user


@pytest.fixture
def token(staff):
    out = io.StringIO()
    call_command("scanner_token", "soatve", stdout=out)
    return out.getvalue().strip()


def new_pass(event, party_size=1):
    return register_visitor(
        event,
        visit_date=timezone.localdate(),
        party_size=party_size,
        notify=False,
        now=event.opens_on(event.start_date),
    ).registration.entry_pass


class Scanner:
    """A gate phone: each scan with a new client_id."""

    def __init__(self, client, event, gate, token):
        self.client, self.event, self.gate, self.token = client, event, gate, token
        self.count = 0

    def scan(self, code, **extra):
        self.count += 1
        body = {
            "code": code,
            "event_id": self.event.pk,
            "gate": self.gate.pk,
            "client_id": f"hot-{self.count:08d}",
            **extra,
        }
        return self.client.post(
            "/api/v1/checkins/",
            body,
            content_type="application/json",
            headers={"authorization": f"Bearer {self.token}"},
        )


@pytest.fixture
def scanner(client, event, gate, token):
    return Scanner(client, event, gate, token)


def test_a_revoked_token_is_refused_at_the_next_scan(scanner, event):
    assert scanner.scan(new_pass(event).code).status_code == 200  # the token is now remembered
    APIToken.objects.get().revoke()  # what the admin's "Revoke" button does
    refused = scanner.scan(new_pass(event).code)
    assert refused.status_code == 401 and refused.json()["code"] == "unauthenticated"
    assert CheckIn.objects.count() == 1


def test_a_deleted_token_is_refused_at_the_next_scan(scanner, event):
    assert scanner.scan(new_pass(event).code).status_code == 200
    APIToken.objects.get().delete()
    assert scanner.scan(new_pass(event).code).status_code == 401


def test_staff_taken_out_of_the_gate_group_are_refused_at_the_next_scan(scanner, event, staff):
    assert scanner.scan(new_pass(event).code).status_code == 200
    staff.groups.clear()
    refused = scanner.scan(new_pass(event).code)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    # ...and let back in just as fast, from the group's side this time.
    Group.objects.get(name=GATE_STAFF).user_set.add(staff)
    assert scanner.scan(new_pass(event).code).status_code == 200


def test_a_deactivated_user_is_refused_at_the_next_scan(scanner, event, staff):
    assert scanner.scan(new_pass(event).code).status_code == 200
    staff.is_active = False
    staff.save()
    assert scanner.scan(new_pass(event).code).status_code == 401


def test_an_unpublished_event_is_refused_at_the_next_scan(scanner, event):
    assert scanner.scan(new_pass(event).code).status_code == 200
    event.unpublish()
    refused = scanner.scan(new_pass(event).code)
    assert refused.status_code == 422 and refused.json()["code"] == "unknown_event"


def test_opening_hours_turned_on_apply_at_the_next_scan(scanner, event):
    first = new_pass(event)
    assert scanner.scan(first.code).json()["result"] == "admitted"
    now = timezone.localtime()
    event.enforce_opening_hours = True
    event.opening_time = (now + timezone.timedelta(hours=1)).time()
    event.closing_time = (now + timezone.timedelta(hours=2)).time()
    if event.closing_time <= event.opening_time:  # an hour before midnight: close before now instead
        event.opening_time, event.closing_time = (
            (now - timezone.timedelta(hours=2)).time(),
            (now - timezone.timedelta(hours=1)).time(),
        )
    event.save_revision().publish()
    assert scanner.scan(new_pass(event).code).json()["result"] == "not_open"


def test_a_scan_costs_a_fixed_number_of_queries(scanner, event, django_assert_max_num_queries):
    assert scanner.scan(new_pass(event).code).status_code == 200  # token, event and gate remembered
    group = new_pass(event, party_size=4)
    # Lock the pass, read its admissions, insert the check-in (+ the savepoint around them).
    with django_assert_max_num_queries(5):
        assert scanner.scan(group.code, headcount=2).json()["result"] == "admitted"
    with django_assert_max_num_queries(5):
        again = scanner.scan(group.code).json()
    assert (again["result"], again["admitted"], len(again["previous"])) == ("admitted", 2, 1)
    with django_assert_max_num_queries(5):
        assert scanner.scan(group.code).json()["result"] == "already_admitted"
    with django_assert_max_num_queries(4):  # no such pass: nothing to count
        assert scanner.scan("2" * 26).json()["result"] == "invalid"
    with django_assert_max_num_queries(3):  # not even a pass code: nothing to look up
        assert scanner.scan("https://example.com/p/x/").json()["result"] == "invalid"


def test_a_retried_client_id_replays_without_a_look_up_first(scanner, event):
    entry_pass = new_pass(event)
    first = scanner.scan(entry_pass.code).json()
    scanner.count -= 1  # the same client_id again
    again = scanner.scan(entry_pass.code).json()
    assert again == first
    assert CheckIn.objects.count() == 1
    scanner.count -= 1
    conflict = scanner.scan(new_pass(event).code)
    assert conflict.status_code == 409 and conflict.json()["code"] == "client_id_conflict"
