"""The invariants, read from the database (directly, not through PgBouncer) after the load.

`DATABASE_CHECKS` runs inside `manage.py shell` with RECORD_PATH set (what the load was told);
it prints one JSON line of facts. `invariants()` turns those facts, the emails found on disk and
the answers into the table's rows: (invariant, holds, evidence).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

DATABASE_CHECKS = r"""
import json
from collections import Counter
from django.db.models import Count, Q, Sum
from events.enums import CheckInResult, RegistrationStatus
from events.models import CheckIn, EventDay, Pass, Registration, WalkIn
from publishers.models import StockImport, StockListing

record = json.load(open(RECORD_PATH))
facts = {}
emails = list(record["registrations"])
regs = Registration.objects.filter(email__in=emails)
facts["registrations"] = {
    r["email"]: {"n": 0, "status": r["status"], "sent": r["email_sent_at"] is not None,
                 "attempts": r["email_attempts"], "passes": 0, "codes": []}
    for r in regs.values("email", "status", "email_sent_at", "email_attempts")
}
for email, n in regs.values_list("email").annotate(n=Count("pk")).order_by():
    facts["registrations"][email]["n"] = n
passes = Pass.objects.filter(registration__email__in=emails)
for email, code in passes.values_list("registration__email", "code"):
    facts["registrations"][email]["passes"] += 1
    facts["registrations"][email]["codes"].append(code)
facts["registrations_without_pass"] = Registration.objects.filter(entry_pass__isnull=True).count()

over = []
for day in EventDay.objects.select_related("event"):
    confirmed = day.registrations.filter(status=RegistrationStatus.CONFIRMED)
    people = confirmed.aggregate(n=Sum("party_size"))["n"] or 0
    capacity = day.event.daily_capacity
    if people > capacity:
        over.append([str(day.date), people, capacity])
facts["days_over_capacity"] = over
facts["days_checked"] = EventDay.objects.count()

ids = [a["checkin_id"] for a in record["admitted"]]
rows = dict(CheckIn.objects.filter(pk__in=ids).values_list("pk", "client_id"))
facts["admitted_answers"] = len(ids)
facts["admitted_rows_missing"] = [
    a["checkin_id"] for a in record["admitted"] if rows.get(a["checkin_id"]) != a["client_id"]
]
scan_ids = list(record["scans"])
per_client = Counter(CheckIn.objects.filter(client_id__in=scan_ids).values_list("client_id", flat=True))
facts["online_scans"] = len(scan_ids)
facts["online_scans_not_once"] = [c for c in scan_ids if per_client[c] != 1][:20]
# Beyond the party: admissions of one pass on one day (not undone) above its party size.
admitted = (
    CheckIn.objects.filter(result=CheckInResult.ADMITTED, undone_at__isnull=True)
    .values("entry_pass_id", "day", "entry_pass__registration__party_size")
    .annotate(people=Sum("admitted"))
)
facts["passes_beyond_party"] = [
    [row["entry_pass_id"], str(row["day"]), row["people"], row["entry_pass__registration__party_size"]]
    for row in admitted
    if row["people"] > row["entry_pass__registration__party_size"]
][:20]
facts["admitted_passes"] = len(admitted)

walk_ids = list(record["walk_ins"])
walk_rows = Counter(WalkIn.objects.filter(client_id__in=walk_ids).values_list("client_id", flat=True))
facts["walk_ins"] = len(walk_ids)
facts["walk_ins_not_once"] = [c for c in walk_ids if walk_rows[c] != 1][:20]

offline = record["offline"]
def stored(model, kind):
    ids = [c for c, t in offline.items() if t == kind]
    return Counter(model.objects.filter(client_id__in=ids).values_list("client_id", flat=True))


off_checkins = stored(CheckIn, "checkin")
off_walkins = stored(WalkIn, "walkin")
facts["offline_items"] = len(offline)
facts["offline_not_once"] = [
    c for c, t in offline.items() if (off_checkins if t == "checkin" else off_walkins)[c] != 1
][:20]

imports = []
for info in record["imports"]:
    expected = info.get("expected") or {}
    applied = StockImport.objects.filter(status="applied").count()
    imports.append({
        "applied_imports": applied, "error": info.get("error"), "answers": info.get("applied_answers"),
        "second_press": info.get("second_press"), "expected_rows": len(expected),
    })
facts["imports"] = imports
facts["counts"] = {
    "registrations": Registration.objects.count(), "passes": Pass.objects.count(),
    "checkins": CheckIn.objects.count(), "walkins": WalkIn.objects.count(),
    "stock_listings": StockListing.objects.count(),
}
print(json.dumps(facts))
"""

MAIL_TO = re.compile(r"^To: (.+)$", re.M)


def mails_per_address(folder: Path) -> Counter:
    """Every email the file backend wrote, counted per recipient."""
    sent: Counter = Counter()
    for path in folder.glob("*.log"):
        for to in MAIL_TO.findall(path.read_text(errors="replace")):
            sent[to.strip().lower()] += 1
    return sent


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        value = values[0] if values else 0.0
        return value, value, value
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def invariants(
    facts: dict, record: dict, answers: list, windows: list, mails: Counter
) -> list[tuple[str, bool, str]]:
    rows = []
    told = record["registrations"]
    stored = facts["registrations"]

    created = {email: t for email, t in told.items() if t["n201"]}
    missing = [e for e in created if stored.get(e, {}).get("n") != 1 or stored[e]["passes"] != 1]
    # A large group held for its email confirmation is answered without a code (none is valid yet).
    wrong_code = [
        e
        for e, t in created.items()
        if e in stored and t["codes"][0] is not None and t["codes"][0] not in stored[e]["codes"]
    ]
    rows.append(
        (
            "every 201 registration exists exactly once with one pass",
            not missing and not wrong_code and facts["registrations_without_pass"] == 0,
            f"{len(created)} answered 201; not stored once with one pass: {len(missing)}; other code: "
            f"{len(wrong_code)}; registrations without a pass: {facts['registrations_without_pass']}",
        )
    )
    rows.append(
        (
            "no day over capacity",
            not facts["days_over_capacity"],
            f"{facts['days_checked']} days; over: {facts['days_over_capacity'] or 'none'}",
        )
    )
    ok = (
        not facts["admitted_rows_missing"]
        and not facts["online_scans_not_once"]
        and not facts["passes_beyond_party"]
    )
    rows.append(
        (
            "every admitted check-in has exactly one row; no pass beyond its party",
            ok,
            f"{facts['admitted_answers']} admitted answers, {facts['online_scans']} scans answered; "
            f"without their row: {len(facts['admitted_rows_missing'])}; client_ids not stored once: "
            f"{len(facts['online_scans_not_once'])}; passes beyond party: "
            f"{facts['passes_beyond_party'] or 'none'}",
        )
    )
    rows.append(
        (
            "every walk-in answered is stored exactly once",
            not facts["walk_ins_not_once"],
            f"{facts['walk_ins']} walk-in counts; not stored once: {len(facts['walk_ins_not_once'])}",
        )
    )
    rows.append(
        (
            "every offline item uploaded is on the server exactly once",
            not facts["offline_not_once"] and record["offline_pending"] == 0,
            f"{facts['offline_items']} items final; not stored once: {len(facts['offline_not_once'])}; "
            f"still queued on the phone: {record['offline_pending']}",
        )
    )

    # Emails: one per request the server acted on: the confirmation (or waiting-list) email, plus
    # one re-send per "already registered" answer; a request whose answer was lost may have
    # caused one more.
    twice, never, unsent = [], [], []
    for email, t in told.items():
        row = stored.get(email)
        if not row:
            continue
        got = mails.get(email, 0)
        least, most = 1 + t["n200"], 1 + t["n200"] + t["unknown"]
        if got > most:
            twice.append(f"{email}: {got} sent, at most {most} asked")
        elif got < least:
            never.append(f"{email}: {got} sent, {least} asked")
        if row["status"] in ("confirmed", "waiting") and not row["sent"]:
            unsent.append(email)
    rows.append(
        (
            "every registration's email sent exactly once per request (none twice, none lost)",
            not twice and not never and not unsent,
            f"{len(stored)} registrations, {sum(mails.get(e, 0) for e in stored)} emails; too many: "
            f"{twice[:3] or 'none'}; too few: {never[:3] or 'none'}; not marked sent: {len(unsent)}",
        )
    )
    imports = facts["imports"]
    ok = bool(imports) and all(i["applied_imports"] == 1 and not i["error"] for i in imports)
    rows.append(
        (
            "the stock import applied once (Confirm pressed twice)",
            ok,
            "; ".join(
                f"applied imports: {i['applied_imports']}, rows {i['expected_rows']}, second press answered "
                f"{i['second_press']}" + (f", error: {i['error']}" if i["error"] else "")
                for i in imports
            )
            or "no import ran",
        )
    )

    def in_window(answer) -> bool:
        return any(answer["start"] <= end and answer["end"] >= start for _name, start, end in windows)

    outside = [a for a in answers if a["status"] >= 500 and not in_window(a)]
    inside = [a for a in answers if (a["status"] >= 500 or a["status"] == 0) and in_window(a)]
    lost = [a for a in answers if a["status"] == 0 and not in_window(a)]
    examples = ", ".join(f"{a['kind']} {a['status']} at {a['start']:.1f}s" for a in (outside + lost)[:5])
    rows.append(
        (
            "no 5xx (nor unanswered request) outside the fault windows",
            not outside and not lost,
            f"{len(answers)} answers; outside windows: {len(outside)} 5xx, {len(lost)} unanswered"
            + (f" ({examples})" if examples else "")
            + f"; inside windows: {len(inside)} 5xx/unanswered, all retried",
        )
    )
    return rows
