"""Demo events: this year's Book Day around today (registration open) and last year's."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from bookday.text import slugify_vi
from events.enums import ProgrammeKind, QuestionAudience, QuestionKind
from events.models import EventIndexPage, EventPage, ProgrammeItem, RegistrationQuestion
from home.demo import child, demo_image

VENUE = {
    "venue_name": "Thư viện tỉnh Bắc Ninh",
    "venue_address": "Số 2 đường Lý Thái Tổ, phường Kinh Bắc, tỉnh Bắc Ninh",
    "latitude": Decimal("21.183300"),
    "longitude": Decimal("106.075000"),
    "organiser": "Sở Văn hóa, Thể thao và Du lịch tỉnh Bắc Ninh",
}

# (day offset from the first day, start, end, kind, title, speakers, place[, places to book])
PROGRAMME = [
    (0, "08:00", "09:30", ProgrammeKind.OTHER, "Lễ khai mạc Ngày Sách", "Lãnh đạo tỉnh", "Sân khấu chính"),
    (
        0,
        "09:45",
        "11:00",
        ProgrammeKind.TALK,
        "Văn hóa đọc trong thời đại số",
        "PGS.TS Đặng Thị Hương",
        "Hội trường tầng 2",
    ),
    (
        0,
        "14:00",
        "15:30",
        ProgrammeKind.SIGNING,
        "Giao lưu và ký tặng sách thiếu nhi",
        "Nhà văn Nguyễn Nhật Minh",
        "Gian hàng Kim Đồng",
        60,
    ),
    (
        1,
        "08:30",
        "10:00",
        ProgrammeKind.BOOK_LAUNCH,
        "Ra mắt tập truyện “Đường sách quê hương”",
        "Nhà văn Lê Minh Khuê",
        "Sân khấu chính",
    ),
    (
        1,
        "10:00",
        "11:30",
        ProgrammeKind.WORKSHOP,
        "Làm bookmark từ giấy tái chế",
        "Thư viện tỉnh",
        "Không gian thiếu nhi",
        30,
    ),
    (
        1,
        "16:00",
        "17:30",
        ProgrammeKind.SIGNING,
        "Giao lưu và ký tặng “Mắt biếc”",
        "Nguyễn Nhật Ánh",
        "Gian hàng NXB Trẻ",
        120,
    ),
    (
        2,
        "10:30",
        "11:30",
        ProgrammeKind.WORKSHOP,
        "Vẽ tranh minh họa cùng bé",
        "Họa sĩ Tạ Huy Long",
        "Không gian thiếu nhi",
        25,
    ),
    (
        1,
        "15:00",
        "16:30",
        ProgrammeKind.TALK,
        "Sách và tuổi trẻ: đọc gì, đọc thế nào?",
        "Nhà báo Phạm Thu Trang",
        "Hội trường tầng 2",
    ),
    (1, "19:00", "20:30", ProgrammeKind.PERFORMANCE, "Đêm thơ quan họ", "CLB Thơ Kinh Bắc", "Sân khấu chính"),
    (
        2,
        "09:00",
        "10:30",
        ProgrammeKind.SIGNING,
        "Ký tặng tiểu thuyết lịch sử",
        "Nhà văn Trần Quốc Vượng",
        "Gian hàng NXB Trẻ",
        80,
    ),
    (
        2,
        "14:00",
        "15:00",
        ProgrammeKind.OTHER,
        "Trao giải cuộc thi Đại sứ Văn hóa đọc",
        "Ban tổ chức",
        "Sân khấu chính",
    ),
]


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def seed_events(home) -> EventPage:
    index = child(
        home,
        EventIndexPage,
        "Sự kiện",
        show_in_menus=True,
        intro="Các kỳ Ngày Sách và Văn hóa đọc của tỉnh, năm nay và những năm trước.",
    )
    today = timezone.localdate()
    current = _event(
        index,
        year=today.year,
        start=today - dt.timedelta(days=1),
        intro="Ba ngày hội sách với hơn hai mươi nhà xuất bản, giao lưu tác giả, ra mắt sách mới "
        "và không gian đọc cho thiếu nhi. Vào cửa tự do.",
        opens=timezone.now() - dt.timedelta(days=30),
        image_seed=2,
    )
    last_start = today.replace(year=today.year - 1) - dt.timedelta(days=1)
    _event(
        index,
        year=today.year - 1,
        start=last_start,
        intro="Kỳ hội sách năm trước: gần 6.000 lượt khách và 24 đơn vị xuất bản, phát hành.",
        opens=timezone.make_aware(dt.datetime.combine(last_start - dt.timedelta(days=30), dt.time(8))),
        image_seed=3,
    )
    return current


HEARD_FROM = "Bạn biết đến Ngày Sách qua đâu?"
HEARD_FROM_CHOICES = ["Facebook, Zalo", "Nhà trường", "Bạn bè, người thân", "Báo, đài, truyền hình", "Khác"]
CLASS = "Lớp/khối"


def _questions() -> list[RegistrationQuestion]:
    return [
        RegistrationQuestion(
            kind=QuestionKind.CHOICE,
            label=HEARD_FROM,
            choices="\n".join(HEARD_FROM_CHOICES),
            required=True,
            audience=QuestionAudience.EVERYONE,
            purpose="Để biết kênh thông tin nào đến được với bạn đọc, cho việc quảng bá các kỳ sau.",
        ),
        RegistrationQuestion(
            kind=QuestionKind.TEXT,
            label=CLASS,
            required=False,
            audience=QuestionAudience.GROUPS,
            purpose="Để bố trí khu vực đọc và hoạt động phù hợp với lứa tuổi của đoàn.",
        ),
    ]


def _event(index, *, year: int, start: dt.date, intro: str, opens, image_seed: int) -> EventPage:
    title = f"Ngày Sách và Văn hóa đọc Việt Nam tỉnh Bắc Ninh năm {year}"
    end = start + dt.timedelta(days=2)
    programme = [
        ProgrammeItem(
            kind=kind,
            title=item_title,
            date=start + dt.timedelta(days=offset),
            start_time=_time(begin),
            end_time=_time(finish),
            speakers=speakers,
            place=place,
            places=places[0] if places else None,
        )
        for offset, begin, finish, kind, item_title, speakers, place, *places in PROGRAMME
    ]
    event = child(
        index,
        EventPage,
        title,
        intro=intro,
        hero_image=demo_image(f"Ngày Sách {year}", image_seed),
        start_date=start,
        end_date=end,
        opening_time=dt.time(8, 0),
        closing_time=dt.time(21, 0),
        registration_opens_at=opens,
        daily_capacity=2500,
        programme=programme,
        questions=_questions(),
        **VENUE,
    )
    if not event.questions.exists():  # a demo seeded before the questions existed
        event.questions = _questions()
        event.save_revision().publish()
    if event.start_date != start:
        # The demo stays "around today" when it is seeded again on a later day. The change
        # goes through a revision so the admin's copy and the live page agree.
        shift = start - event.start_date
        items = list(event.programme.all())
        for item in items:
            item.date += shift
        event.programme = items
        event.start_date, event.end_date = start, end
        event.registration_opens_at = opens
        event.save_revision().publish()
    return event


FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
    "Đoàn",
    "Lương",
]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh", "Hữu", "Bảo", "Gia", "Khánh"]
GIVEN_NAMES = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Đạt",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Ngân",
    "Nhung",
    "Phúc",
    "Quân",
    "Quỳnh",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trung",
    "Tú",
    "Tuấn",
    "Ưng",
    "Vân",
    "Việt",
    "Yến",
]
SCHOOLS = [
    "Trường THCS Suối Hoa",
    "Trường Tiểu học Kinh Bắc",
    "Trường THPT Chuyên Bắc Ninh",
    "Trường THCS Ninh Xá",
    "Trường Tiểu học Vệ An",
    "Trường THPT Hàn Thuyên",
    "Trường THCS Võ Cường",
    "Trường Tiểu học Đại Phúc",
    "CLB Đọc sách Thanh niên",
    "Trung tâm Văn hóa phường Tiền An",
    "Trường Mầm non Hoa Sen",
    "Thư viện trường THCS Đáp Cầu",
]
DEMO_CAPACITY = 600  # pre-registered visitors per day; walk-ins come on top


def seed_registrations(event: EventPage) -> int:
    """A few hundred registrations over the event's days: families, school groups, a waiting list."""
    import random

    from events.services.registration import register

    if event.registrations.exists():
        return 0
    if event.daily_capacity != DEMO_CAPACITY:
        event.daily_capacity = DEMO_CAPACITY
        event.save_revision().publish()
    rng = random.Random(2026)
    answer_rng = random.Random(16)  # its own: the visitors drawn stay those of earlier demos
    questions = {q.label: q.key for q in event.questions.all()}
    count = 0
    for number, day in enumerate(event.days):
        last = number == len(event.days) - 1
        # The days fill up towards the end; the last one is full, with people waiting.
        target = DEMO_CAPACITY if last else DEMO_CAPACITY - 150 + 60 * number
        people = waiting = 0
        while people < target - 4 or (last and waiting < 8):
            group = rng.random() < 0.12
            size = rng.randint(20, 45) if group else rng.choice([1, 1, 1, 2, 2, 3, 4])
            name = f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
            when = event.opens_on(day) - dt.timedelta(days=rng.randint(1, 21), minutes=rng.randint(0, 1440))
            count += 1
            result = register(
                event=event,
                full_name=name,
                email=f"khach{count}.{slugify_vi(name).replace('-', '')}@example.vn",
                phone=f"+849{rng.randint(10_000_000, 99_999_999)}",
                visit_date=day,
                party_size=size,
                organisation=rng.choice(SCHOOLS) if group else "",
                consent=True,
                answers=_demo_answers(questions, answer_rng, group=group),
                notify=False,
                now=min(when, timezone.now()),
            )
            if result.registration.status == "confirmed":
                people += size
            else:
                waiting += 1
    return count


def _demo_answers(questions: dict, rng, *, group: bool) -> dict:
    answers = {}
    if HEARD_FROM in questions:
        weights = [5, 6, 3, 2, 1] if group else [8, 2, 4, 2, 1]
        answers[questions[HEARD_FROM]] = rng.choices(HEARD_FROM_CHOICES, weights)[0]
    if group and CLASS in questions:
        answers[questions[CLASS]] = f"Lớp {rng.randint(1, 12)}{rng.choice('ABCD')}"
    return answers


def seed_session_bookings(event: EventPage) -> int:
    """Places booked at the sessions with places by confirmed visitors of their day, through the
    service; some sessions nearly full, the big signing with a waiting list."""
    from events.enums import RegistrationStatus
    from events.models import Pass, SessionBooking
    from events.services.sessions import book

    if SessionBooking.objects.filter(session__page=event).exists():
        return 0
    count = 0
    for number, session in enumerate(
        event.programme.filter(places__isnull=False).order_by("date", "start_time")
    ):
        # Nearly full, full with people waiting, about half: what a real programme looks like.
        target = [session.places - 3, session.places + 6, session.places // 2][number % 3]
        passes = Pass.objects.filter(
            registration__day__date=session.date,
            registration__status=RegistrationStatus.CONFIRMED,
            registration__party_size__lte=3,
        ).order_by("registration__created_at")
        people = 0
        moment = event.opens_on(session.date) - dt.timedelta(days=2)
        for entry_pass in passes[:target].select_related("registration__day"):
            if people >= target:
                break
            size = min(entry_pass.registration.party_size, 2)
            book(entry_pass=entry_pass, session=session, people=size, now=moment)
            moment += dt.timedelta(minutes=7)
            people += size
            count += 1
        _seed_door(session)
    return count


def _seed_door(session) -> None:
    """Sessions already started: most of their booked passes were scanned at the door."""
    from django.utils import timezone

    from events.services.session_door import admit

    now = timezone.now()
    if session.starts_at > now:
        return
    for number, booking in enumerate(session.bookings.booked().select_related("entry_pass")):
        if number % 5 == 4:
            continue  # one in five did not come: the no-shows in the figures
        moment = session.starts_at + dt.timedelta(seconds=20 * number)
        admit(
            code=booking.entry_pass.code,
            session=session,
            client_id=f"demo-door-{session.pk}-{booking.pk}",
            scanned_at=moment,
            now=min(moment, now),
        )


GATES = ["Cổng chính", "Cổng B (đường Lý Thái Tổ)", "Cổng thiếu nhi"]


def seed_gate_activity(event: EventPage) -> int:
    """Three gates and a realistic first day at them: passes scanned (groups sometimes in two
    parts, a few scanned twice, a few foreign QR codes) and walk-ins counted in small bunches."""
    import random

    from events.enums import RegistrationStatus
    from events.models import CheckIn, Gate, Registration
    from events.services.checkin import check_in, record_walk_ins

    gates = [
        Gate.objects.get_or_create(event=event, name=name, defaults={"sort_order": n})[0]
        for n, name in enumerate(GATES)
    ]
    if CheckIn.objects.filter(event=event).exists():
        return 0
    rng = random.Random(426)
    day = event.start_date

    def moment() -> dt.datetime:
        # Busy mornings (school groups) and afternoons, quiet at lunch and in the evening.
        hour = rng.choices(range(8, 21), weights=[6, 9, 10, 7, 3, 4, 8, 9, 7, 4, 3, 2, 1])[0]
        return event.opens_on(day).replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59))

    scans = 0
    registrations = Registration.objects.filter(
        day__date=day, event=event, status=RegistrationStatus.CONFIRMED
    )
    for number, registration in enumerate(registrations.select_related("entry_pass")):
        if rng.random() > 0.86:
            continue  # a no-show
        gate = rng.choice(gates)
        at = moment()
        parts = [registration.party_size]
        if registration.party_size >= 20 and rng.random() < 0.3:
            first = rng.randint(registration.party_size // 2, registration.party_size - 1)
            parts = [first, None]  # the rest of the class arrives later
        for part_number, headcount in enumerate(parts):
            check_in(
                code=registration.entry_pass.url,
                event=event,
                gate=gate,
                client_id=f"demo{event.pk}-{number}-{part_number}",
                scanned_at=at + dt.timedelta(minutes=40 * part_number),
                headcount=headcount,
                device="Demo phone",
            )
            scans += 1
        if rng.random() < 0.05:  # scanned again by a second gate
            check_in(
                code=registration.entry_pass.code,
                event=event,
                gate=rng.choice(gates),
                client_id=f"demo{event.pk}-{number}-again",
                scanned_at=at + dt.timedelta(minutes=2),
                device="Demo phone",
            )
            scans += 1
    for number in range(4):
        check_in(
            code="https://shopee.vn/khuyen-mai",
            event=event,
            gate=rng.choice(gates),
            client_id=f"demo{event.pk}-foreign-{number}",
            scanned_at=moment(),
            device="Demo phone",
        )
    people = 0
    while people < 1500:
        count = rng.choice([1, 1, 2, 2, 3, 4, 5])
        record_walk_ins(
            event=event,
            gate=rng.choice(gates),
            count=count,
            client_id=f"demo{event.pk}-walk-{people}",
            at=moment(),
            device="Demo phone",
        )
        people += count
    return scans


def seed_last_year() -> tuple[int, int]:
    """Registrations and scans added to last year's fair. It keeps its visitors past its retention
    period, so that an organiser can try `purge_personal_data --dry-run` on it (the demo never
    purges by itself)."""
    last_year = EventPage.objects.live().past().order_by("-end_date").first()
    if last_year is None:
        return 0, 0
    return seed_registrations(last_year), seed_gate_activity(last_year)
