"""Validators for text people type (unit and round names, plan texts, invitation texts): they end
up in e-mail headers, XLSX, DOCX and PDF, which refuse control characters or line breaks."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]")


def plain_text(value: str) -> None:
    """Text with line breaks allowed, but no other control characters."""
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("Teksten inneholder et usynlig kontrolltegn. Skriv den inn på nytt uten det."),
            code="control_character",
        )


def one_line(value: str) -> None:
    """A name or a short text: one line, no control characters."""
    plain_text(value)
    if LINE_BREAKS.search(value):
        raise ValidationError(_("Skriv teksten på én linje."), code="line_break")
