"""``manage.py create_token --email E --org O [--name N] [--expires-in-days D]``."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from controlplane.errors import KongError
from controlplane.models import Membership
from controlplane.services.store import is_uuid
from controlplane.services.tokens import create_token


class Command(BaseCommand):
    help = "Create a personal access token and print it (only the token, only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--org", required=True, help="organization name or id")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--expires-in-days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        org = options["org"]
        in_org = Q(organization__name=org)
        if is_uuid(org):
            in_org |= Q(organization_id=org)
        membership = (
            Membership.objects.select_related("user", "organization")
            .filter(in_org, user__email__iexact=options["email"])
            .first()
        )
        if membership is None:
            raise CommandError(f"{options['email']} is not a member of {options['org']}")
        try:
            _, secret = create_token(
                membership.user,
                membership.organization,
                name=options["name"],
                expires_in_days=options["expires_in_days"],
            )
        except KongError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(secret)
