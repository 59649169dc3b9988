"""The event report: headline rounding, charts, the PDF, the admin report, exports and dashboard."""

import csv
import datetime as dt
import io
import re
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader
from wagtail.admin.menu import SubmenuMenuItem, admin_menu
from wagtail.models import Site

from figures.charts import bar_chart
from figures.report import approximately, charts, headline_sentence, place_and_date, report_pdf
from figures.stats import EventFigures, event_figures
from home.groups import EDITORS, ORGANISERS
from home.models import SiteDetails
from tests.factories import EventPageFactory
from tests.figures.stats_data import build_books, build_known_event

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    "n, vi, en",
    [
        (0, "0", "0"),
        (24, "24", "24"),
        (99, "99", "99"),
        (240, "gần 250", "nearly 250"),
        (5_873, "gần 6.000", "nearly 6,000"),
        (5_240, "hơn 5.000", "over 5,000"),
        (6_000, "6.000", "6,000"),
        (12_340, "hơn 10.000", "over 10,000"),
        (1_523_400, "hơn 1,5 triệu", "over 1.5 million"),
        (1_980_000, "gần 2 triệu", "nearly 2 million"),
        (2_000_000, "2 triệu", "2 million"),
    ],
)
def test_approximately(n, vi, en):
    assert approximately(n, "vi") == vi
    assert approximately(n, "en") == en


def svg_tree(svg: str):
    return ElementTree.fromstring(svg)


def test_a_chart_has_a_title_and_a_description_for_screen_readers():
    root = svg_tree(
        bar_chart("Lượt khách theo giờ", "Biểu đồ cột: 33 lượt lúc 9 giờ", ["08h", "09h"], [1, 33])
    )
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Lượt khách theo giờ" and desc.text == "Biểu đồ cột: 33 lượt lúc 9 giờ"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert len(root.findall(f"{SVG}rect")) == 2


def test_empty_charts_are_valid(event):
    for chart in charts(event_figures(event)):
        root = svg_tree(chart.svg)  # parses: well-formed
        assert root.find(f"{SVG}title").text == chart.title
        assert root.find(f"{SVG}desc").text


@pytest.fixture
def known(event_index):
    known = build_known_event(event_index)
    build_books(known.event, EventPageFactory(parent=event_index, title="Hội sách khác"))
    return known


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_report_carries_the_headline_figures(known):
    text = pdf_text(report_pdf(known.event))
    flat = re.sub(r"\s+", " ", text)
    assert "Ngày Sách Bắc Ninh đã qua" in flat
    assert "89" in flat and "gần 250" in flat  # visits exactly, copies rounded
    assert "NXB Kim Đồng" in flat and "Thiếu nhi" in flat  # the tables
    # Only figures: no visitor's name and no school's name.
    assert "Nguyễn Văn Ưng" not in flat and "THCS Kinh Bắc" not in flat


def test_the_report_command_writes_the_pdf(known, tmp_path):
    out = tmp_path / "bao-cao.pdf"
    call_command("event_report", known.event.slug, str(out), stdout=io.StringIO())
    assert out.read_bytes().startswith(b"%PDF") and "89" in pdf_text(out.read_bytes())
    call_command("event_report", str(known.event.pk), str(out), "--language", "en", stdout=io.StringIO())
    assert "nearly 250" in re.sub(r"\s+", " ", pdf_text(out.read_bytes()))


def test_the_report_command_refuses_an_unknown_event(home, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("event_report", "khong-co", str(tmp_path / "x.pdf"))


def staff(username: str, group: str) -> User:
    user = User.objects.create_user(username, password="x")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def organiser(home):
    return staff("tochuc", ORGANISERS)


def test_the_admin_report_shows_figures_charts_and_tables(client, known, organiser):
    client.force_login(organiser)
    index = client.get(reverse("event_reports:index"))
    assert index.status_code == 200 and known.event.title in index.content.decode()
    response = client.get(reverse("event_reports:report", args=[known.event.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') == 4 and html.count("<desc") == 4
    assert "NXB Kim Đồng" in html and "Cổng A" in html
    assert 'http-equiv="refresh"' not in html  # the event is over: nothing to refresh


def test_the_report_refreshes_while_the_event_runs(client, event, organiser):
    client.force_login(organiser)
    html = client.get(reverse("event_reports:report", args=[event.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="30">' in html


def test_exports_of_each_table(client, known, organiser):
    client.force_login(organiser)
    url = reverse("event_reports:report", args=[known.event.pk])
    response = client.get(url, {"export": "csv", "table": "by_gate"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1:] == [["Cổng A", "52", "37", "15", "1"], ["Cổng B", "37", "12", "25", "1"]]
    response = client.get(url, {"export": "xlsx", "table": "by_category"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        (1, 130, 13),
        (2, 90, 9),
        (1, 20, 0),
    ]
    assert client.get(url, {"export": "csv", "table": "nope"}).status_code == 404


def test_the_pdf_from_the_admin(client, known, organiser):
    client.force_login(organiser)
    response = client.get(reverse("event_reports:pdf", args=[known.event.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "89" in pdf_text(response.content)


def test_editors_may_not_see_the_report(client, known):
    client.force_login(staff("bientap", EDITORS))
    assert client.get(reverse("event_reports:report", args=[known.event.pk])).status_code in (302, 403)


def test_figures_and_reports_close_the_book_day_menu(rf, organiser):
    # The figures app adds its entry to the events' menu group through the group's submenu hook.
    registrations = reverse("registrations:index")  # (loading the admin's URLs builds its menus)
    request = rf.get("/admin/")
    request.user = organiser
    book_day = next(
        item.menu
        for item in admin_menu.menu_items_for_request(request)
        if isinstance(item, SubmenuMenuItem)
        and any(entry.url == registrations for entry in item.menu.registered_menu_items)
    )
    entries = sorted(book_day.menu_items_for_request(request), key=lambda item: item.order)
    assert [entry.url for entry in entries] == [
        reverse(name)
        for name in (
            "registrations:index",
            "waiting_list:index",
            "event_days:index",
            "checkins:index",
            "offline_conflicts:index",
            "walk_ins:index",
            "gates:index",
            "session_bookings:index",
            "session_admissions:index",
            "announcements:index",
            "event_reports:index",
        )
    ]


def test_the_dashboard_panel_shows_todays_figures_of_the_running_event(client, event, organiser):
    client.force_login(organiser)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "figures-panel" in html and event.title in html
    assert reverse("event_reports:report", args=[event.pk]) in html


# --- the report as the province reads it ---------------------------------------------------------


def at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def flat_pages(data: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def two_booths(known):
    """Kim Đồng at two booths: a list of booths is text, as is the exhibitor's type."""
    from publishers.models import Exhibitor

    Exhibitor.objects.filter(event=known.event, publisher__name="NXB Kim Đồng").update(booths="A1, A2")
    return known


@pytest.fixture
def heading(home):
    details = SiteDetails.for_site(Site.objects.get(is_default_site=True))
    details.report_parent_body = "UBND tỉnh Bắc Ninh"
    details.report_issuing_body = "Sở Văn hóa, Thể thao và Du lịch"
    details.report_national_name = "Cộng hòa xã hội chủ nghĩa Việt Nam"
    details.report_motto = "Độc lập - Tự do - Hạnh phúc"
    details.report_place = "Bắc Ninh"
    details.save()
    return details


def test_text_columns_are_never_number_formatted_in_the_pdf(two_booths):
    flat = " ".join(flat_pages(report_pdf(two_booths.event)))
    assert "NXB Kim Đồng Nhà xuất bản A1, A2 3 170 15" in flat  # name, type, booths, figures
    assert "Fahasa Đơn vị phát hành B2" in flat
    assert "Nhà. xu" not in flat and "A1,. A2" not in flat and "Đ.ơn" not in flat
    assert "Tỉ lệ vắng mặt 42,9 %" in flat  # a share, rounded, as Vietnamese writes it


def test_text_columns_are_never_number_formatted_on_the_admin_page(client, two_booths, organiser):
    client.force_login(organiser)
    html = client.get(reverse("event_reports:report", args=[two_booths.event.pk])).content.decode()
    assert "<td>Nhà xuất bản</td><td>A1, A2</td>" in html
    assert '<td class="num">170</td>' in html  # Kim Đồng's copies: a number, aligned right
    assert "Nhà. xu" not in html and "A1,. A2" not in html


def test_the_grouped_filter_groups_numbers_only():
    from home.templatetags.bookday import grouped

    assert grouped(1648993) == "1.648.993"
    assert grouped("Nhà xuất bản") == "Nhà xuất bản" and grouped("A1, A2") == "A1, A2"


def test_the_cover_carries_the_heading_of_an_administrative_document(known, heading):
    cover = flat_pages(report_pdf(known.event, now=at(known.d3, 19)))[0]
    assert cover.startswith("UBND TỈNH BẮC NINH SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in cover
    day = known.d3
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    assert f"Bắc Ninh, ngày {day.day:02d} tháng {month} năm {day.year}" in cover
    assert "BÁO CÁO Số liệu thống kê Ngày Sách Bắc Ninh đã qua" in cover
    assert "tạm thời" not in cover.lower()  # the fair has closed: the figures are final


def test_a_report_made_while_the_fair_runs_is_marked_interim(known, heading):
    pages = flat_pages(report_pdf(known.event, now=at(known.d2, 12)))
    assert "BÁO CÁO TẠM THỜI" in pages[0]
    closes = f"17:30 ngày {known.d3:%d/%m/%Y}"
    assert (
        f"Báo cáo tạm thời: số liệu tính đến 12:00 ngày {known.d2:%d/%m/%Y}" in pages[0]
        and closes in pages[0]
    )
    # Every later page says so too, in its running head.
    assert all("Báo cáo tạm thời · Ngày Sách Bắc Ninh đã qua" in page for page in pages[1:])


def test_the_headline_is_a_sentence():
    figures = EventFigures(event_id=1, day=None, computed_at=timezone.now(), visits=5_873, exhibitors=24)
    figures.copies = 1_523_400
    assert headline_sentence(figures, "vi") == (
        "Gần 6.000 lượt khách tham quan, 24 nhà xuất bản và đơn vị phát hành, "
        "hơn 1,5 triệu bản sách được trưng bày."
    )
    with translation.override("en"):
        assert headline_sentence(figures, "en") == (
            "Nearly 6,000 visits, 24 publishers and distributors and over 1.5 million copies on display."
        )


def test_the_report_names_no_file_of_the_repository(known):
    for language in ("vi", "en"):
        flat = " ".join(flat_pages(report_pdf(known.event, language=language)))
        assert not re.search(r"docs/|\.md\b|events/|\.py\b", flat), language
    flat = " ".join(flat_pages(report_pdf(known.event)))
    assert "IV. ĐỊNH NGHĨA CÁC CHỈ SỐ" in flat and "những ngày đã kết thúc" in flat


def test_charts_come_before_the_long_tables(known):
    flat = " ".join(flat_pages(report_pdf(known.event)))
    charts_at = flat.index("II. BIỂU ĐỒ")
    assert flat.index("Tổng quan") < charts_at  # the short summary first
    assert (
        charts_at < flat.index("Bản sách trưng bày theo thể loại") < flat.index("III. BẢNG SỐ LIỆU CHI TIẾT")
    )
    assert flat.index("III. BẢNG SỐ LIỆU CHI TIẾT") < flat.index("Theo nhà xuất bản")


def test_visits_by_hour_are_one_line_per_day(known):
    by_hour = charts(event_figures(known.event))[0]
    root = svg_tree(by_hour.svg)
    lines = root.findall(f"{SVG}polyline")
    assert len(lines) == 3  # one per day, not pooled
    legend = [t.text for t in root.findall(f"{SVG}text")]
    assert all(f"{d:%d/%m}" in legend for d in (known.d1, known.d2, known.d3))
    assert len({line.get("stroke-dasharray") for line in lines}) == 3  # told apart in black and white too
    desc = root.find(f"{SVG}desc").text
    assert f"{known.d1:%d/%m}: 58 lượt khách, giờ đông nhất từ 09:00 (30)" in desc


def test_the_hourly_table_has_a_column_per_day(client, known, organiser):
    client.force_login(organiser)
    url = reverse("event_reports:report", args=[known.event.pk])
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get(url, {"export": "xlsx", "table": "by_hour"}).streaming_content))
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    days = tuple(f"Ngày {d:%d/%m}" for d in (known.d1, known.d2, known.d3))  # not a bare date
    assert rows[0] == ("Giờ", *days, "Tất cả các ngày")
    assert rows[2] == ("09:00", 30, 0, 3, 33)


def test_exports_open_in_vietnamese_excel(client, two_booths, organiser):
    client.force_login(organiser)
    url = reverse("event_reports:report", args=[two_booths.event.pk])
    data = b"".join(client.get(url, {"export": "csv", "table": "by_publisher"}).streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1] == ["NXB Kim Đồng", "Nhà xuất bản", "A1, A2", "3", "170", "15"]
    summary = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get(url, {"export": "csv", "table": "summary"}).streaming_content).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert ["Tỉ lệ vắng mặt", "42,9 %"] in summary
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get(url, {"export": "xlsx", "table": "summary"}).streaming_content))
    ).active
    rate = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Tỉ lệ vắng mặt")[1]
    assert rate.value == pytest.approx(0.4286) and rate.number_format == "0.0%"
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get(url, {"export": "xlsx", "table": "by_day"}).streaming_content))
    ).active
    first = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert first[0].number_format == "dd/mm/yyyy" and first[1].number_format == "#,##0"


@pytest.mark.parametrize(
    "day, language, line",
    [
        (dt.date(2026, 12, 2), "vi", "Bắc Ninh, ngày 02 tháng 12 năm 2026"),
        (dt.date(2026, 2, 5), "vi", "Bắc Ninh, ngày 05 tháng 02 năm 2026"),  # months below 3: a zero
        (dt.date(2026, 3, 15), "vi", "Bắc Ninh, ngày 15 tháng 3 năm 2026"),
        (dt.date(2026, 12, 2), "en", "Bắc Ninh, 2 December 2026"),
    ],
)
def test_place_and_date_line(day, language, line):
    assert place_and_date("Bắc Ninh", day, language) == line


def test_each_choice_question_is_counted_and_charted(event):
    from events.enums import QuestionKind
    from events.models import RegistrationQuestion
    from figures.report import tables
    from figures.stats import event_figures
    from tests.factories import register_visitor

    heard = RegistrationQuestion.objects.create(
        page=event,
        kind=QuestionKind.CHOICE,
        label="Biết qua đâu?",
        choices="Facebook\nNhà trường",
        purpose="P",
    )
    topics = RegistrationQuestion.objects.create(
        page=event, kind=QuestionKind.CHOICES, label="Chủ đề", choices="Thiếu nhi\nLịch sử", purpose="P"
    )
    first = RegistrationQuestion.objects.create(
        page=event, kind=QuestionKind.YES_NO, label="Lần đầu?", purpose="P"
    )
    RegistrationQuestion.objects.create(page=event, kind=QuestionKind.TEXT, label="Ghi chú", purpose="P")
    for answers in (
        {heard.key: "Facebook", topics.key: ["Thiếu nhi", "Lịch sử"], first.key: True},
        {heard.key: "Facebook", topics.key: ["Lịch sử"], first.key: False},
        {heard.key: "Nhà trường", first.key: True},
        {},
    ):
        register_visitor(event, answers=answers)
    figures = event_figures(event)
    counts = {
        q.label: (q.answered, {c.choice: c.registrations for c in q.choices}) for q in figures.by_question
    }
    assert counts == {
        "Biết qua đâu?": (3, {"Facebook": 2, "Nhà trường": 1}),
        "Chủ đề": (2, {"Thiếu nhi": 1, "Lịch sử": 2}),
        "Lần đầu?": (3, {"yes": 2, "no": 1}),
    }  # the short-text question is not charted
    with translation.override("vi"):
        drawn = {c.title: c for c in charts(figures)}
        table = {t.caption: t for t in tables(figures)}["Lần đầu?"]
    assert [c.title for c in charts(figures)][-3:] == ["Biết qua đâu?", "Chủ đề", "Lần đầu?"]
    assert drawn["Lần đầu?"].labels == ["Có", "Không"] and drawn["Lần đầu?"].values == [2, 1]
    assert "Facebook: 2" in drawn["Biết qua đâu?"].description
    assert [[cell.text for cell in row] for row in table.cells] == [["Có", "2"], ["Không", "1"]]
