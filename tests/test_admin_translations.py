"""The catalogue completing Wagtail's Vietnamese admin (bookday/locale_admin) is complete,
keeps every placeholder, is compiled, and is what the admin actually shows."""

import json
import re
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from bookday import admin_messages

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "bookday" / "locale_admin"
CATALOGUES = [LOCALE_DIR / "vi" / "LC_MESSAGES" / f"{domain}.po" for domain in ("django", "djangojs")]


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.fixture(params=CATALOGUES, ids=lambda path: path.name)
def po_path(request):
    return request.param


@pytest.fixture
def po(po_path):
    return polib.pofile(str(po_path))


def test_catalogue_has_no_untranslated_or_fuzzy_entries(po):
    problems = [
        f"{'fuzzy' if 'fuzzy' in entry.flags else 'untranslated'}: {entry.msgid!r}"
        for entry in po
        if entry.msgid and ("fuzzy" in entry.flags or not entry.translated())
    ]
    assert problems == []
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == "vi"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert len(po) > 0


def test_translations_keep_every_placeholder(po):
    broken = []
    for entry in po:
        expected = [admin_messages.placeholders(entry.msgid)]
        if entry.msgid_plural:
            # One Vietnamese form serves every count, so it may follow the plural msgid.
            expected.append(admin_messages.placeholders(entry.msgid_plural))
        for text in translations(entry):
            if admin_messages.placeholders(text) not in expected:
                broken.append(f"{entry.msgid!r} -> {text!r}")
    assert broken == []


def test_plural_entries_have_the_single_vietnamese_form(po):
    assert [e.msgid for e in po if e.msgid_plural and list(e.msgstr_plural) != [0]] == []


def test_compiled_catalogue_matches_the_source(po_path, po):
    assert admin_messages.mo_is_fresh(po, po_path.with_suffix(".mo")), (
        "run `.venv/bin/python manage.py compilemessages -l vi`"
    )


def test_catalogue_is_in_step_with_wagtail():
    """Nothing missing, redundant or obsolete against the installed Wagtail and Django: after an
    upgrade, `manage.py admin_messages --merge` adds the new strings for translators."""
    out = StringIO()
    call_command("admin_messages", "--check", stdout=out)
    assert "0 missing" in out.getvalue()


def test_overrides_say_what_upstream_says(po):
    overrides = [e for e in po if admin_messages.is_override(e)]
    assert overrides, "the override entries lost their translator comment"
    assert all(e.comment.startswith("Wagtail's own: ") for e in overrides)


# --- After a Wagtail upgrade: merge, as msgmerge would ------------------------------------


def english(msgid, plural="", flags=()):
    return polib.POEntry(msgid=msgid, msgid_plural=plural, flags=list(flags))


def vietnamese(msgid, text, override=False):
    return polib.POEntry(msgid=msgid, msgstr=text, tcomment="override" if override else "")


def upgraded_wagtail():
    """Upstream after an upgrade: one new string, one upstream now translates, one gone."""
    found = admin_messages.Upstream()
    for entry in [
        english("Sites"),
        english("Sidebar"),
        english("%(count)s new page", "%(count)s new pages", ["python-format"]),
        english("Go back"),
        english("Messages"),
    ]:
        found.entries[(None, entry.msgid)] = entry
        found.apps[(None, entry.msgid)] = ["wagtail.admin"]
        found.complete.add((None, entry.msgid))
    found.apps[(None, "Messages")] = ["django"]
    found.complete.discard((None, "Messages"))
    found.translated = {(None, "Sites"): "Trang", (None, "Go back"): "Trở lại"}
    return found


def our_catalogue():
    po = polib.POFile()
    po.metadata = {"Language": "vi"}
    po.append(vietnamese("Sites", "Trang web", override=True))
    po.append(vietnamese("Sidebar", "Thanh bên"))
    po.append(vietnamese("Go back", "Quay lại"))
    po.append(vietnamese("Removed upstream", "Đã bỏ"))
    return po


def test_merge_keeps_translations_and_adds_new_upstream_strings_empty():
    merged = admin_messages.merge(our_catalogue(), upgraded_wagtail())
    current = {e.msgid: e for e in merged if not e.obsolete}
    assert current["Sites"].msgstr == "Trang web"
    assert current["Sites"].comment == "Wagtail's own: Trang"
    assert current["Sidebar"].msgstr == "Thanh bên"
    new = current["%(count)s new page"]
    assert new.msgid_plural == "%(count)s new pages"
    assert new.msgstr_plural == {0: ""}
    assert new.flags == ["python-format"]
    # Upstream translates "Go back" now and ours was no override: upstream wins again.
    assert "Go back" not in current
    # Django strings are ours to choose: never added empty.
    assert "Messages" not in current
    assert [e.msgid for e in merged if e.obsolete] == ["Removed upstream"]


def test_check_lists_what_a_translator_must_do():
    found = upgraded_wagtail()
    report = admin_messages.check(our_catalogue(), found)
    assert [e.msgid for _, e in report.missing] == ["%(count)s new page"]
    assert [e.msgid for _, e in report.optional] == ["Messages"]
    assert [e.msgid for e in report.redundant] == ["Go back"]
    assert [e.msgid for e in report.obsolete] == ["Removed upstream"]
    merged = admin_messages.merge(our_catalogue(), found)
    after = admin_messages.check(merged, found)
    assert [e.msgid for e in after.untranslated] == ["%(count)s new page"]
    assert after.missing == after.redundant == after.obsolete == []


def test_check_catches_a_lost_placeholder():
    found = upgraded_wagtail()
    po = our_catalogue()
    entry = polib.POEntry(msgid="%(count)s new page", msgid_plural="%(count)s new pages")
    entry.msgstr_plural = {0: "trang mới"}
    po.append(entry)
    assert [e.msgid for e in admin_messages.check(po, found).placeholders] == [entry.msgid]


def test_merging_the_real_catalogue_changes_nothing(po_path, po):
    domain = po_path.stem
    merged = admin_messages.merge(polib.pofile(str(po_path)), admin_messages.upstream(domain))

    def contents(catalogue):
        return [(e.msgctxt, e.msgid, e.msgstr, dict(e.msgstr_plural), e.tcomment) for e in catalogue]

    assert contents(merged) == contents(po)


def test_makemessages_writes_the_project_catalogue_not_the_admin_one():
    """`make messages` (makemessages -l vi) writes each source file's strings to the first
    LOCALE_PATHS entry whose parent directory holds it; both catalogues sit in bookday/, so the
    project's must come first or makemessages would rewrite the admin catalogue and drop its
    Wagtail strings as obsolete."""
    first, *others = [Path(path) for path in settings.LOCALE_PATHS]
    assert first == ROOT / "bookday" / "locale"
    assert LOCALE_DIR in others
    assert LOCALE_DIR.name != "locale"  # makemessages adopts every directory named "locale"


def test_terms_that_matter_are_translated_as_agreed():
    po = polib.pofile(str(CATALOGUES[0]))
    catalogue = {e.msgid: e.msgstr for e in po if not e.msgid_plural}
    assert catalogue["Sign in"] == "Đăng nhập"
    assert catalogue["Log out"] == "Đăng xuất"
    assert catalogue["Dashboard"] == "Bảng điều khiển"
    assert catalogue["Settings"] == "Cài đặt"
    # Wagtail's own catalogue calls both "Pages" and "Sites" "Trang".
    assert catalogue["Sites"] == "Trang web"


# --- What the admin shows ---------------------------------------------------------------


def sidebar_labels(html: str) -> set[str]:
    """Every "label" in the JSON props the React sidebar is built from (non-ASCII is escaped)."""
    match = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "sidebar props not found in the admin page"
    labels = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("label"), str):
                labels.add(node["label"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(match.group(1)))
    return labels


def test_the_catalogue_directory_is_in_locale_paths():
    assert LOCALE_DIR in [Path(path) for path in settings.LOCALE_PATHS], (
        "add BASE_DIR / 'bookday' / 'locale_admin' to LOCALE_PATHS"
    )


@pytest.mark.django_db
def test_login_page_is_in_vietnamese(client):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Đăng nhập" in html
    assert "Đăng nhập vào trang quản trị" in html  # "Sign in to Wagtail"
    assert "Quên mật khẩu?" in html  # "Forgotten password?"
    assert "Sign in" not in html


@pytest.mark.django_db
def test_dashboard_and_sidebar_are_in_vietnamese(admin_client):
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bảng điều khiển" in html  # page title: "Dashboard"
    assert "Tìm kiếm trong tất cả trang…" in html  # dashboard search: "Search all pages…"
    labels = sidebar_labels(html)
    for label in ["Báo cáo", "Cài đặt", "Trợ giúp", "Trang web"]:  # Reports, Settings, Help, Sites
        assert label in labels, f"{label!r} not in sidebar {sorted(labels)}"
    for english in ["Reports", "Settings", "Help", "Sites", "Dashboard"]:
        assert english not in labels
