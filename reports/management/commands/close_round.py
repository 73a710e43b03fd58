from django.core.management.base import BaseCommand, CommandError

from assessment.models import Round
from reports.publication import complete_publication, publish_round


class Command(BaseCommand):
    help = "Stenger en runde nå og publiserer resultatene (kan ikke angres)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="rundens kortnavn")

    def handle(self, *args, slug, **options):
        round_ = Round.objects.filter(slug=slug).first()
        if round_ is None:
            raise CommandError(f"Fant ingen runde med kortnavnet «{slug}».")
        if round_.is_published:
            raise CommandError(f"Runden «{round_.name}» er allerede stengt og publisert.")
        publication = publish_round(round_=round_)
        self.stdout.write(
            f"Runde «{round_.name}» stengt og publisert: {publication.respondents} svar, "
            f"{publication.municipalities} kommuner."
        )
        # Here rather than waiting for the worker (which then finds nothing left to do).
        complete_publication(round_id=round_.pk)
