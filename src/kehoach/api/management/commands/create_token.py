"""`kehoach create_token USERNAME`: print the user's API token, creating it once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = _(
        "Print the API token of a user (created on the first run; the same token after). "
        "Send it as the header: Authorization: Token <token>."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--reset",
            action="store_true",
            help=_("replace the user's token with a new one (the old one stops working)"),
        )

    def handle(self, *args, username, reset, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user %(username)s.") % {"username": username})
        if not user.is_active:
            raise CommandError(_("The user %(username)s is inactive.") % {"username": username})
        if reset:
            Token.objects.filter(user=user).delete()
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
