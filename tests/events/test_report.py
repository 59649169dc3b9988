"""The event report: headline rounding, charts, the PDF, the admin report, exports and dashboard."""

import csv
import io
import re
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from events.services.charts import bar_chart
from events.services.report import approximately, charts, report_pdf
from events.services.stats import event_figures
from home.groups import EDITORS, ORGANISERS
from tests.events.stats_data import build_books, build_known_event
from tests.factories import EventPageFactory

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
    assert "Nguyễn Văn Ưng" not in flat and "Kinh Bắc" not in flat


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


def test_the_dashboard_panel_shows_todays_figures_of_the_running_event(client, event, organiser):
    client.force_login(organiser)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "figures-panel" in html and event.title in html
    assert reverse("event_reports:report", args=[event.pk]) in html
