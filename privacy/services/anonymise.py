"""Erasing personal data while keeping every figure: what erasure and the retention purge share.

A registration keeps its event, day, party size, status, times and pass code (the check-ins
point at it), so attendance, no-shows and the waiting list count the same afterwards. Its
organisation is replaced by the category the figures read from it (a school, another group), so
the "by organisation type" figures stay the same too. Answers to the organisers' questions go
the same way: written answers are removed (anyone may write their name in one), answers picked
from the organisers' own list (a choice, yes or no) stay, as the organisation's category does,
so the figures' count per choice stays the same; with no name, email or phone left on the row
they describe no one.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat

from events.enums import ANSWER_CHOICE_KINDS
from events.models import AccessCode, Pass, Registration, RegistrationQuestion
from figures.stats import GROUP, SCHOOL, organisation_type
from messaging.models import Delivery

# Addresses of erased rows: unique per row (an address registers once per day), never delivered
# (.invalid is reserved for that, RFC 2606).
ERASED_DOMAIN = "@erased.invalid"


def anonymise_registrations(registrations: QuerySet, *, now: dt.datetime) -> int:
    """Erase name, email, phone and organisation of ``registrations`` not erased yet; their
    cached pass PDFs (which print the name), one-time codes and admin history labels go too.
    Idempotent. Returns how many registrations were erased now."""
    rows = Registration.objects.filter(pk__in=registrations.values("pk"), anonymised_at__isnull=True)
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return 0
    for start in range(0, len(ids), 1000):
        _anonymise_batch(ids[start : start + 1000], now)
    return len(ids)


def _anonymise_batch(ids: list[int], now: dt.datetime) -> None:
    with transaction.atomic():
        rows = Registration.objects.filter(pk__in=ids)
        # The category first, read by the same rule the figures use.
        named = rows.exclude(organisation="")
        named.alias(kind=organisation_type()).filter(kind=SCHOOL).update(organisation=SCHOOL)
        named.exclude(organisation=SCHOOL).update(organisation=GROUP)
        _keep_chosen_answers(rows)
        rows.update(
            full_name="",
            phone="",
            email=Concat(Value("erased-"), Cast("pk", CharField()), Value(ERASED_DOMAIN)),
            email_error="",  # a mail server's refusal quotes the address
            anonymised_at=now,
        )
        AccessCode.objects.filter(registration_id__in=ids).delete()
        # The log of reminders and announcements keeps no address, but a refusal quotes it.
        Delivery.objects.filter(registration_id__in=ids).exclude(error="").update(error="")
        _forget_admin_history(ids)
        passes = list(Pass.objects.filter(registration_id__in=ids).exclude(pdf=""))
        Pass.objects.filter(pk__in=[p.pk for p in passes]).update(pdf="", pdf_fingerprint="")
        files = [p.pdf for p in passes]
        transaction.on_commit(lambda: _delete_files(files))


def _keep_chosen_answers(rows: QuerySet) -> None:
    """Keep only the answers picked from a list; a batch of at most 1000 rows, in one UPDATE.
    An answer to a question since removed is dropped: what kind it was is no longer known."""
    answered = list(rows.exclude(answers={}).values_list("pk", "event_id", "answers"))
    if not answered:
        return
    kept = {}
    for question in RegistrationQuestion.objects.filter(
        page_id__in={event_id for _pk, event_id, _answers in answered}, kind__in=ANSWER_CHOICE_KINDS
    ):
        kept.setdefault(question.page_id, set()).add(question.key)
    changed = []
    for pk, event_id, answers in answered:
        keys = kept.get(event_id, set())
        changed.append(Registration(pk=pk, answers={k: v for k, v in answers.items() if k in keys}))
    Registration.objects.bulk_update(changed, ["answers"])


def _forget_admin_history(ids: list[int]) -> None:
    """Wagtail's history of a registration names it (its label is the visitor's name)."""
    from wagtail.models import ModelLogEntry

    content_type = ContentType.objects.get_for_model(Registration)
    ModelLogEntry.objects.filter(content_type=content_type, object_id__in=[str(i) for i in ids]).update(
        label="", data={}
    )


def _delete_files(files) -> None:
    for file in files:
        file.storage.delete(file.name)
