from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from wagtail.models import APIToken

from events.permissions import can_scan


class Command(BaseCommand):
    help = (
        "Create an API token for a gate phone of a Gate staff or Organisers user and print it. "
        "Only a digest is stored, so a lost token is revoked in the admin and replaced, not shown again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="a label for the device, e.g. 'Cổng A - máy 1'")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if not can_scan(user):
            raise CommandError(f"{username!r} is not in the Gate staff or Organisers group.")
        active = APIToken.objects.filter(user=user, revoked_at__isnull=True).count()
        _token, plaintext = APIToken.create_token(user=user, name=name or f"Scanner {username}")
        if active:
            self.stderr.write(f"{username} already has {active} active token(s); they keep working.")
        self.stdout.write(plaintext)
