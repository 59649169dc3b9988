"""schemathesis against the project's own OpenAPI schema: whatever a client sends, the API
answers with a status it documents or a 4xx with a machine code, never a server error.

In process (WSGI), on the test database of the run (SQLite and PostgreSQL in `make test`), with
a gate staff token and an organiser token; a few thousand cases in all.
"""

import datetime as dt
import io

import pytest
import schemathesis
from django.contrib.auth.models import Group, User
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from events.models import Gate
from home.groups import GATE_STAFF, ORGANISERS
from tests.factories import register_visitor

SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture(autouse=True)
def _one_connection():
    """As Django's test client does: requests made in process must not close the test's database
    connection (inside its transaction) when they finish."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _token(username: str, group: str) -> str:
    user = User.objects.create_user(username, password="x")
    user.groups.add(Group.objects.get(name=group))
    out = io.StringIO()
    call_command("scanner_token", username, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def tokens(event):
    Gate.objects.create(event=event, name="Cổng A")
    register_visitor(
        event,
        visit_date=event.start_date + dt.timedelta(days=1),
        now=event.opens_on(event.start_date) - dt.timedelta(days=2),
    )
    return [_token("soatve", GATE_STAFF), _token("tochuc", ORGANISERS)]


@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_no_request_is_a_server_error(operation, tokens):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=120,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def each(case):
        for token in tokens:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])

    each()
