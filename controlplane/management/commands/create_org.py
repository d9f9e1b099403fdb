"""``manage.py create_org NAME --admin-email E --admin-password P`` (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from controlplane.errors import KongError
from controlplane.services.tenancy import create_org


class Command(BaseCommand):
    help = "Create an organization with its admin user. Running it again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            org, user = create_org(
                options["name"],
                admin_email=options["admin_email"],
                admin_password=options["admin_password"],
            )
        except KongError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"organization {org.name} ({org.pk}) with admin {user.email}")
