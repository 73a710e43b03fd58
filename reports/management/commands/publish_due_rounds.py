from django.core.management.base import BaseCommand

from reports.publication import complete_pending_publications, publish_due_rounds


class Command(BaseCommand):
    help = "Publiserer resultatene fra alle runder som har stengt (kjør daglig, f.eks. fra cron)."

    def handle(self, *args, **options):
        publications = publish_due_rounds()
        for publication in publications:
            self.stdout.write(
                f"Runde «{publication.round.name}» publisert: {publication.respondents} svar, "
                f"{publication.municipalities} kommuner."
            )
        # Reliability and psychometrics here rather than waiting for the worker, also for
        # earlier publications whose queued task never ran.
        complete_pending_publications()
        if not publications:
            self.stdout.write("Ingen runder å publisere.")
