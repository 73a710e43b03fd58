"""Tasks for the queue (django-tasks; the worker is `python manage.py db_worker`). The database
queue stores a task by its import path, so `reports.tasks.complete_publication_task` must not
move."""

from django_tasks import task


@task()
def complete_publication_task(round_id: int) -> None:
    """Reliability and psychometrics of a round just published (reports/publication.py)."""
    # Imported here: reports.publication queues this task, so it imports this module.
    from .publication import complete_publication

    complete_publication(round_id=round_id)
