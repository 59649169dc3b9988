"""The answers to an event's own questions: which questions a registration is asked, and whether
its answers are complete and valid. Read by the registration service's check_rules, which turns
a refusal into its RegistrationError (code, and the field ``answers.<question id>``)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bookday.validators import reject_control_characters
from events.enums import TEXT_ANSWER_MAX_LENGTH, QuestionKind
from events.models import EventPage, RegistrationQuestion


class AnswerRefused(Exception):
    """One answer refused: ``code`` (a RegistrationError code), the question's ``key``, ``params``."""

    def __init__(self, code: str, key: str, **params):
        self.code, self.key, self.params = code, key, params
        super().__init__(code)


def clean_answers(
    *, event: EventPage, party_size: int, organisation: str, answers: dict, require: bool = True
) -> dict:
    """The answers to keep, {question id: value}, for the questions this party is asked.

    Values: text (spaces collapsed), one of the choices, a list of choices in the question's
    order, or true/false. An empty answer is no answer. Answers to questions this party is not
    asked (a group's question when registering alone) are dropped: the form shows both and the
    visitor may have changed the party size after filling one in. Raises AnswerRefused for an
    unknown question, a value of the wrong kind or not among the choices, and (when
    ``require``) a required question left unanswered.
    """
    questions = list(event.questions.all())
    known = {q.key for q in questions}
    for key in answers:
        if str(key) not in known:
            raise AnswerRefused("unknown_question", str(key))
    given = {str(key): value for key, value in answers.items()}
    cleaned = {}
    for question in questions:
        if not question.asked_of(party_size=party_size, organisation=organisation):
            continue
        value = _clean(question, given.get(question.key))
        if value is None:
            if require and question.required:
                raise AnswerRefused("answer_required", question.key)
            continue
        cleaned[question.key] = value
    return cleaned


def _clean(question: RegistrationQuestion, value):
    """The answer as stored, or None when there is none; AnswerRefused when it cannot be one."""
    key = question.key
    if value is None or value == "" or value == []:
        return None
    if question.kind == QuestionKind.YES_NO:
        if not isinstance(value, bool):
            raise AnswerRefused("answer_invalid", key)
        return value
    if question.kind == QuestionKind.CHOICES:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerRefused("answer_invalid", key)
        picked = {v.strip() for v in value}
        choices = question.choice_list
        if not picked <= set(choices):
            raise AnswerRefused("unknown_choice", key)
        return [choice for choice in choices if choice in picked]
    if not isinstance(value, str):
        raise AnswerRefused("answer_invalid", key)
    text = " ".join(value.split())
    if question.kind == QuestionKind.CHOICE:
        if text not in question.choice_list:
            raise AnswerRefused("unknown_choice", key)
        return text
    if len(text) > TEXT_ANSWER_MAX_LENGTH:
        raise AnswerRefused("answer_too_long", key, max=TEXT_ANSWER_MAX_LENGTH)
    try:
        reject_control_characters(text)
    except ValidationError:
        raise AnswerRefused("answer_invalid", key) from None
    return text or None


def answer_text(value) -> str:
    """An answer as a person reads it: choices joined, yes/no in the active language."""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def labelled_answers(registration, questions: list | None = None) -> list[tuple[str, object]]:
    """(question, answer) of every answer the registration holds, in the event's order; an answer
    to a question since removed from the event is listed too (it is still data held), last."""
    if questions is None:
        questions = list(registration.event.questions.all())
    answers = dict(registration.answers or {})
    rows = [(q.label, answers.pop(q.key)) for q in questions if q.key in answers]
    rows += [(str(_("A question no longer asked")), value) for value in answers.values()]
    return rows
