"""The catalogue completing Wagtail's Vietnamese admin (bookday/locale_admin) is complete,
keeps every placeholder, is compiled, and is what the admin actually shows."""

import gettext
import importlib.util
import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "bookday" / "locale_admin"
CATALOGUES = [LOCALE_DIR / "vi" / "LC_MESSAGES" / f"{domain}.po" for domain in ("django", "djangojs")]

# %(name)s, %s, %d ... (with optional flags/width/precision) and str.format's {name}; %% is a literal.
PLACEHOLDER = re.compile(
    r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]|%[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]|\{\w*\}"
)


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", "")))


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
        expected = [placeholders(entry.msgid)]
        if entry.msgid_plural:
            # One Vietnamese form serves every count, so it may follow the plural msgid.
            expected.append(placeholders(entry.msgid_plural))
        for text in translations(entry):
            if placeholders(text) not in expected:
                broken.append(f"{entry.msgid!r} -> {text!r}")
    assert broken == []


def test_plural_entries_have_the_single_vietnamese_form(po):
    assert [e.msgid for e in po if e.msgid_plural and list(e.msgstr_plural) != [0]] == []


def test_compiled_catalogue_matches_the_source(po_path, po):
    with po_path.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in po:
        if entry.msgid_plural:
            for n in (1, 2, 5):
                if entry.msgctxt:
                    text = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                else:
                    text = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                if text != entry.msgstr_plural[0]:
                    stale.append(entry.msgid)
        else:
            if entry.msgctxt:
                text = compiled.pgettext(entry.msgctxt, entry.msgid)
            else:
                text = compiled.gettext(entry.msgid)
            if text != entry.msgstr:
                stale.append(entry.msgid)
    assert stale == [], "run `.venv/bin/python bookday/locale_admin/build.py` to recompile"


def test_catalogue_is_built_from_vi_admin_py():
    """The .po files are generated: editing vi_admin.py (or upgrading Wagtail) needs a rebuild."""
    spec = importlib.util.spec_from_file_location("locale_admin_build", LOCALE_DIR / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    sources = build.load_translations()
    for path in CATALOGUES:
        domain = path.stem
        fresh = build.build(domain, *sources[domain])
        on_disk = polib.pofile(str(path))

        def contents(catalogue):
            return {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in catalogue}

        assert contents(fresh) == contents(on_disk), (
            f"{path.name} is stale: run `.venv/bin/python bookday/locale_admin/build.py`"
        )


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
