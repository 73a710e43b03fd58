from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from municipalities.models import Role
from municipalities.services import grant_role, grant_role_on_sign_in


class Command(BaseCommand):
    help = (
        "Gir en bruker en rolle (oppretter brukeren uten passord om den ikke finnes). En "
        "e-postadresse (eller --sso) gir rollen til den som logger inn med organisasjonskontoen."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--municipality", help="kommunenummer (koordinator, tillitsvalgt)")
        parser.add_argument("--unit", type=int, help="enhetens id (enhetsleder)")
        parser.add_argument(
            "--sso",
            action="store_true",
            help="BRUKER er identiteten fra innloggingen (f.eks. pid fra ID-porten)",
        )

    def handle(self, *args, username, role, municipality, unit, sso=False, **options):
        try:
            if sso or "@" in username:
                granted = grant_role_on_sign_in(
                    identity=username, role=role, municipality_number=municipality, unit_id=unit
                )
                if not hasattr(granted, "user"):
                    self.stdout.write(f"Rolle venter på første innlogging: {granted}")
                    return
                membership = granted
            else:
                membership = grant_role(
                    username=username, role=role, municipality_number=municipality, unit_id=unit
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Rolle gitt: {membership}")
