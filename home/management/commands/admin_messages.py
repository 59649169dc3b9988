"""Keep the Vietnamese admin catalogue (bookday/locale_admin) in step with Wagtail and Django.

    manage.py admin_messages            # summary of what is out of step
    manage.py admin_messages --missing  # list the admin strings nobody translates yet
    manage.py admin_messages --check    # fail (exit 1) if anything is out of step (CI, tests)
    manage.py admin_messages --merge    # after a Wagtail upgrade: add new msgids as empty entries

Then translate the empty entries (Poedit, or any .po editor) and compile with
``manage.py compilemessages -l vi``, which compiles every LOCALE_PATHS catalogue.
"""

import polib
from django.core.management.base import BaseCommand, CommandError

from bookday import admin_messages


class Command(BaseCommand):
    help = "List, check or merge the admin strings Wagtail's Vietnamese catalogue lacks."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--missing", action="store_true", help="list the missing msgids")
        action.add_argument("--check", action="store_true", help="exit 1 if out of step")
        action.add_argument("--merge", action="store_true", help="write new upstream msgids as empty entries")

    def handle(self, *args, missing=False, check=False, merge=False, **options):
        problems = 0
        for domain in admin_messages.DOMAINS:
            path = admin_messages.po_path(domain)
            po = polib.pofile(str(path), wrapwidth=0)
            found = admin_messages.upstream(domain)
            if merge:
                merged = admin_messages.merge(po, found)
                merged.save(str(path))
                report = admin_messages.check(merged, found)
                self.stdout.write(
                    f"{path.name}: {len(merged)} entries, {len(report.untranslated)} to translate"
                )
                continue
            report = admin_messages.check(po, found)
            if missing:
                for labels, entry in report.missing + report.optional:
                    optional = "" if labels[0].startswith("wagtail") else " (optional)"
                    plural = f"  |plural: {entry.msgid_plural!r}" if entry.msgid_plural else ""
                    self.stdout.write(f"[{domain} {labels[0]}{optional}] {entry.msgid!r}{plural}")
            self.summarise(path, report)
            problems += report.problems()
            if not admin_messages.mo_is_fresh(po, path.with_suffix(".mo")):
                self.stdout.write(f"{path.name}: the .mo is stale: run compilemessages -l vi")
                problems += 1
        if merge:
            self.stdout.write("Translate the empty entries, then: manage.py compilemessages -l vi")
        elif check and problems:
            raise CommandError(f"{problems} problem(s): run admin_messages --merge, translate")

    def summarise(self, path, report):
        counts = {
            "missing": len(report.missing),
            "optional Django strings left to Django": len(report.optional),
            "untranslated or fuzzy": len(report.untranslated),
            "redundant (upstream translates them now)": len(report.redundant),
            "obsolete": len(report.obsolete),
            "placeholders changed": len(report.placeholders),
        }
        self.stdout.write(f"{path.name}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
        for what, entries in (
            ("untranslated", report.untranslated),
            ("redundant", report.redundant),
            ("obsolete", report.obsolete),
            ("placeholders", report.placeholders),
        ):
            for entry in entries:
                self.stdout.write(f"  {what}: {entry.msgid!r}")
