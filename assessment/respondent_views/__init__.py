"""The respondent's path: link → welcome → background → statements → choices → review → thanks.

No login. The draft lives on the server and is found through the session; personal links resume
on any device, open links through a short resume code.

- `session`: the session keys, the respondent's language and the shared pages
- `entry`: personal links, printed codes, open links, resume codes; thanks and paused
- `questionnaire`: the questionnaire's pages, the language switch and the submission
"""

from .entry import enter_code, open_link, paused, personal_link, resume, thanks
from .questionnaire import change_language, page, submit
from .session import (
    SESSION_DRAFT,
    SESSION_LANGUAGE,
    SESSION_OPEN_LINK,
    SESSION_RESUME_CODE,
    SESSION_ROUND,
    SESSION_SUBMITTED,
    SESSION_THANKS_ROUND,
    WARNED,
)

__all__ = [
    "SESSION_DRAFT",
    "SESSION_LANGUAGE",
    "SESSION_OPEN_LINK",
    "SESSION_RESUME_CODE",
    "SESSION_ROUND",
    "SESSION_SUBMITTED",
    "SESSION_THANKS_ROUND",
    "WARNED",
    "change_language",
    "enter_code",
    "open_link",
    "page",
    "paused",
    "personal_link",
    "resume",
    "submit",
    "thanks",
]
