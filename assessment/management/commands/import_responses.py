from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessment.importing import import_responses
from assessment.models import Round


class Command(BaseCommand):
    help = "Importerer svar fra CSV (alt eller ingenting). Formatet står i README."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--round", required=True, dest="slug")

    def handle(self, *args, path, slug, **options):
        round_ = Round.objects.select_related("instrument").filter(slug=slug).first()
        if round_ is None:
            raise CommandError(f"Fant ingen runde med kortnavnet «{slug}».")
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Kan ikke lese {path}: {exc.strerror}") from exc
        try:
            count = import_responses(round_=round_, raw=raw)
        except ValidationError as exc:
            raise CommandError("Ingenting ble importert. " + " ".join(exc.messages)) from exc
        self.stdout.write(f"{count} svar importert til «{round_.name}».")
