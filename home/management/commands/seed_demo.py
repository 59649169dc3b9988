import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events.demo import (
    seed_events,
    seed_gate_activity,
    seed_last_year,
    seed_registrations,
    seed_session_bookings,
)
from floor.demo import seed_floor
from home.demo import DEMO_PASSWORD, seed_site, seed_users
from publishers.demo import seed_publishers


class Command(BaseCommand):
    help = "Create a complete demo Book Day. Safe to run again: it only adds what is missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when DEBUG is off (demo logins have a public password).",
        )

    def handle(self, *args, allow_production=False, **options):
        logging.getLogger("wagtail").setLevel(logging.WARNING)  # one line per page is noise here
        if not settings.DEBUG and not allow_production:
            raise CommandError("Refusing to seed demo data with DEBUG off; pass --allow-production.")
        with transaction.atomic():
            home = seed_site()
            event = seed_events(home)
            registrations = seed_registrations(event)
            seed_session_bookings(event)
            scans = seed_gate_activity(event)
            last_registrations, last_scans = seed_last_year()
            registrations, scans = registrations + last_registrations, scans + last_scans
            logins = seed_users()
            publishers = seed_publishers(event)
            booths = seed_floor(event)
        self.stdout.write(self.style.SUCCESS(f"Demo Book Day ready: {event.title}"))
        if registrations:
            self.stdout.write(f"  {registrations} registrations added")
        if scans:
            self.stdout.write(f"  {scans} scans and 1,500 walk-ins on the first day of each fair")
        if publishers.titles or publishers.listings:
            added = f"{publishers.titles:,} titles and {publishers.listings:,} stock listings"
            self.stdout.write(f"  {added} added")
        if booths:
            self.stdout.write(f"  a floor plan with {booths} booths")
        self.stdout.write(f"  Site:  {settings.BASE_URL}/")
        self.stdout.write(f"  Admin: {settings.BASE_URL}/admin/")
        for username, role in logins + publishers.logins:
            self.stdout.write(f"  Login: {username} / {DEMO_PASSWORD}  ({role})")
