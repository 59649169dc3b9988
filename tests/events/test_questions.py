"""The organisers' own questions: their definition, the service's checks, the form, the API."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from events.enums import QuestionAudience, QuestionKind
from events.forms import RegistrationForm
from events.models import Registration, RegistrationQuestion
from events.services.registration import RegistrationError
from tests.altcha import altcha_solution
from tests.factories import register_visitor

pytestmark = pytest.mark.django_db


def ask(event, kind=QuestionKind.CHOICE, **fields) -> RegistrationQuestion:
    defaults = {
        "label": "Bạn biết đến Ngày Sách qua đâu?",
        "choices": "Facebook\nNhà trường\nBạn bè"
        if kind in (QuestionKind.CHOICE, QuestionKind.CHOICES)
        else "",
        "purpose": "Để quảng bá các kỳ sau.",
    }
    return RegistrationQuestion.objects.create(page=event, kind=kind, **{**defaults, **fields})


@pytest.fixture
def heard(event):
    return ask(event, required=True)


@pytest.fixture
def school_class(event):
    return ask(event, QuestionKind.TEXT, label="Lớp/khối", required=True, audience=QuestionAudience.GROUPS)


# --- the service ---------------------------------------------------------------------------


def test_answers_are_stored_as_given(event, heard, school_class):
    topics = ask(event, QuestionKind.CHOICES, label="Chủ đề quan tâm", choices="Thiếu nhi\nLịch sử\nKhoa học")
    first = ask(event, QuestionKind.YES_NO, label="Lần đầu đến hội sách?")
    result = register_visitor(
        event,
        party_size=30,
        organisation="Trường THCS Suối Hoa",
        answers={
            heard.key: "Nhà trường",
            school_class.key: "  Lớp   9A ",
            topics.key: ["Khoa học", "Thiếu nhi"],
            first.key: False,
        },
    )
    stored = Registration.objects.get(pk=result.registration.pk).answers
    assert stored == {
        heard.key: "Nhà trường",
        school_class.key: "Lớp 9A",
        topics.key: ["Thiếu nhi", "Khoa học"],  # the question's order
        first.key: False,
    }


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({}, "answer_required"),
        ({"HEARD": ""}, "answer_required"),
        ({"HEARD": "Tivi"}, "unknown_choice"),
        ({"HEARD": ["Facebook"]}, "answer_invalid"),
        ({"HEARD": "Facebook", "999999": "x"}, "unknown_question"),
    ],
)
def test_refused_answers_name_the_question_and_write_nothing(event, heard, answers, code):
    answers = {key.replace("HEARD", heard.key): value for key, value in answers.items()}
    with pytest.raises(RegistrationError) as refusal:
        register_visitor(event, answers=answers)
    key = "999999" if code == "unknown_question" else heard.key
    assert (refusal.value.code, refusal.value.field) == (code, f"answers.{key}")
    assert refusal.value.message
    assert not Registration.objects.exists()


def test_several_choices_must_all_be_offered(event):
    topics = ask(event, QuestionKind.CHOICES, choices="Thiếu nhi\nLịch sử")
    with pytest.raises(RegistrationError) as refusal:
        register_visitor(event, answers={topics.key: ["Lịch sử", "Tiểu thuyết"]})
    assert refusal.value.code == "unknown_choice"
    assert register_visitor(event, answers={topics.key: []}).registration.answers == {}


def test_a_groups_question_is_asked_of_groups_only(event, school_class):
    # One visitor: not asked, so not required; an answer given anyway is not kept.
    alone = register_visitor(event, answers={school_class.key: "Lớp 9A"})
    assert alone.registration.answers == {}
    # A party of several, or anyone for an organisation, is a group (the figures' rule too).
    for party, organisation in ((3, ""), (1, "Trường Tiểu học Kinh Bắc")):
        with pytest.raises(RegistrationError) as refusal:
            register_visitor(event, party_size=party, organisation=organisation)
        assert refusal.value.field == f"answers.{school_class.key}"


def test_an_individuals_question_is_not_asked_of_groups(event):
    ask(event, QuestionKind.YES_NO, required=True, audience=QuestionAudience.INDIVIDUALS)
    assert register_visitor(event, party_size=4).registration.answers == {}
    with pytest.raises(RegistrationError):
        register_visitor(event)


def test_a_text_answer_is_bounded(event):
    question = ask(event, QuestionKind.TEXT)
    with pytest.raises(RegistrationError) as refusal:
        register_visitor(event, answers={question.key: "x" * 201})
    assert refusal.value.code == "answer_too_long"


def test_the_organisers_need_not_answer_required_questions(event, heard):
    """A registration taken by phone in the admin: the caller was not asked."""
    result = register_visitor(event, source="admin", notify=False)
    assert result.registration.answers == {}


# --- the question's definition ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        (QuestionKind.CHOICE, "", "Give at least two choices, one per line."),
        (QuestionKind.CHOICES, "Một\n\n", "Give at least two choices, one per line."),
        (QuestionKind.CHOICE, "Facebook\nfacebook", "“facebook” is listed twice."),
        (QuestionKind.TEXT, "Một\nHai", "Only one-choice and several-choice questions have choices."),
    ],
)
def test_bad_definitions_are_refused_with_a_clear_message(event, kind, choices, message):
    question = RegistrationQuestion(page=event, kind=kind, label="Câu hỏi", choices=choices, purpose="Vì sao")
    with translation.override("en"):
        with pytest.raises(ValidationError) as refusal:
            question.full_clean()
        assert refusal.value.message_dict["choices"] == [message]


def test_a_definition_is_tidied(event):
    question = RegistrationQuestion(
        page=event, kind=QuestionKind.CHOICE, label="Câu hỏi", choices=" Một \n\nHai\n", purpose="Vì sao"
    )
    question.full_clean()
    assert question.choices == "Một\nHai"


def test_the_messages_are_translated(event):
    question = RegistrationQuestion(page=event, kind=QuestionKind.CHOICE, label="Q", choices="", purpose="P")
    with translation.override("vi"), pytest.raises(ValidationError) as refusal:
        question.full_clean()
    assert refusal.value.message_dict["choices"] == ["Hãy cho ít nhất hai lựa chọn, mỗi dòng một lựa chọn."]


# --- the form and the API ------------------------------------------------------------------


def test_the_form_asks_every_question_with_its_purpose(event, heard, school_class):
    with translation.override("en"):
        form = RegistrationForm(event)
        html = "".join(str(field.as_field_group()) for field in form.question_fields)
    assert "Bạn biết đến Ngày Sách qua đâu?" in html and "Lớp/khối" in html
    assert "Why we ask: Để quảng bá các kỳ sau." in html
    assert "Groups and schools only." in html
    assert 'type="radio"' in html and "<legend" in html  # a choice is a group with its legend


def test_the_page_shows_a_refused_answer_next_to_its_question(client, event, heard):
    day = (event.start_date + dt.timedelta(days=1)).isoformat()
    data = {
        "full_name": "Đặng Thị Hương",
        "email": "huong@example.vn",
        "phone": "0912345678",
        "visit_date": day,
        "party_size": "1",
        "consent": "on",
        "altcha": altcha_solution(),
    }
    response = client.post(f"/events/{event.pk}/register/", data, headers={"accept-language": "vi"})
    assert not Registration.objects.exists()
    html = response.content.decode()
    assert "Vui lòng trả lời câu hỏi này." in html
    data["answers." + heard.key] = "Nhà trường"
    data["altcha"] = altcha_solution()
    response = client.post(f"/events/{event.pk}/register/", data)
    assert response.status_code == 302
    assert Registration.objects.get().answers == {heard.key: "Nhà trường"}


def api_post(client, event, **body):
    payload = {
        "full_name": "Đặng Thị Hương",
        "email": "huong@example.vn",
        "phone": "0912345678",
        "visit_date": (event.start_date + dt.timedelta(days=1)).isoformat(),
        "consent": True,
        "altcha": altcha_solution(),
        **body,
    }
    return client.post(f"/api/v1/events/{event.pk}/registrations/", payload, content_type="application/json")


def test_the_api_takes_answers_and_names_the_refused_one(client, event, heard):
    response = api_post(client, event, answers={heard.key: "Tivi"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {f"answers.{heard.key}": ["Hãy chọn một trong các câu trả lời có sẵn."]}
    response = api_post(client, event)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [f"answers.{heard.key}"]
    response = api_post(client, event, answers={heard.key: "Bạn bè"})
    assert response.status_code == 201
    assert Registration.objects.get().answers == {heard.key: "Bạn bè"}


def test_the_schema_documents_answers(client):
    schema = client.get("/api/v1/openapi.json").json()
    fields = schema["components"]["schemas"]["RegistrationIn"]["properties"]
    assert "answers" in fields
    assert "answers.<question id>" in fields["answers"]["description"]


# --- the organisers' export ----------------------------------------------------------------


def test_the_export_has_a_column_per_question_and_runs_no_formula(admin_client, event, heard, school_class):
    topics = ask(event, QuestionKind.CHOICES, label="Chủ đề", choices="=SUM(A1)\nLịch sử")
    register_visitor(
        event,
        full_name="Đặng Thị Hương",
        party_size=30,
        organisation="Trường THCS Suối Hoa",
        answers={heard.key: "Nhà trường", school_class.key: "-Lớp 9A", topics.key: ["=SUM(A1)", "Lịch sử"]},
    )
    register_visitor(event, full_name="Nguyễn Văn Ưng", answers={heard.key: "Facebook"})
    response = admin_client.get("/admin/registrations/", {"export": "csv", "event": event.pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    heading = rows[0]
    assert heading[-3:] == ["Bạn biết đến Ngày Sách qua đâu?", "Lớp/khối", "Chủ đề"]
    by_name = {row[heading.index("Họ và tên")]: row[-3:] for row in rows[1:]}
    assert by_name == {
        "Đặng Thị Hương": ["Nhà trường", "'-Lớp 9A", "'=SUM(A1), Lịch sử"],
        "Nguyễn Văn Ưng": ["Facebook", "", ""],
    }
