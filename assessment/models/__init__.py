"""The assessment app's models, by concern. Django finds them all here.

- `instrument`: versions of the questionnaire, dimensions, statements, answer options (frozen once
  published)
- `rounds`: rounds, participations and headcounts
- `invitations`: personal links and printed codes, invited addresses, open links
- `responses`: drafts and the anonymous responses with their answers, scores and choices
- `mail`: invitation texts, mail batches, deliveries and reminder dates
- `tallies`: an open round's answers summed per cell as they arrive, read only by publication

Anonymity in storage (domain.md §6): a `Response` holds no link to an invitation, a user, an IP
address or a time finer than the date. `tests/test_anonymity_storage.py` inspects these models and
fails if such a link is added.
"""

from .instrument import (
    Dimension,
    FrozenInstrumentError,
    FrozenQuerySet,
    InstrumentVersion,
    Item,
    Option,
    OptionKind,
    VersionedPart,
    VersionQuerySet,
)
from .invitations import Invitation, InvitationKind, InvitedAddress, OpenLink
from .mail import (
    DeliveryStatus,
    InvitationText,
    MailBatch,
    MailDelivery,
    MailKind,
    ReminderDate,
)
from .responses import (
    Answer,
    Draft,
    Response,
    ResponseChoice,
    ResponseScore,
    ResponseSource,
    ScoreKind,
    TenureBand,
)
from .rounds import Headcount, Participation, Round
from .tallies import ChoiceTally, ItemTally, RespondentTally, ScoreTally, TenureTally

__all__ = [
    "Answer",
    "ChoiceTally",
    "DeliveryStatus",
    "Dimension",
    "Draft",
    "FrozenInstrumentError",
    "FrozenQuerySet",
    "Headcount",
    "InstrumentVersion",
    "Invitation",
    "InvitationKind",
    "InvitationText",
    "InvitedAddress",
    "Item",
    "ItemTally",
    "MailBatch",
    "MailDelivery",
    "MailKind",
    "OpenLink",
    "Option",
    "OptionKind",
    "Participation",
    "ReminderDate",
    "RespondentTally",
    "Response",
    "ResponseChoice",
    "ResponseScore",
    "ResponseSource",
    "Round",
    "ScoreKind",
    "ScoreTally",
    "TenureBand",
    "TenureTally",
    "VersionQuerySet",
    "VersionedPart",
]
