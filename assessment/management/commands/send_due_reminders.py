from django.core.management.base import BaseCommand

from assessment.mail import send_due_reminders


class Command(BaseCommand):
    help = (
        "Legger påminnelser i kø for alle påminnelsesdatoer som er kommet, til dem som ikke har "
        "svart (kjør daglig fra cron)."
    )

    def handle(self, *args, **options):
        totals = send_due_reminders()
        self.stdout.write(
            f"{totals['reminders']} påminnelser lagt i kø i {totals['batches']} utsendinger."
        )
