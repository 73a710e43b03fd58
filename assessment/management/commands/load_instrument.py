from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessment.instrument_files import INSTRUMENT_FILES
from assessment.services import load_instrument


class Command(BaseCommand):
    help = "Laster spørreskjemaet fra datafila som utkast, eller publiserer det med --publish."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=None,
            help="fila; uten sti lastes alle versjonene som følger med",
        )
        parser.add_argument("--publish", action="store_true", help="publiser (lås) versjonen")

    def handle(self, *args, path, publish, **options):
        paths = [Path(path)] if path else list(INSTRUMENT_FILES)
        for one in paths:
            try:
                version = load_instrument(path=one, publish=publish)
            except ValidationError as exc:
                raise CommandError("\n".join(exc.messages)) from exc
            state = "publisert" if version.is_published else "utkast"
            self.stdout.write(
                f"Spørreskjema versjon {version.version} ({state}): "
                f"{version.dimensions.count()} dimensjoner, {version.items.count()} påstander."
            )
