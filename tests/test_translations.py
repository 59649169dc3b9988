"""The Vietnamese catalogue is complete, compiled, and covers every string in the code."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "bookday/locale/vi/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")


def problems(po: polib.POFile) -> list[str]:
    return [
        f"{'fuzzy' if 'fuzzy' in e.flags else 'untranslated'}: {e.msgid!r}"
        for e in po
        if e.msgid and ("fuzzy" in e.flags or not e.translated())
    ]


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(PO))
    assert problems(po) == []
    assert not po.metadata_is_fuzzy


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(PO))
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    def compiled_text(entry):
        if entry.msgctxt:
            return compiled.pgettext(entry.msgctxt, entry.msgid)
        return compiled.gettext(entry.msgid)

    stale = [e.msgid for e in po if e.msgid and not e.msgid_plural and compiled_text(e) != e.msgstr]
    assert stale == [], "run `make messages` to recompile the catalogue"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed (apt-get install gettext)")
def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh in a copy of the project: nothing may come out untranslated."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".*", "__pycache__", "media", "static", "node_modules", "*.sqlite3"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "--no-location"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "bookday.settings.test"},
    )
    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(copy / "bookday/locale/vi/LC_MESSAGES/django.po"))
    assert problems(fresh) == [], "new strings need Vietnamese translations: run `make messages`"
