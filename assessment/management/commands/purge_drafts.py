from django.core.management.base import BaseCommand

from assessment.services import purge_expired_drafts


class Command(BaseCommand):
    help = "Sletter utkast fra runder som har stengt (kjør daglig, f.eks. fra cron)."

    def handle(self, *args, **options):
        deleted = purge_expired_drafts()
        self.stdout.write(f"{deleted} utløpte utkast slettet.")
