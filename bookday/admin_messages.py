"""The Vietnamese catalogue that completes Wagtail's admin, held in step with upstream.

``bookday/locale_admin/vi/LC_MESSAGES/{django,djangojs}.po`` are the source: translators edit
them (Poedit, msgmerge). The directory is in LOCALE_PATHS, which Django puts before the
catalogues of installed apps, so an entry there completes or corrects Wagtail's own Vietnamese.

The catalogue holds the msgids of the admin that Wagtail's (or Django's) Vietnamese leaves
untranslated or fuzzy, plus a few "override" entries (translator comment ``override``) where
the upstream translation is wrong or clashes with our terms (upstream calls both "Pages" and
"Sites" "Trang"). An entry upstream now translates and that is not an override is redundant:
upstream wins again, as it would for any string we never touched.

Django's own catalogues are consulted for the few strings the admin shows (form validation,
passwords); they are completed only where we chose to, so a missing Django string is listed
but never added as an empty entry.
"""

import copy
import gettext
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent / "locale_admin"
LANGUAGE = "vi"
DOMAINS = ("django", "djangojs")
OVERRIDE = "override"


@dataclass(frozen=True)
class Source:
    label: str
    package: str
    subdir: str
    # Every missing msgid of a complete source is added to the catalogue (as an empty entry);
    # the others only keep the entries we already translated.
    complete: bool = True


# In priority order: a msgid in several apps takes its flags and plural from the first.
SOURCES = [
    Source("wagtail.admin", "wagtail", "admin"),
    Source("wagtail", "wagtail", ""),
    Source("wagtail.images", "wagtail", "images"),
    Source("wagtail.documents", "wagtail", "documents"),
    Source("wagtail.snippets", "wagtail", "snippets"),
    Source("wagtail.users", "wagtail", "users"),
    Source("wagtail.sites", "wagtail", "sites"),
    Source("wagtail.search", "wagtail", "search"),
    Source("wagtail.contrib.redirects", "wagtail", "contrib/redirects"),
    Source("wagtail.contrib.settings", "wagtail", "contrib/settings"),
    Source("django", "django", "conf", complete=False),
    Source("django.contrib.auth", "django", "contrib/auth", complete=False),
]

PLACEHOLDER = re.compile(
    r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]"  # %(name)s
    r"|%[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]"  # %s, %d
    r"|\{\w*\}"  # {name}
)


def placeholders(text: str) -> list[str]:
    """The python-format and str.format placeholders of a string, sorted (``%%`` ignored)."""
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", "")))


def po_path(domain: str) -> Path:
    return LOCALE_DIR / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"


def key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt, entry.msgid)


def is_override(entry: polib.POEntry) -> bool:
    return OVERRIDE in (entry.tcomment or "").split()


def texts(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def done(entry: polib.POEntry) -> bool:
    return entry.translated() and "fuzzy" not in entry.flags


@dataclass
class Upstream:
    """The admin's msgids in upstream order, where they come from, and upstream's Vietnamese."""

    entries: dict = field(default_factory=dict)  # key -> first English POEntry
    apps: dict = field(default_factory=dict)  # key -> [labels]
    complete: set = field(default_factory=set)  # keys of a complete source
    translated: dict = field(default_factory=dict)  # key -> upstream's Vietnamese (first)


def _catalogue(source: Source, language: str, domain: str) -> Path:
    spec = importlib.util.find_spec(source.package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {source.package!r} is not installed")
    base = Path(list(spec.submodule_search_locations)[0])
    return base / source.subdir / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def upstream(domain: str) -> Upstream:
    found = Upstream()
    for source in SOURCES:
        english = _catalogue(source, "en", domain)
        if not english.exists():
            continue
        for entry in polib.pofile(str(english)):
            if entry.obsolete or not entry.msgid:
                continue
            found.entries.setdefault(key(entry), entry)
            found.apps.setdefault(key(entry), []).append(source.label)
            if source.complete:
                found.complete.add(key(entry))
        vietnamese = _catalogue(source, LANGUAGE, domain)
        if vietnamese.exists():
            for entry in polib.pofile(str(vietnamese)):
                if entry.msgid and not entry.obsolete and done(entry):
                    found.translated.setdefault(key(entry), texts(entry)[0])
    return found


@dataclass
class Report:
    """What is out of step between our catalogue and upstream (empty lists: all is well)."""

    missing: list = field(default_factory=list)  # (labels, English entry), ours to translate
    optional: list = field(default_factory=list)  # Django strings we may leave to Django
    untranslated: list = field(default_factory=list)  # our entries, empty or fuzzy
    redundant: list = field(default_factory=list)  # upstream translates them now, not overrides
    obsolete: list = field(default_factory=list)  # msgids upstream no longer has
    placeholders: list = field(default_factory=list)  # translations that lost a placeholder

    def problems(self) -> int:
        return sum(
            len(items)
            for items in (
                self.missing,
                self.untranslated,
                self.redundant,
                self.obsolete,
                self.placeholders,
            )
        )


def check(po: polib.POFile, found: Upstream) -> Report:
    report = Report()
    ours = {key(entry): entry for entry in po if entry.msgid and not entry.obsolete}
    for k, english in found.entries.items():
        if k in found.translated or k in ours:
            continue
        target = report.missing if k in found.complete else report.optional
        target.append((found.apps[k], english))
    for k, entry in ours.items():
        if k not in found.entries:
            report.obsolete.append(entry)
            continue
        if not done(entry):
            report.untranslated.append(entry)
        elif k in found.translated and not is_override(entry):
            report.redundant.append(entry)
        allowed = [placeholders(entry.msgid)]
        if entry.msgid_plural:
            # The single Vietnamese form serves every count, so it may follow the plural.
            allowed.append(placeholders(entry.msgid_plural))
        if any(text and placeholders(text) not in allowed for text in texts(entry)):
            report.placeholders.append(entry)
    return report


def merge(po: polib.POFile, found: Upstream) -> polib.POFile:
    """The catalogue in upstream order, as msgmerge would leave it against upstream's msgids.

    Every translation and translator comment is kept. New msgids that upstream leaves
    untranslated are added empty; entries upstream now translates (and that are not
    overrides) are dropped; entries whose msgid upstream lost become obsolete (``#~``).
    References and flags follow upstream; for an override, the extracted comment shows what
    upstream says, so a translator sees why ours wins.
    """
    po = copy.deepcopy(po)  # the caller's catalogue stays as it was
    already_obsolete = [entry for entry in po if entry.obsolete]
    merged = polib.POFile(wrapwidth=po.wrapwidth)
    merged.header = po.header
    merged.metadata = dict(po.metadata)
    ours = {key(entry): entry for entry in po if entry.msgid and not entry.obsolete}
    for k, english in found.entries.items():
        entry = ours.get(k)
        if entry is None:
            if k in found.translated or k not in found.complete:
                continue
            entry = polib.POEntry(msgid=english.msgid, msgctxt=english.msgctxt)
            if english.msgid_plural:
                entry.msgstr_plural = {0: ""}
        elif k in found.translated and not is_override(entry):
            continue
        entry.msgid_plural = english.msgid_plural
        if english.msgid_plural and not entry.msgstr_plural:
            entry.msgstr_plural, entry.msgstr = {0: entry.msgstr}, ""
        entry.occurrences = [(label, "") for label in dict.fromkeys(found.apps[k])]
        fuzzy = ["fuzzy"] if "fuzzy" in entry.flags else []
        entry.flags = fuzzy + [flag for flag in english.flags if flag != "fuzzy"]
        if is_override(entry) and k in found.translated:
            entry.comment = f"Wagtail's own: {found.translated[k]}"
        else:
            entry.comment = ""
        merged.append(entry)
    for k, entry in ours.items():
        if k not in found.entries:
            entry.obsolete = True
            merged.append(entry)
    merged.extend(already_obsolete)
    return merged


def mo_is_fresh(po: polib.POFile, mo: Path) -> bool:
    """Whether the compiled catalogue gives every entry of the source its translation."""
    if not mo.exists():
        return False
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po:
        if not entry.msgid or entry.obsolete or not done(entry):
            continue
        if entry.msgid_plural:
            for n in (1, 2, 5):
                if entry.msgctxt:
                    text = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                else:
                    text = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                if text != entry.msgstr_plural[0]:
                    return False
        else:
            if entry.msgctxt:
                text = compiled.pgettext(entry.msgctxt, entry.msgid)
            else:
                text = compiled.gettext(entry.msgid)
            if text != entry.msgstr:
                return False
    return True
