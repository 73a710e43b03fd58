"""Invitations and reminders by e-mail, through a task queue.

A request only writes: the invitations, a `MailBatch` and one `MailDelivery` per e-mail, and
queues one task for the batch (`assessment.tasks.deliver_mail_batch`). The worker
(`python manage.py db_worker`) sends them over one SMTP connection. A temporary failure (4xx, a
dropped connection, no server) is tried again after `MAIL_RETRY_DELAYS`; a permanent refusal (5xx)
fails the delivery at once. The coordinator sees per batch how many are queued, sent and failed,
and can queue the failed ones again.

Anonymity: a delivery holds no address and no token. The worker makes a fresh token when it sends
(only its hash is stored, on the invitation), reads the address from the invitation, and cuts the
link from the delivery to the invitation once the mail is sent. A delivery whose invitation was
used meanwhile counts as sent, so no count tells who answered. Every public function takes keyword
arguments only.

- `texts`: the invitation text and the rendered e-mail
- `queueing`: queueing invitations and reminders (in the request), and the reminder dates
- `sending`: sending a batch (in the worker)
- `summaries`: reads for the dashboard
"""

from .queueing import (
    InviteResult,
    default_reminder_dates,
    invite_and_schedule,
    queue_invitations,
    queue_reminders,
    retry_failed,
    send_due_reminders,
    set_reminder_dates,
    split_valid_addresses,
)
from .sending import (
    CLAIM_CHUNK,
    STALE_CLAIM,
    PermanentFailure,
    TemporaryFailure,
    deliver_batch,
)
from .summaries import batch_summaries, coming_reminder_dates, get_batch
from .texts import (
    MAX_INTRO_CHARS,
    current_intro,
    invitation_url,
    render_invitation,
    set_invitation_text,
)

__all__ = [
    "CLAIM_CHUNK",
    "MAX_INTRO_CHARS",
    "STALE_CLAIM",
    "InviteResult",
    "PermanentFailure",
    "TemporaryFailure",
    "batch_summaries",
    "coming_reminder_dates",
    "current_intro",
    "default_reminder_dates",
    "deliver_batch",
    "get_batch",
    "invitation_url",
    "invite_and_schedule",
    "queue_invitations",
    "queue_reminders",
    "render_invitation",
    "retry_failed",
    "send_due_reminders",
    "set_invitation_text",
    "set_reminder_dates",
    "split_valid_addresses",
]
