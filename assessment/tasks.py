"""Tasks for the queue (django-tasks; the worker is `python manage.py db_worker`). The database
queue stores a task by its import path, so `assessment.tasks.deliver_mail_batch` must not move."""

from django_tasks import task


@task()
def deliver_mail_batch(batch_id: int) -> dict:
    """Send what is due in one batch of invitations or reminders (assessment/mail/sending.py)."""
    # Imported here: assessment.mail queues this task, so it imports this module.
    from .mail.sending import deliver_batch

    return deliver_batch(batch_id=batch_id)
