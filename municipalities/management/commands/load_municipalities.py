from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from municipalities.services import MUNICIPALITY_CSV, load_municipalities


class Command(BaseCommand):
    help = "Laster (eller oppdaterer) kommuneregisteret fra CSV-fila som følger med prosjektet."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(MUNICIPALITY_CSV))

    def handle(self, *args, path, **options):
        try:
            result = load_municipalities(path=Path(path))
        except (OSError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{result.total} kommuner lastet ({result.created} nye, {result.updated} oppdatert)."
        )
