"""create_api_token USERNAME NAME [--days N]: issue an API token for an integration from the shell.

The secret goes to standard output alone on one line, once (pipe it straight into the integration's
configuration); everything else goes to standard error. The token acts as USERNAME and is recorded
in the audit log as created by USERNAME, as if issued on their security page.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from dajuan.accounts import services
from dajuan.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue an API token for USERNAME, named NAME, and print its secret once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="Which integration uses the token.")
        parser.add_argument("--days", type=int, default=None,
                            help="Expire after this many days (default: never).")

    def handle(self, *args, username: str, name: str, days: int | None, **options) -> None:
        if days is not None and days < 1:
            raise CommandError(_("--days must be at least 1."))
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user “%(username)s”.") % {"username": username})
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            token, raw = services.api_token_create(user=user, name=name, expires_at=expires_at, by=user)
        except DomainError as error:
            raise CommandError(error.message) from None
        expiry = timezone.localtime(expires_at).strftime("%Y-%m-%d %H:%M") if expires_at else _("never")
        self.stderr.write(
            _("Token “%(name)s” (dj_%(prefix)s_…) for %(username)s, expires: %(expiry)s. "
              "Copy the secret below now: it is not stored and will not be shown again.")
            % {"name": token.name, "prefix": token.prefix, "username": user.username, "expiry": expiry}
        )
        self.stdout.write(raw)
