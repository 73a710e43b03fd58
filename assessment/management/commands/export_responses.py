import sys

from django.core.management.base import BaseCommand, CommandError

from assessment.exporting import write_round_csv
from assessment.models import Round


class Command(BaseCommand):
    help = (
        "Skriver alle svar i en runde som CSV i importformatet (til sikkerhetskopi eller flytting). "
        "Inneholder enkeltsvar: behandles som fortrolig."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, dest="slug")
        parser.add_argument("--output", help="fil (standard: standard ut)")

    def handle(self, *args, slug, output, **options):
        round_ = Round.objects.select_related("instrument").filter(slug=slug).first()
        if round_ is None:
            raise CommandError(f"Fant ingen runde med kortnavnet «{slug}».")
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                count = write_round_csv(round_=round_, out=handle)
            self.stderr.write(f"{count} svar skrevet til {output}.")
        else:
            count = write_round_csv(round_=round_, out=sys.stdout)
