import json

from django.core.management.base import BaseCommand, CommandError

from assessment.models import InstrumentVersion
from assessment.selectors import export_instrument, get_version


class Command(BaseCommand):
    help = "Skriver hele spørreskjemaet som JSON."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version names the instrument version, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--version", dest="instrument_version", default=None)
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, instrument_version, **options):
        try:
            version = get_version(instrument_version)
        except InstrumentVersion.DoesNotExist as exc:
            raise CommandError(
                f"Fant ingen versjon {instrument_version or ''} av spørreskjemaet."
            ) from exc
        self.stdout.write(json.dumps(export_instrument(version), ensure_ascii=False, indent=2))
