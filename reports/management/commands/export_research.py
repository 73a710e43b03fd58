from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessment.models import Round
from reports.research import write_research_csv


class Command(BaseCommand):
    help = (
        "Skriver et grovere forskningsuttrekk av en publisert runde som CSV: ett svar per rad, "
        "uten enhet, kommune og dato."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", dest="slug", required=True, help="rundens kortnavn")
        parser.add_argument("--output", required=True, help="fila som skal skrives")

    def handle(self, *args, slug, output, **options):
        round_ = Round.objects.filter(slug=slug).select_related("instrument").first()
        if round_ is None:
            raise CommandError(f"Fant ingen runde «{slug}».")
        path = Path(output)
        try:
            with path.open("w", encoding="utf-8", newline="") as out:
                result = write_research_csv(round_=round_, out=out)
        except ValidationError as exc:
            path.unlink(missing_ok=True)
            raise CommandError("\n".join(exc.messages)) from exc
        except OSError as exc:
            raise CommandError(f"Kan ikke skrive {path}: {exc}") from exc
        self.stdout.write(
            f"Skrev {result['rows']} svar til {path}. "
            f"{result['left_out']} svar ble utelatt fordi kombinasjonen av størrelsesgruppe, "
            "fylke og ansattgruppe hadde for få svar."
        )
