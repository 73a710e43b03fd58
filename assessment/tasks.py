"""Tasks for the queue (django-tasks; the worker is `python manage.py db_worker`)."""

from django_tasks import task

from . import mail


@task()
def deliver_mail_batch(batch_id: int) -> dict:
    """Send what is due in one batch of invitations or reminders (assessment/mail.py)."""
    return mail.deliver_batch(batch_id=batch_id)
