from django.core.management.base import BaseCommand

from assessment.services import purge_closed_rounds


class Command(BaseCommand):
    help = (
        "Sletter utkast og ubrukte e-postadresser fra runder som har stengt "
        "(kjør daglig, f.eks. fra cron)."
    )

    def handle(self, *args, **options):
        totals = purge_closed_rounds()
        self.stdout.write(
            f"{totals['drafts']} utkast og {totals['addresses']} ubrukte e-postadresser slettet."
        )
