"""Build the Vietnamese catalogue that completes Wagtail's admin translation.

Wagtail ships a Vietnamese catalogue that translates only a small part of the admin.
This script

1. collects every msgid of the source (English) catalogues of the Wagtail apps the
   project uses (plus Django's form-validation strings that the admin shows),
2. keeps the ones that Wagtail's (or Django's) own Vietnamese catalogues leave
   untranslated or fuzzy, plus the few listed in ``OVERRIDES`` whose upstream
   translation is wrong or clashes with our terminology (e.g. upstream translates both
   "Pages" and "Sites" as "Trang"),
3. takes the translations from ``vi_admin.py`` (msgid -> Vietnamese; plural msgids map
   to a one-item tuple because Vietnamese has a single plural form),
4. writes ``vi/LC_MESSAGES/django.po`` and ``djangojs.po`` with the translated entries
   only, and compiles them to ``.mo`` files with polib.

The directory is listed in LOCALE_PATHS, which Django gives precedence over the
catalogues of installed apps, so these entries complete and correct Wagtail's.

Usage (from the project root)::

    .venv/bin/python bookday/locale_admin/build.py            # build .po and .mo
    .venv/bin/python bookday/locale_admin/build.py --missing  # list untranslated msgids
"""

import argparse
import importlib.util
import re
import sys
from pathlib import Path

import polib

HERE = Path(__file__).resolve().parent
OUTPUT_DIR = HERE / "vi" / "LC_MESSAGES"

# (label, dotted package, sub-directory holding ``locale``), in priority order.
SOURCES = [
    ("wagtail.admin", "wagtail", "admin"),
    ("wagtail", "wagtail", ""),
    ("wagtail.images", "wagtail", "images"),
    ("wagtail.documents", "wagtail", "documents"),
    ("wagtail.snippets", "wagtail", "snippets"),
    ("wagtail.users", "wagtail", "users"),
    ("wagtail.sites", "wagtail", "sites"),
    ("wagtail.search", "wagtail", "search"),
    ("wagtail.contrib.redirects", "wagtail", "contrib/redirects"),
    ("wagtail.contrib.settings", "wagtail", "contrib/settings"),
    # Django's own strings: form validation and pagination messages shown in the admin.
    # Only the ones translated in vi_admin.py end up in the catalogue.
    ("django", "django", "conf"),
    ("django.contrib.auth", "django", "contrib/auth"),
]
DOMAINS = ("django", "djangojs")

HEADER = {
    "Project-Id-Version": "Bookday admin (Wagtail Vietnamese completion)",
    "Report-Msgid-Bugs-To": "",
    "POT-Creation-Date": "2025-01-01 00:00+0700",
    "PO-Revision-Date": "2025-01-01 00:00+0700",
    "Last-Translator": "Bookday",
    "Language-Team": "Vietnamese",
    "Language": "vi",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}

PLACEHOLDER = re.compile(
    r"%\(\w+\)[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]"  # %(name)s
    r"|%[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]"  # %s, %d
    r"|\{\w*\}"  # {name}
)


def placeholders(text: str) -> list[str]:
    """The python-format and str.format placeholders of a string, sorted (``%%`` ignored)."""
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", "")))


def package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {package!r} is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def catalogue(package: str, subdir: str, language: str, domain: str) -> Path:
    return package_dir(package) / subdir / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def collect(domain: str):
    """Source entries (deduplicated, first app wins) and the msgids already translated upstream."""
    source: dict[tuple, polib.POEntry] = {}
    apps: dict[tuple, list[str]] = {}
    upstream: set[tuple] = set()
    for label, package, subdir in SOURCES:
        english = catalogue(package, subdir, "en", domain)
        if not english.exists():
            continue
        for entry in polib.pofile(str(english)):
            if entry.obsolete or not entry.msgid:
                continue
            key = (entry.msgctxt, entry.msgid)
            source.setdefault(key, entry)
            apps.setdefault(key, []).append(label)
        vietnamese = catalogue(package, subdir, "vi", domain)
        if vietnamese.exists():
            for entry in polib.pofile(str(vietnamese)):
                if entry.msgid and not entry.obsolete and entry.translated() and "fuzzy" not in entry.flags:
                    upstream.add((entry.msgctxt, entry.msgid))
    return source, apps, upstream


def load_translations():
    spec = importlib.util.spec_from_file_location("vi_admin", HERE / "vi_admin.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {
        "django": (module.TRANSLATIONS, getattr(module, "OVERRIDES", {})),
        "djangojs": (getattr(module, "JS_TRANSLATIONS", {}), getattr(module, "JS_OVERRIDES", {})),
    }


def as_form(value) -> str:
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"Vietnamese has one plural form, got {len(value)}: {value!r}")
        return value[0]
    return value


def build(domain: str, translations: dict, overrides: dict, missing: list | None = None) -> polib.POFile:
    source, apps, upstream = collect(domain)
    po = polib.POFile(wrapwidth=0)
    po.header = (
        "Vietnamese completion of Wagtail's admin. Generated by bookday/locale_admin/build.py\n"
        "from vi_admin.py: edit that file, not this one."
    )
    po.metadata = dict(HEADER)
    errors = []
    for key, entry in source.items():
        msgid = entry.msgid
        if msgid in overrides:
            value = overrides[msgid]
        elif key in upstream:
            continue
        elif msgid in translations:
            value = translations[msgid]
        else:
            if missing is not None:
                missing.append((apps[key], entry))
            continue
        text = as_form(value)
        if not text:
            continue
        expected = placeholders(msgid)
        # The single Vietnamese form serves every count, so it may use the plural's placeholders.
        allowed = (expected, placeholders(entry.msgid_plural)) if entry.msgid_plural else (expected,)
        if placeholders(text) not in allowed:
            errors.append(f"placeholders differ: {msgid!r} -> {text!r}")
        new = polib.POEntry(
            msgid=msgid,
            msgctxt=entry.msgctxt,
            occurrences=[(label, "") for label in dict.fromkeys(apps[key])],
            flags=[flag for flag in entry.flags if flag != "fuzzy"],
        )
        if entry.msgid_plural:
            new.msgid_plural = entry.msgid_plural
            new.msgstr_plural = {0: text}
        else:
            new.msgstr = text
        po.append(new)
    known = {msgid for _, msgid in source}
    stale = sorted(set(translations) - known) + sorted(set(overrides) - known)
    if stale:
        print(f"{domain}: {len(stale)} translations match no source msgid (ignored):", file=sys.stderr)
        for msgid in stale:
            print(f"  {msgid!r}", file=sys.stderr)
    if errors:
        raise SystemExit("\n".join(errors))
    return po


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--missing", action="store_true", help="list the msgids still untranslated")
    args = parser.parse_args(argv)
    all_translations = load_translations()
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        translations, overrides = all_translations[domain]
        missing = [] if args.missing else None
        po = build(domain, translations, overrides, missing)
        if args.missing:
            for labels, entry in missing:
                plural = f"  |plural: {entry.msgid_plural!r}" if entry.msgid_plural else ""
                print(f"[{domain} {labels[0]}] {entry.msgid!r}{plural}")
            print(f"{domain}: {len(missing)} untranslated", file=sys.stderr)
            continue
        po_path = OUTPUT_DIR / f"{domain}.po"
        po.save(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"{po_path.relative_to(HERE)}: {len(po)} entries")


if __name__ == "__main__":
    main()
