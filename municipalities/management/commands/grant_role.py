from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from municipalities.models import Role
from municipalities.services import grant_role


class Command(BaseCommand):
    help = "Gir en bruker en rolle (oppretter brukeren uten passord om den ikke finnes)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--municipality", help="kommunenummer (koordinator, tillitsvalgt)")
        parser.add_argument("--unit", type=int, help="enhetens id (enhetsleder)")

    def handle(self, *args, username, role, municipality, unit, **options):
        try:
            membership = grant_role(
                username=username, role=role, municipality_number=municipality, unit_id=unit
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Rolle gitt: {membership}")
