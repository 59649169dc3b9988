"""The services' one error type: every refusal a service raises is declared, and the API answers
each the same way (bookday.errors, bookday.api_errors)."""

import ast

import pytest
from django import forms
from django.utils import translation

from bookday.api_errors import answer
from bookday.errors import ServiceError
from events.services.checkin import CheckInError
from events.services.registration import RegistrationError
from publishers.services.applications import ApplicationError
from publishers.services.catalogue import CatalogueError
from publishers.services.import_refused import ImportRefused
from publishers.services.import_rows import RowRefused
from publishers.services.titles import TitleError
from tests.test_architecture import project_modules

KINDS = [
    RegistrationError,
    CheckInError,
    ApplicationError,
    TitleError,
    CatalogueError,
    ImportRefused,
    RowRefused,
]


def raised_codes() -> list[tuple[str, str, str]]:
    """(class, code, where) for every ``SomeError("code", ...)`` written in the project."""
    names = {kind.__name__ for kind in KINDS}
    found = []
    for module, path in project_modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name | ast.Attribute)
                and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) in names
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                found.append((name, node.args[0].value, f"{module}:{node.lineno}"))
    return found


def test_every_service_raises_only_codes_it_declares():
    kinds = {kind.__name__: kind for kind in KINDS}
    found = raised_codes()
    assert len(found) > 100  # the search sees the services' raise statements
    undeclared = [(name, code, where) for name, code, where in found if code not in kinds[name].messages]
    assert not undeclared


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_fields_and_statuses_name_declared_codes(kind):
    assert issubclass(kind, ServiceError)
    assert set(kind.fields) | set(kind.statuses) | set(kind.api_codes) <= set(kind.messages)
    assert set(kind.api_codes) <= set(kind.statuses)


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            RegistrationError("full"),
            409,
            {"code": "full", "message": "This day is fully booked."},
        ),
        (
            RegistrationError("not_open"),
            409,
            {"code": "closed", "message": "Registration has not opened yet."},
        ),
        (
            RegistrationError("party_too_large", max=3),
            422,
            {
                "code": "invalid",
                "message": "The request is not valid.",
                "errors": {"party_size": ["A single registration can bring at most 3 people."]},
            },
        ),
        (
            RegistrationError("not_cancellable"),
            422,
            {
                "code": "invalid",
                "message": "The request is not valid.",
                "errors": {"__all__": ["This registration can no longer be cancelled."]},
            },
        ),
        (
            CheckInError("not_found"),
            404,
            {"code": "not_found", "message": "Nothing with this id was recorded at this event."},
        ),
        (
            CheckInError("invalid_count"),
            422,
            {"code": "invalid_count", "message": "Count between 1 and 500 people."},
        ),
        (
            CatalogueError("page_invalid"),
            422,
            {
                "code": "invalid",
                "message": "The request is not valid.",
                "errors": {"page": ["There is no such page of results."]},
            },
        ),
    ],
)
def test_the_api_answers_a_refusal_by_its_code(error, status, body):
    with translation.override("en"):
        assert answer(error) == (status, body)


def test_a_message_shows_on_its_field_or_above_a_form_without_it():
    class DayForm(forms.Form):
        visit_date = forms.CharField(required=False)

    with translation.override("en"):
        on_field, above = DayForm(data={}), DayForm(data={})
        on_field.is_valid(), above.is_valid()
        RegistrationError("full").add_to(on_field)
        RegistrationError("organisation_required", max=5).add_to(above)
    assert on_field.errors == {"visit_date": ["This day is fully booked."]}
    assert above.non_field_errors() == [
        "Groups of more than 5 people must name their school or organisation."
    ]


def test_a_particular_message_replaces_the_codes_and_str_is_the_message():
    with translation.override("en"):
        assert ApplicationError("invalid", field="email", message="Enter a valid email.").message == (
            "Enter a valid email."
        )
        too_large = "The file is larger than 5 MB. Split it into smaller files."
        assert str(ImportRefused("too_large", limit=5)) == too_large
