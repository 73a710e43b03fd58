"""Writes for the assessment app, by concern. Every public function takes keyword arguments only.

- `instrument`: load, publish and copy versions of the questionnaire
- `rounds`: rounds, participations, headcounts, and the purge of personal data after closing
- `invitations`: e-mail invitations and reminders, printed codes, open links
- `answering`: drafts and their submission
- `responses`: storing responses (web, import and synthetic data share this)

The names are re-exported here, so `from assessment.services import X` and
`services.X` keep working.
"""

from .answering import (
    AlreadyAnswered,
    RoundNotOpen,
    decode_answer,
    find_draft_by_resume_code,
    save_draft_page,
    set_draft_language,
    start_open_draft,
    start_personal_draft,
    submit_draft,
)
from .instrument import copy_version, load_instrument, publish_version
from .invitations import (
    MAX_PRINTED_CODES,
    create_open_link,
    create_printed_codes,
    deactivate_open_link,
    invite_by_email,
    send_reminders,
)
from .responses import (
    NotEnoughAnswers,
    ResponseData,
    RoundPublished,
    check_enough_answers,
    kept_outcomes,
    lock_round_for_answers,
    record_responses,
)
from .rounds import (
    copy_previous_headcounts,
    create_round,
    join_round,
    purge_closed_rounds,
    purge_round_personal_data,
    set_headcounts,
    set_named_in_comparisons,
)

__all__ = [
    "MAX_PRINTED_CODES",
    "AlreadyAnswered",
    "NotEnoughAnswers",
    "ResponseData",
    "RoundNotOpen",
    "RoundPublished",
    "check_enough_answers",
    "copy_previous_headcounts",
    "copy_version",
    "create_open_link",
    "create_printed_codes",
    "create_round",
    "deactivate_open_link",
    "decode_answer",
    "find_draft_by_resume_code",
    "invite_by_email",
    "join_round",
    "kept_outcomes",
    "load_instrument",
    "lock_round_for_answers",
    "publish_version",
    "purge_closed_rounds",
    "purge_round_personal_data",
    "record_responses",
    "save_draft_page",
    "send_reminders",
    "set_draft_language",
    "set_headcounts",
    "set_named_in_comparisons",
    "start_open_draft",
    "start_personal_draft",
    "submit_draft",
]
