from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.services import create_api_token


class Command(BaseCommand):
    help = "Lager en ny API-nøkkel for brukeren. Nøkkelen skrives alene på siste linje."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            key = create_api_token(username=username)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write("Ny API-nøkkel (vises bare nå; bruk «Authorization: Token <nøkkel>»):")
        self.stdout.write(key)
