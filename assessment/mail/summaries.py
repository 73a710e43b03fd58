"""Reads for the coordinator's dashboard: the batches with their counts, and the coming reminder
dates."""

from django.db.models import Count, Q
from django.utils import timezone

from ..models import (
    DeliveryStatus,
    MailBatch,
    Participation,
    ReminderDate,
)


def batch_summaries(participation: Participation) -> list[dict]:
    """Per batch: how many are queued (or being sent), sent and failed. One query."""
    rows = (
        MailBatch.objects.filter(participation=participation)
        .annotate(
            total=Count("deliveries"),
            queued=Count(
                "deliveries",
                filter=Q(deliveries__status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]),
            ),
            sent=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
            refused=Count(
                "deliveries",
                filter=Q(deliveries__status=DeliveryStatus.FAILED, deliveries__failure="refused"),
            ),
        )
        .order_by("-pk")
    )
    return [
        {
            "batch": batch,
            "total": batch.total,
            "queued": batch.queued,
            "sent": batch.sent,
            "failed": batch.failed,
            "refused": batch.refused,
        }
        for batch in rows
    ]


def get_batch(participation: Participation, batch_id: int) -> MailBatch | None:
    return (
        MailBatch.objects.select_related("participation__round")
        .filter(participation=participation, pk=batch_id)
        .first()
    )


def coming_reminder_dates(participation: Participation) -> list:
    return list(
        ReminderDate.objects.filter(
            participation=participation, done=False, on__gte=timezone.localdate()
        ).values_list("on", flat=True)
    )
